/**
 * `distlab test <lab>`: runs a lab's tests against an implementation (the lab's skeleton, a
 * `.ts` module or a lab notebook) on one or more seeds. Exit codes: 0 every run passed,
 * 1 some run failed, 2 bad input (unknown lab or part, no matching test, an implementation
 * that is missing, does not compile, throws at import or lacks the export, bad flags).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Lab } from '../../testing/lab';
import { IsolationError, isolateMemoryMbMaxDefault, isolateWallMsMaxDefault, runTestsIsolated, type PlannedRun } from '../../testing/isolate';
import { compileImplementation, displayPath, evaluateImplementation, implementationFor, ImplementationLoadError, type CompiledImplementation } from '../../testing/load-impl';
import { colorFor, outcomeJson, outcomeText, summarize, summaryTable, verdictLine, type ReplayTarget } from '../../testing/report';
import type { TestOutcome } from '../../testing/run-test';
import { runTests, seedRange, selectTests, SelectionError } from '../../testing/sweep';
import { LabNotFoundError, loadLab, type LoadedLab } from '../../testing/labs';

/** Exit codes of `distlab test` and `distlab replay`. */
export const testExitCodes = { passed: 0, failed: 1, badInput: 2 } as const;

export interface TestCommandOptions {
  readonly part?: string;
  readonly run?: string;
  readonly impl?: string;
  readonly seeds?: number;
  readonly seed?: number;
  readonly json?: boolean;
  readonly verbose?: boolean;
  /** Run each test in a child process with a wall-clock guard (default true). */
  readonly isolate?: boolean;
  readonly jobs?: number;
  /** Wall-clock limit per test run, in seconds (isolated runs only). */
  readonly timeout?: number;
  readonly labDir?: string;
  /** TypeScript strict for the submission's type check (default: true for .ts, false for .ipynb). */
  readonly strict?: boolean;
  /** Type-check the submission before running it (default true). */
  readonly typeCheck?: boolean;
}

/** Where a command writes; tests pass collectors. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour the text output (default: stdout is a TTY and NO_COLOR is unset). */
  readonly color?: boolean;
}

export const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * @example
 * distlab test raft --part 3A --impl labs/raft/raft.ipynb --seeds 5
 */
export function testCommand(): Command {
  return new Command('test')
    .description("run a lab's tests; exit 0 all passed, 1 some failed, 2 bad input")
    .argument('<lab>', 'lab name, e.g. raft (see labs/)')
    .option('--part <part>', 'only this part, e.g. 3A')
    .option('--run <name>', 'only tests with this exact name, else matching this regular expression')
    .option('--impl <path>', "implementation: a .ts module or a lab notebook .ipynb (default: the lab's skeleton)")
    .addOption(new Option('--seeds <n>', 'run every test on seeds 1..n').argParser(positiveInteger).conflicts('seed'))
    .addOption(new Option('--seed <s>', 'run every test on this one seed').argParser(integer))
    .option('--json', 'print one JSON object per test and seed, nothing else on stdout', false)
    .option('--verbose', "print each test's log lines", false)
    .option('--no-isolate', 'run tests in this process (faster to start; an infinite loop then hangs the run)')
    .option('--jobs <n>', 'isolated test processes side by side', positiveInteger, 1)
    .option('--timeout <seconds>', 'wall-clock limit per isolated test run', positiveNumber, isolateWallMsMaxDefault / 1000)
    .option('--lab-dir <path>', 'load the lab from this folder instead of labs/<lab> (instructors, tests)')
    .option('--strict', 'type-check the submission with TypeScript strict (default for .ts)')
    .option('--no-strict', 'type-check non-strict (default for notebooks, as tslab does)')
    .option('--no-type-check', 'skip the type check (run what transpiles)')
    .action(async (labName: string, options: TestCommandOptions) => {
      process.exitCode = await runTestCommand(labName, options, processOutput);
    });
}

/** Runs `distlab test` and returns its exit code; all output goes through `output`. */
export async function runTestCommand(labName: string, options: TestCommandOptions, output: CommandOutput): Promise<number> {
  const prepared = await prepare(labName, options, output);
  if (typeof prepared === 'number') return prepared;
  const { found, target } = prepared;
  const color = output.color ?? colorFor(process.stdout);
  const print = (outcome: TestOutcome): void => {
    output.stdout(options.json === true ? `${JSON.stringify(outcomeJson(outcome))}\n` : `${outcomeText(outcome, target, { color, verbose: options.verbose })}\n`);
  };
  let outcomes: TestOutcome[];
  try {
    outcomes =
      options.isolate === false
        ? await withConsoleOnStderr(options.json === true, () => runInProcess(prepared, print))
        : await runIsolated(prepared, options, print, output);
  } catch (error) {
    if (!(error instanceof ImplementationLoadError) && !(error instanceof IsolationError)) throw error;
    output.stderr(`distlab test: ${error.message}\n`);
    return testExitCodes.badInput;
  }
  if (options.json !== true) {
    output.stdout(`\n${summaryTable(summarize(outcomes, found.lab.parts), { color })}\n${verdictLine(outcomes, { color })}\n`);
  }
  return outcomes.every((outcome) => outcome.passed) ? testExitCodes.passed : testExitCodes.failed;
}

