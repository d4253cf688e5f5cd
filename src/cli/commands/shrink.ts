/**
 * `distlab shrink <lab> NAME --seed S [--impl FILE] --out DIR`: searches for a smaller run that
 * fails the same way (fewer fault actions, by delta debugging over the run's fault schedule),
 * replaying deterministically each time, and writes DIR/scenario.json (replayable),
 * DIR/trace.jsonl, DIR/report.html and plots (as `replay --out`), and DIR/summary.txt.
 * `distlab shrink --scenario DIR/scenario.json` replays a shrunk scenario and checks its trace hash.
 * Exit codes: 0 shrunk (or replayed identically), 1 the run passes / the replay differs, 2 bad input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { displayPath } from '../../testing/load-impl';
import { withExitGuard } from '../../testing/module-graph';
import { runMasked } from '../../debug/lab-runs';
import { shrinkFaults, shrinkSummary } from '../../debug/shrink';
import { isBadInput, loadRun, type LoadedRun } from './diff';
import { writeReplayFiles } from './replay';
import { processOutput, testExitCodes, type CommandOutput } from './test';

export interface ShrinkCommandOptions {
  readonly seed?: number;
  readonly impl?: string;
  readonly out?: string;
  readonly scenario?: string;
  readonly labDir?: string;
  readonly runsMax?: number;
  readonly timeLimit?: number;
  readonly typeCheck?: boolean;
  readonly strict?: boolean;
}

/** What scenario.json holds: enough to rerun the shrunk failure bit for bit. */
const scenarioSchema = z.object({
  format: z.literal('distlab-shrunk-scenario/1'),
  lab: z.string(),
  test: z.string(),
  seed: z.number().int(),
  impl: z.string().optional(),
  labDir: z.string().optional(),
  /** Ordinals of the fault actions the run applies (the n-th fault action of the run); every other one is skipped. */
  keepFaults: z.array(z.number().int().nonnegative()),
  signature: z.string(),
  traceHash: z.string(),
  faultsKept: z.array(z.string()),
  summary: z.string(),
});
export type ShrunkScenario = z.infer<typeof scenarioSchema>;

/**
 * @example
 * distlab shrink raft TestFigure83C --seed 4 --impl raft.ts --out shrunk-4
 */
export function shrinkCommand(): Command {
  return new Command('shrink')
    .description('find a smaller run that fails the same way (fewer faults), replayable; or replay one with --scenario')
    .argument('[lab]', 'lab name, e.g. raft')
    .argument('[name]', 'test name, e.g. TestFigure83C')
    .option('--seed <s>', 'the failing seed', integer)
    .option('--impl <path>', "implementation: a .ts module or a lab notebook .ipynb (default: the lab's skeleton)")
    .option('--out <dir>', 'write scenario.json, trace.jsonl, report.html, plots and summary.txt here')
    .option('--scenario <file>', 'replay a scenario.json written by shrink (checks the trace hash)')
    .option('--runs-max <n>', 'replays at most (default 200)', integer)
    .option('--time-limit <seconds>', 'wall-clock limit of the search (default 120)', integer)
    .option('--lab-dir <path>', 'load the lab from this folder instead of labs/<lab>')
    .option('--no-type-check', 'skip the type check')
    .action(async (lab: string | undefined, name: string | undefined, options: ShrinkCommandOptions) => {
      process.exitCode = await runShrinkCommand(lab, name, options, processOutput);
    });
}

