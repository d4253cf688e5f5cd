/**
 * `distlab grade SUBMISSION`: grades a submission (a lab notebook or a `.ts` module) against a
 * lab's public and hidden tests in sandboxed worker processes and writes results.json
 * (Gradescope's schema) and one HTML page per failed test. The grader lives in grading/, which
 * src/ never imports statically: this command finds it at run time (built, then sources).
 * Exit codes: 0 full score, 1 below full score, 2 the grader could not run.
 *
 * @example
 * distlab grade labs/raft/raft.ipynb --lab raft --out results --jobs 2
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { packageRoot, runningFromSource } from '../../testing/package-root';

interface GradeModule {
  runGradeCli(submission: string, options: Record<string, unknown>, output: { stdout(text: string): void; stderr(text: string): void }): Promise<number>;
}

interface MutantsModule {
  runMutantsCli(options: Record<string, unknown>, output: { stdout(text: string): void; stderr(text: string): void }): Promise<number>;
}

/** Loads `grading/<relative>` (built `.js` when running from dist/, else the `.ts` source). */
export function loadGradingModule<T>(relative: string): T {
  const root = packageRoot();
  const built = path.join(root, 'dist', 'grading', `${relative}.js`);
  const source = path.join(root, 'grading', `${relative}.ts`);
  const file = !runningFromSource() && fs.existsSync(built) ? built : fs.existsSync(source) && runningFromSource() ? source : fs.existsSync(built) ? built : null;
  if (file === null) throw new Error(`grading/${relative} is missing: the grader ships with the instructor checkout (run \`npm run build\`).`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

const output = { stdout: (text: string) => void process.stdout.write(text), stderr: (text: string) => void process.stderr.write(text) };

export function gradeCommand(): Command {
  return new Command('grade')
    .description('grade a submission in a sandbox: public tests on the grading seeds plus hidden tests; writes DIR/results.json (Gradescope)')
    .argument('[submission]', 'a lab notebook (.ipynb) or a .ts module')
    .option('--lab <name>', 'the lab', 'raft')
    .option('--out <dir>', 'where results.json and failure pages go', 'grading-output')
    .option('--seeds <n>', 'seeds per test (default: grading/config/<lab>.json)', positiveInteger)
    .option('--jobs <n>', 'sandboxed workers side by side (default: every core)', positiveInteger)
    .option('--json', 'print results.json on stdout (no progress bar)', false)
    .option('--config <file>', 'grading config (default grading/config/<lab>.json)')
    .option('--lab-dir <path>', 'load the lab from this folder instead of labs/<lab>')
    .option('--timeout <seconds>', 'CPU-time limit per test run, in seconds (the wall-clock safety net stays the config value)', positiveNumber)
    .option('--memory-mb <n>', 'heap limit per worker', positiveInteger)
    .option('--no-pages', 'do not write HTML failure pages')
    .option('--run <name>', 'only the tests with this name, else matching this regular expression (a partial grading: results.json says so)')
    .option('--insecure', 'grade even without OS containment of the workers (no network/PID namespace, unprivileged user, memory rlimit); results.json says so', false)
    .option('--public-seeds <n>', 'with --mutants: public seeds 1..n for the "caught by public" column', positiveInteger)
    .option('--only <names>', 'with --mutants: only these mutants (comma-separated)')
    .option('--mutants', "grade the reference and every buggy variant in grading/mutants/<lab>/ and print which suite caught each", false)
    .action(async (submission: string | undefined, options: Record<string, unknown>) => {
      if (options.mutants === true) {
        process.exitCode = await loadGradingModule<MutantsModule>('mutants/run').runMutantsCli(options, output);
        return;
      }
      if (submission === undefined) {
        process.stderr.write('distlab grade: give the submission (a .ipynb or .ts file), or --mutants\n');
        process.exitCode = 2;
        return;
      }
      process.exitCode = await loadGradingModule<GradeModule>('grader/cli').runGradeCli(submission, options, output);
    });
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('give a positive integer');
  return parsed;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!(parsed > 0) || !Number.isFinite(parsed)) throw new InvalidArgumentError('give a positive number');
  return parsed;
}
