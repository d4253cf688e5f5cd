/**
 * Builds every generated notebook (lecture and lab) and lab skeleton from its markdown source;
 * the format is in docs/notebooks.md ("Notebook sources").
 *
 *   npm run notebooks              # write what changed
 *   npm run notebooks -- --check   # exit 1 if a committed output is stale (npm test runs this)
 */
import * as path from 'node:path';
import { allBuildOutputs, staleOutputs, writeOutputs } from '../src/notebook/build';

const root = path.resolve(__dirname, '..');

function main(): void {
  const outputs = allBuildOutputs(root);
  if (process.argv.includes('--check')) {
    const stale = staleOutputs(root, outputs);
    for (const output of stale) process.stderr.write(`${output.target} is out of date with ${output.source}\n`);
    if (stale.length > 0) {
      process.stderr.write('rebuild with `npm run notebooks`\n');
      process.exit(1);
    }
    process.stdout.write(`${outputs.length} generated files are up to date\n`);
    return;
  }
  const written = writeOutputs(root, outputs);
  for (const target of written) process.stdout.write(`wrote ${target}\n`);
  process.stdout.write(`${outputs.length} generated files, ${written.length} rewritten\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`build-notebooks: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
