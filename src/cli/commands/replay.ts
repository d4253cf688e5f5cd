/**
 * `distlab replay <lab> NAME --seed S`: reruns one test bit for bit (same code and seed, same
 * trace hash) and, with `--out DIR`, writes what is needed to understand it:
 *   DIR/trace.jsonl   the trace as JSON lines (its sha256 is the trace hash),
 *   DIR/report.html   one self-contained page: verdict, seed, replay command, plots, last trace lines,
 *   DIR/<plot>.svg    each of the lab's plots.
 * Exit codes as `distlab test`: 0 passed, 1 failed, 2 bad input. Runs in this process (the
 * world is needed for plots): an implementation that loops forever hangs it; use Ctrl-C.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { World } from '../../runtime/world';
import { displayPath, ImplementationLoadError, evaluateImplementation, implementationFor } from '../../testing/load-impl';
import type { Lab, TestFailure } from '../../testing/lab';
import { colorFor, outcomeText, replayCommand as replayCommandLine, type ReplayTarget } from '../../testing/report';
import { withExitGuard } from '../../testing/module-graph';
import { runTest, type TestOutcome } from '../../testing/run-test';
import { selectTests, SelectionError } from '../../testing/sweep';
import { LabNotFoundError, loadLab } from '../../testing/labs';
import { checkImplementation, implementationPath, processOutput, testExitCodes, type CommandOutput } from './test';

export interface ReplayCommandOptions {
  readonly seed: number;
  readonly impl?: string;
  readonly out?: string;
  readonly labDir?: string;
  readonly verbose?: boolean;
  readonly strict?: boolean;
  readonly typeCheck?: boolean;
}

/** Trace lines at the end of report.html. */
export const reportTraceLinesMax = 200;

/**
 * @example
 * distlab replay raft TestFigure8Unreliable3C --seed 7 --impl raft.ipynb --out replay-7
 */
export function replayCommand(): Command {
  return new Command('replay')
    .description('rerun one test on one seed, bit for bit; --out writes trace.jsonl, report.html and plots')
    .argument('<lab>', 'lab name, e.g. raft')
    .argument('<name>', 'test name, e.g. TestInitialElection3A')
    .requiredOption('--seed <s>', 'the seed printed by `distlab test`', integer)
    .option('--impl <path>', "implementation: a .ts module or a lab notebook .ipynb (default: the lab's skeleton)")
    .option('--out <dir>', 'write trace.jsonl, report.html and one SVG per plot into this folder')
    .option('--lab-dir <path>', 'load the lab from this folder instead of labs/<lab>')
    .option('--verbose', "print the test's log lines", false)
    .option('--strict', 'type-check the submission with TypeScript strict (default for .ts)')
    .option('--no-strict', 'type-check non-strict (default for notebooks)')
    .option('--no-type-check', 'skip the type check')
    .action(async (labName: string, name: string, options: ReplayCommandOptions) => {
      process.exitCode = await runReplayCommand(labName, name, options, processOutput);
    });
}

/** Runs `distlab replay` and returns its exit code. */
export async function runReplayCommand(labName: string, name: string, options: ReplayCommandOptions, output: CommandOutput): Promise<number> {
  let lab: Lab<unknown>;
  let impl: unknown;
  let implFile: string;
  try {
    const found = await loadLab({ name: labName, ...(options.labDir === undefined ? {} : { labDir: options.labDir }) });
    lab = found.lab;
    const exact = lab.tests.find((test) => test.name === name);
    if (exact === undefined) selectTests(lab, { names: `^${name}$` });
    implFile = implementationPath(found, options.impl);
    const compiled = await checkImplementation(lab, implFile, options);
    impl = implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
  } catch (error) {
    if (error instanceof LabNotFoundError || error instanceof SelectionError || error instanceof ImplementationLoadError) {
      output.stderr(`distlab replay: ${error.message}\n`);
      return testExitCodes.badInput;
    }
    throw error;
  }
  const test = lab.tests.find((candidate) => candidate.name === name);
  if (test === undefined) throw new Error(`replay: test ${name} vanished`);
  const target: ReplayTarget = {
    lab: labName,
    ...(options.impl === undefined ? {} : { impl: options.impl }),
    ...(options.labDir === undefined ? {} : { labDir: options.labDir }),
  };
  // Say whose code runs: without --impl it is the lab's skeleton, not the student's work.
  const whose = options.impl === undefined ? " (the lab's skeleton; give yours with --impl)" : '';
  output.stdout(`replaying ${name} seed ${options.seed} with ${displayPath(implFile)}${whose}\n`);
  const { outcome, world, failure } = await withExitGuard(() => runTest(lab, test, impl, options.seed));
  const color = output.color ?? colorFor(process.stdout);
  output.stdout(`${outcomeText(outcome, target, { color, verbose: options.verbose })}\n`);
  output.stdout(`trace ${outcome.traceHash} (${outcome.events} events)\n`);
  if (options.out !== undefined) {
    const written = await writeReplayFiles(options.out, { lab, outcome, world, failure, target });
    output.stdout(`wrote ${written.map(displayPath).join(', ')}\n`);
  }
  return outcome.passed ? testExitCodes.passed : testExitCodes.failed;
}

