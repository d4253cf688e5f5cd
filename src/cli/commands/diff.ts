/**
 * `distlab diff <lab> NAME --seed S --impl A --impl B [--out DIR]`: runs one test on one seed
 * with two implementations and prints where their traces first diverge (event index, virtual
 * time, node, both sides). With `--out DIR`: `a.jsonl`, `b.jsonl`, `diff.svg` and `diff.html`
 * (both space-time diagrams one above the other, around the divergence).
 * Exit codes: 0 identical traces, 1 they diverge, 2 bad input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { displayPath, ImplementationLoadError, evaluateImplementation, implementationFor } from '../../testing/load-impl';
import type { Lab, LabTest } from '../../testing/lab';
import { runTest } from '../../testing/run-test';
import { withExitGuard } from '../../testing/module-graph';
import { selectTests, SelectionError } from '../../testing/sweep';
import { LabNotFoundError, loadLab } from '../../testing/labs';
import { describeDivergence, firstDivergence } from '../../debug/diff';
import { diffSpec } from '../../debug/diff-plot';
import type { VegaLiteSpec } from '../../plot/render';
import { checkImplementation, implementationPath, processOutput, testExitCodes, type CommandOutput } from './test';

export interface DiffCommandOptions {
  readonly seed: number;
  readonly impl: readonly string[];
  readonly out?: string;
  readonly labDir?: string;
  readonly strict?: boolean;
  readonly typeCheck?: boolean;
  /** Virtual ms drawn on each side of the divergence. */
  readonly windowMs?: number;
}

/**
 * @example
 * distlab diff raft TestBackup3B --seed 3 --impl raft-monday.ts --impl raft.ts --out diff-3
 */
export function diffCommand(): Command {
  return new Command('diff')
    .description('run one test on one seed with two implementations and show where their traces first diverge')
    .argument('<lab>', 'lab name, e.g. raft')
    .argument('<name>', 'test name, e.g. TestBackup3B')
    .requiredOption('--seed <s>', 'the seed (both runs use it: same faults and workload)', integer)
    .requiredOption('--impl <path>', 'an implementation (.ts or .ipynb); give --impl twice: A then B', collect, [])
    .option('--out <dir>', 'write a.jsonl, b.jsonl, diff.svg and diff.html into this folder')
    .option('--window-ms <ms>', 'virtual ms drawn on each side of the divergence (default 300)', integer)
    .option('--lab-dir <path>', 'load the lab from this folder instead of labs/<lab>')
    .option('--strict', 'type-check with TypeScript strict (default for .ts)')
    .option('--no-strict', 'type-check non-strict (default for notebooks)')
    .option('--no-type-check', 'skip the type check')
    .action(async (labName: string, name: string, options: DiffCommandOptions) => {
      process.exitCode = await runDiffCommand(labName, name, options, processOutput);
    });
}

/** A lab, one of its tests, and implementations loaded for it: what diff, shrink and explore start from. */
export interface LoadedRun {
  readonly lab: Lab<unknown>;
  readonly test: LabTest<unknown>;
  readonly impls: readonly { readonly file: string; readonly impl: unknown }[];
}

/**
 * Loads the lab, finds the test by exact name, compiles and loads each implementation (the
 * lab's skeleton for `undefined`). Bad input throws `LabNotFoundError`, `SelectionError` or
 * `ImplementationLoadError`, each with a message saying what to fix.
 */
export async function loadRun(
  labName: string,
  name: string,
  implPaths: readonly (string | undefined)[],
  options: { readonly labDir?: string; readonly strict?: boolean; readonly typeCheck?: boolean },
): Promise<LoadedRun> {
  const found = await loadLab({ name: labName, ...(options.labDir === undefined ? {} : { labDir: options.labDir }) });
  const lab = found.lab;
  const test = lab.tests.find((candidate) => candidate.name === name);
  if (test === undefined) {
    selectTests(lab, { names: `^${name}$` }); // throws the runner's own "no test matches" message
    throw new SelectionError(`no test is named exactly ${name} in ${labName}; names are the course's, e.g. ${lab.tests[0]?.name ?? '?'}`);
  }
  const impls = [];
  for (const implPath of implPaths) {
    const file = implementationPath(found, implPath);
    const compiled = await checkImplementation(lab, file, options);
    impls.push({ file, impl: implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) }) });
  }
  return { lab, test, impls };
}