/** Runs `distlab shrink` and returns its exit code. */
export async function runShrinkCommand(labName: string | undefined, name: string | undefined, options: ShrinkCommandOptions, output: CommandOutput): Promise<number> {
  if (options.scenario !== undefined) return replayScenario(options.scenario, options, output);
  if (labName === undefined || name === undefined || options.seed === undefined || options.out === undefined) {
    output.stderr('distlab shrink: give <lab> <TestName> --seed S --out DIR (and --impl FILE for your code), or --scenario FILE to replay a shrunk run.\n');
    return testExitCodes.badInput;
  }
  let run: LoadedRun;
  try {
    run = await loadRun(labName, name, [options.impl], options);
  } catch (error) {
    if (!isBadInput(error)) throw error;
    output.stderr(`distlab shrink: ${error.message}\n`);
    return testExitCodes.badInput;
  }
  const seed = options.seed;
  output.stdout(`shrinking ${name} seed ${seed} with ${displayPath(run.impls[0].file)}\n`);
  let result;
  try {
    result = await shrinkFaults((keep) => replayMasked(run, seed, keep), {
      ...(options.runsMax === undefined ? {} : { runsMax: options.runsMax }),
      wallMsMax: (options.timeLimit ?? 120) * 1000,
      onProgress: (progress) => {
        if (progress.accepted || progress.runs % 10 === 0) output.stdout(`  replay ${progress.runs}: smallest failing run so far keeps ${progress.faultsKept} of ${progress.faultsOriginal} fault actions\n`);
      },
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    output.stderr(`distlab shrink: ${error.message}\n`);
    return testExitCodes.failed;
  }
  const summary = shrinkSummary(result);
  output.stdout(`${summary}\n`);
  const scenario: ShrunkScenario = {
    format: 'distlab-shrunk-scenario/1',
    lab: labName,
    test: name,
    seed,
    ...(options.impl === undefined ? {} : { impl: path.resolve(options.impl) }),
    ...(options.labDir === undefined ? {} : { labDir: path.resolve(options.labDir) }),
    keepFaults: [...result.keep],
    signature: result.signature,
    traceHash: result.shrunk.outcome.traceHash,
    faultsKept: result.shrunk.faults.filter((fault) => !fault.skipped).map((fault) => `${fault.atMs}ms ${fault.description}`),
    summary,
  };
  const written = await writeShrinkFiles(options.out, run, scenario);
  output.stdout(`wrote ${written.map(displayPath).join(', ')}\nreplay: npx distlab shrink --scenario ${displayPath(path.join(options.out, 'scenario.json'))}\n`);
  return testExitCodes.passed;
}

/** One deterministic run of the test applying only the fault actions numbered in `keep` (null: all). */
export function replayMasked(run: LoadedRun, seed: number, keep: ReadonlySet<number> | null): ReturnType<typeof runMasked> {
  return withExitGuard(() => runMasked(run.lab, run.test, run.impls[0].impl, seed, keep));
}

async function writeShrinkFiles(dir: string, run: LoadedRun, scenario: ShrunkScenario): Promise<string[]> {
  const again = await replayMasked(run, scenario.seed, new Set(scenario.keepFaults));
  fs.mkdirSync(dir, { recursive: true });
  const scenarioPath = path.join(dir, 'scenario.json');
  fs.writeFileSync(scenarioPath, `${JSON.stringify(scenario, null, 2)}\n`, 'utf8');
  const summaryPath = path.join(dir, 'summary.txt');
  fs.writeFileSync(summaryPath, `${scenario.summary}\n\nFault actions kept:\n${scenario.faultsKept.map((line) => `  ${line}`).join('\n')}\n`, 'utf8');
  const target = { lab: scenario.lab, ...(scenario.impl === undefined ? {} : { impl: scenario.impl }), ...(scenario.labDir === undefined ? {} : { labDir: scenario.labDir }) };
  const files = await writeReplayFiles(dir, { lab: run.lab, outcome: again.outcome, world: again.world, failure: again.failure, target });
  return [scenarioPath, summaryPath, ...files];
}

/** `--scenario FILE`: reruns the shrunk run and compares its trace hash with the recorded one. */
async function replayScenario(file: string, options: ShrinkCommandOptions, output: CommandOutput): Promise<number> {
  let scenario: ShrunkScenario;
  try {
    scenario = scenarioSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (error) {
    output.stderr(`distlab shrink: ${file} is not a scenario written by distlab shrink (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).\n`);
    return testExitCodes.badInput;
  }
  let run: LoadedRun;
  try {
    run = await loadRun(scenario.lab, scenario.test, [scenario.impl], { ...(scenario.labDir === undefined ? {} : { labDir: scenario.labDir }), ...(options.typeCheck === undefined ? {} : { typeCheck: options.typeCheck }) });
  } catch (error) {
    if (!isBadInput(error)) throw error;
    output.stderr(`distlab shrink: ${error.message}\n`);
    return testExitCodes.badInput;
  }
  const again = await replayMasked(run, scenario.seed, new Set(scenario.keepFaults));
  const same = again.outcome.traceHash === scenario.traceHash;
  output.stdout(`${scenario.test} seed ${scenario.seed}, keeping ${scenario.keepFaults.length} fault action(s): ${again.outcome.passed ? 'passed' : `FAILED (${again.outcome.kind}): ${again.outcome.failure ?? ''}`}\n`);
  output.stdout(`trace ${again.outcome.traceHash} ${same ? '(identical to the shrunk run)' : `differs from the shrunk run's ${scenario.traceHash}: the code or distlab changed since`}\n`);
  if (options.out !== undefined) {
    const written = await writeReplayFiles(options.out, { lab: run.lab, outcome: again.outcome, world: again.world, failure: again.failure, target: { lab: scenario.lab } });
    output.stdout(`wrote ${written.map(displayPath).join(', ')}\n`);
  }
  return same ? testExitCodes.passed : testExitCodes.failed;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`expected a whole number, got "${text}".`);
  return value;
}