export interface ReplayArtifacts {
  readonly lab: Lab<unknown>;
  readonly outcome: TestOutcome;
  readonly world: World;
  readonly failure: TestFailure | null;
  readonly target: ReplayTarget;
}

/**
 * Writes trace.jsonl, report.html and one SVG per plot into `dir`; returns the files written.
 * The grader's failure pages can reuse it.
 */
export async function writeReplayFiles(dir: string, artifacts: ReplayArtifacts): Promise<string[]> {
  const { htmlPage, renderSvg } = await import('../../plot/index.js');
  const { lab, outcome, world, failure, target } = artifacts;
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const tracePath = path.join(dir, 'trace.jsonl');
  fs.writeFileSync(tracePath, world.trace.toJsonLines(), 'utf8');
  written.push(tracePath);
  const plots = lab.plots?.(world, failure) ?? [];
  const used = new Set<string>();
  for (const plot of plots) {
    const file = path.join(dir, `${uniqueSlug(plot.title, used)}.svg`);
    fs.writeFileSync(file, await renderSvg(plot.spec as Parameters<typeof renderSvg>[0]), 'utf8');
    written.push(file);
  }
  const verdict = outcome.passed ? 'passed' : `FAILED (${outcome.kind}) at ${((outcome.failureAtMs ?? outcome.virtualMs) / 1000).toFixed(1)}s: ${outcome.failure ?? ''}`;
  const evicted = world.trace.evictedCount > 0 ? `\nNote: the ${world.trace.evictedCount} oldest events were dropped from memory, so trace.jsonl holds only the last ${world.trace.events.length} and its sha256 differs from the hash.` : '';
  const page = await htmlPage({
    title: `${outcome.name} (${outcome.part}), seed ${outcome.seed}: ${outcome.passed ? 'passed' : 'FAILED'}`,
    sections: [
      {
        heading: 'Verdict',
        text:
          `${verdict}\nseed ${outcome.seed}  virtual time ${(outcome.virtualMs / 1000).toFixed(1)}s  #peers ${outcome.peers}  #RPCs ${outcome.rpcs}  #Bytes ${outcome.bytes}  #Ops ${outcome.ops}\n` +
          `trace ${outcome.traceHash} (${outcome.events} events)${evicted}\n\nreplay: ${replayCommandLine(outcome, target)}`,
      },
      ...plots.map((plot) => ({ heading: plot.title, spec: plot.spec as Parameters<typeof renderSvg>[0] })),
      ...(outcome.log.length === 0 ? [] : [{ heading: 'Test log', text: outcome.log.join('\n') }]),
      { heading: `Last ${reportTraceLinesMax} trace events`, text: world.trace.describe({ max: reportTraceLinesMax }).join('\n') },
    ],
  });
  const reportPath = path.join(dir, 'report.html');
  fs.writeFileSync(reportPath, page, 'utf8');
  written.push(reportPath);
  return written;
}

function uniqueSlug(title: string, used: Set<string>): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'plot';
  let slug = base;
  for (let index = 2; used.has(slug); index++) slug = `${base}-${index}`;
  used.add(slug);
  return slug;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`expected a whole number, got "${text}".`);
  return value;
}