/** Runs in this process, the submission evaluated afresh for each run. */
async function runInProcess(prepared: Prepared, print: (outcome: TestOutcome) => void): Promise<TestOutcome[]> {
  const { found, compiled, runs } = prepared;
  const lab = found.lab;
  const fresh = async (): Promise<unknown> => implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
  return runTests(lab, await fresh(), {
    names: [...new Set(runs.map((run) => run.test))],
    seeds: [...new Set(runs.map((run) => run.seed))],
    onOutcome: print,
    implementationFor: fresh,
  });
}

/** With --json, stdout carries only JSON: what the implementation logs goes to stderr. */
async function withConsoleOnStderr<T>(active: boolean, body: () => Promise<T>): Promise<T> {
  if (!active) return body();
  const { log, info } = console;
  console.log = console.error;
  console.info = console.error;
  try {
    return await body();
  } finally {
    console.log = log;
    console.info = info;
  }
}

/** Runs in worker processes with the wall-clock guard. */
async function runIsolated(prepared: Prepared, options: TestCommandOptions, print: (outcome: TestOutcome) => void, output: CommandOutput): Promise<TestOutcome[]> {
  const { found, compiled, runs } = prepared;
  return runTestsIsolated(
    { labName: found.lab.name, lab: found.source, impl: compiled, runs },
    {
      jobs: options.jobs ?? 1,
      wallMsMax: (options.timeout ?? isolateWallMsMaxDefault / 1000) * 1000,
      memoryMbMax: isolateMemoryMbMaxDefault,
      onOutcome: print,
      ...(options.verbose === true ? { onWorkerOutput: (text: string) => output.stderr(text) } : {}),
    },
  );
}

interface Prepared {
  readonly found: LoadedLab;
  readonly compiled: CompiledImplementation;
  readonly runs: PlannedRun[];
  readonly target: ReplayTarget;
}

/** Everything that can fail as bad input (exit 2), checked before any test runs. */
async function prepare(labName: string, options: TestCommandOptions, output: CommandOutput): Promise<Prepared | number> {
  const bad = (message: string): number => {
    output.stderr(`distlab test: ${message}\n`);
    return testExitCodes.badInput;
  };
  if (options.seed !== undefined && options.seeds !== undefined) return bad('give --seeds N or --seed S, not both.');
  if (options.isolate === false && (options.jobs ?? 1) > 1) return bad('--jobs runs tests in worker processes; it cannot be combined with --no-isolate.');
  const seeds = options.seed !== undefined ? [options.seed] : seedRange(options.seeds ?? 1);
  try {
    const found = await loadLab({ name: labName, ...(options.labDir === undefined ? {} : { labDir: options.labDir }) });
    const tests = selectTests(found.lab, { ...(options.part === undefined ? {} : { part: options.part }), ...(options.run === undefined ? {} : { names: options.run }) });
    const implPath = implementationPath(found, options.impl);
    // Isolated runs load the submission in a worker first (a loop at import is then timed out there).
    const compiled = await checkImplementation(found.lab, implPath, { ...options, evaluate: options.isolate === false });
    const runs = tests.flatMap((test) => seeds.map((seed) => ({ test: test.name, part: test.part, seed })));
    const target: ReplayTarget = {
      lab: labName,
      ...(options.impl === undefined ? {} : { impl: options.impl }),
      ...(options.labDir === undefined ? {} : { labDir: options.labDir }),
    };
    return { found, compiled, runs, target };
  } catch (error) {
    if (error instanceof LabNotFoundError || error instanceof SelectionError || error instanceof ImplementationLoadError) return bad(error.message);
    throw error;
  }
}

/** The implementation to test: `--impl`, else the lab's `skeleton`, else `<lab folder>/<lab name>.ts`. */
export function implementationPath(found: LoadedLab, impl: string | undefined): string {
  if (impl !== undefined) return path.resolve(impl);
  if (found.lab.skeleton !== undefined) return path.join(found.dir, found.lab.skeleton);
  const conventional = path.join(found.dir, `${found.lab.name}.ts`);
  if (fs.existsSync(conventional)) return conventional;
  throw new ImplementationLoadError('missing', `the ${found.lab.name} lab names no skeleton (and ${displayPath(conventional)} does not exist); give the implementation with --impl PATH (.ts or .ipynb).`);
}

/**
 * Compiles the submission and checks, in this process, that it loads and provides the lab's
 * export, so a broken submission is bad input (exit 2) rather than a failure of every test.
 */
export async function checkImplementation(
  lab: Lab<unknown>,
  file: string,
  options: Pick<TestCommandOptions, 'strict' | 'typeCheck'> & { readonly evaluate?: boolean },
): Promise<CompiledImplementation> {
  const compiled = compileImplementation(file, {
    ...(options.strict === undefined ? {} : { strict: options.strict }),
    ...(options.typeCheck === undefined ? {} : { typeCheck: options.typeCheck }),
  });
  if (options.evaluate !== false) implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
  return compiled;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`expected a whole number, got "${text}".`);
  return value;
}

function positiveInteger(text: string): number {
  const value = integer(text);
  if (value <= 0) throw new InvalidArgumentError(`expected a positive whole number, got "${text}".`);
  return value;
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`expected a positive number, got "${text}".`);
  return value;
}