/** True for the errors `loadRun` uses to report bad input. */
export function isBadInput(error: unknown): error is Error {
  return error instanceof LabNotFoundError || error instanceof SelectionError || error instanceof ImplementationLoadError;
}

/** Runs `distlab diff` and returns its exit code. */
export async function runDiffCommand(labName: string, name: string, options: DiffCommandOptions, output: CommandOutput): Promise<number> {
  if (options.impl.length !== 2) {
    output.stderr(`distlab diff: give exactly two implementations, --impl A --impl B (got ${options.impl.length}).\n`);
    return testExitCodes.badInput;
  }
  let run: LoadedRun;
  try {
    run = await loadRun(labName, name, options.impl, options);
  } catch (error) {
    if (!isBadInput(error)) throw error;
    output.stderr(`distlab diff: ${error.message}\n`);
    return testExitCodes.badInput;
  }
  const [nameA, nameB] = sideNames(options.impl);
  const runs = [];
  for (const { impl } of run.impls) runs.push(await withExitGuard(() => runTest(run.lab, run.test, impl, options.seed)));
  const [a, b] = runs;
  output.stdout(`${name} seed ${options.seed}\n`);
  for (const [side, result] of [[nameA, a], [nameB, b]] as const) {
    const verdict = result.outcome.passed ? 'passed' : `FAILED (${result.outcome.kind}): ${result.outcome.failure ?? ''}`;
    output.stdout(`  ${side}: ${verdict}; ${result.outcome.events} events, trace ${result.outcome.traceHash.slice(0, 8)}\n`);
  }
  const divergence = firstDivergence(a.world.trace.events, b.world.trace.events);
  output.stdout(`${describeDivergence(divergence, nameA, nameB).join('\n')}\n`);
  if (options.out !== undefined) {
    const spec = diffSpec(a.world.trace.events, b.world.trace.events, divergence, nameA, nameB, options.windowMs === undefined ? {} : { windowMs: options.windowMs });
    const written = await writeDiffFiles(options.out, { a: a.world.trace.toJsonLines(), b: b.world.trace.toJsonLines(), spec, lines: describeDivergence(divergence, nameA, nameB), title: `${name} seed ${options.seed}: ${nameA} vs ${nameB}` });
    output.stdout(`wrote ${written.map(displayPath).join(', ')}\n`);
  }
  return divergence === null ? testExitCodes.passed : testExitCodes.failed;
}

async function writeDiffFiles(dir: string, files: { a: string; b: string; spec: VegaLiteSpec; lines: string[]; title: string }): Promise<string[]> {
  const { htmlPage, renderSvg } = await import('../../plot/index.js');
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (file: string, text: string): void => {
    const target = path.join(dir, file);
    fs.writeFileSync(target, text, 'utf8');
    written.push(target);
  };
  write('a.jsonl', files.a);
  write('b.jsonl', files.b);
  write('diff.svg', await renderSvg(files.spec));
  write('diff.html', await htmlPage({ title: files.title, sections: [{ heading: 'First divergence', text: files.lines.join('\n') }, { heading: 'Both runs around it', spec: files.spec }] }));
  return written;
}

/** Short names for the two sides: the file names, or A/B paths when they are the same name. */
function sideNames(impls: readonly string[]): [string, string] {
  const [a, b] = impls.map((impl) => path.basename(impl));
  return a === b ? [impls[0], impls[1]] : [a, b];
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`expected a whole number, got "${text}".`);
  return value;
}
