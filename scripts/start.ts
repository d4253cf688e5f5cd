/**
 * `npx tsx scripts/start.ts --setup-only` (.ci/run, before anything is built): installs the
 * project's JupyterLab and registers the tslab kernel. `npm start` runs the same code compiled
 * (dist/src/notebook/start.js, see src/notebook/start.ts), without tsx in between: tsx passes a
 * SIGTERM on only if its child acknowledges it within 30 ms and SIGKILLs the child otherwise,
 * which on a loaded machine killed the process that should have stopped Jupyter.
 */
import { startCourseMain } from '../src/notebook/start';

startCourseMain(process.argv.slice(2));
