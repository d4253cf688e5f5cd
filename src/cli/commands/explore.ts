/**
 * `distlab explore <lab> NAME [--impl FILE] [--runs N] [--depth D] [--step-ms MS] [--seeds K]
 * [--seed S] [--out DIR]`: a coverage-guided search over network schedules (link cuts, link
 * latencies, heals) and seeds for one test of a small cluster, every run checked by the test's
 * own invariants; stops at the first safety failure and, with --out, writes it as a replayable
 * schedule.json plus trace, report and plots. `--schedule FILE` replays one.
 * Exit codes: 0 nothing found within the bounds (or a replay that passes), 1 a safety failure
 * found (or replayed), 2 bad input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { displayPath } from '../../testing/load-impl';
import { withExitGuard } from '../../testing/module-graph';
import { describeAction, exploreSchedules, type Schedule } from '../../debug/explore';
import { runScheduled } from '../../debug/lab-runs';
import { isBadInput, loadRun, type LoadedRun } from './diff';
import { writeReplayFiles } from './replay';
import { processOutput, testExitCodes, type CommandOutput } from './test';

export interface ExploreCommandOptions {
  readonly impl?: string;
  readonly out?: string;
  readonly schedule?: string;
  readonly labDir?: string;
  readonly runs?: number;
  readonly depth?: number;
  readonly stepMs?: number;
  readonly seeds?: number;
  readonly seed?: number;
  readonly typeCheck?: boolean;
}

const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cut'), source: z.string(), target: z.string() }),
  z.object({ type: z.literal('uncut'), source: z.string(), target: z.string() }),
  z.object({ type: z.literal('latency'), source: z.string(), target: z.string(), ms: z.number().nonnegative() }),
  z.object({ type: z.literal('heal') }),
]);
const scheduleFileSchema = z.object({
  format: z.literal('distlab-explored-schedule/1'),
  lab: z.string(),
  test: z.string(),
  impl: z.string().optional(),
  seed: z.number().int(),
  steps: z.array(z.object({ atMs: z.number().nonnegative(), action: actionSchema })),
  failure: z.string(),
});

/**
 * @example
 * distlab explore raft TestFailAgree3B --impl raft.ts --runs 300 --depth 8 --out found
 */
export function exploreCommand(): Command {
  return new Command('explore')
    .description('search network schedules of a small cluster (link cuts, latencies, seeds) for a safety failure; --schedule replays one')
    .argument('[lab]', 'lab name, e.g. raft')
    .argument('[name]', 'test name, e.g. TestFailAgree3B')
    .option('--impl <path>', "implementation: a .ts module or a lab notebook .ipynb (default: the lab's skeleton)")
    .option('--runs <n>', 'test runs at most (default 200)', positive)
    .option('--depth <n>', 'network actions per schedule at most (default 8)', positive)
    .option('--step-ms <ms>', 'virtual ms between action instants (default 100)', positive)
    .option('--seeds <n>', 'seeds 1..n the runs draw from (default 5)', positive)
    .option('--seed <s>', "the exploration's own seed (default 1)", positive)
    .option('--out <dir>', 'write the first finding: schedule.json, trace.jsonl, report.html, plots')
    .option('--schedule <file>', 'replay a schedule.json written by explore')
    .option('--lab-dir <path>', 'load the lab from this folder instead of labs/<lab>')
    .option('--no-type-check', 'skip the type check')
    .action(async (lab: string | undefined, name: string | undefined, options: ExploreCommandOptions) => {
      process.exitCode = await runExploreCommand(lab, name, options, processOutput);
    });
}

/** Runs `distlab explore` and returns its exit code. */
export async function runExploreCommand(labName: string | undefined, name: string | undefined, options: ExploreCommandOptions, output: CommandOutput): Promise<number> {
  if (options.schedule !== undefined) return replaySchedule(options.schedule, options, output);
  if (labName === undefined || name === undefined) {
    output.stderr('distlab explore: give <lab> <TestName> (and --impl FILE for your code), or --schedule FILE to replay a finding.\n');
    return testExitCodes.badInput;
  }
  let run: LoadedRun;
  try {
    run = await loadRun(labName, name, [options.impl], { ...options, ...(options.labDir === undefined ? {} : { labDir: options.labDir }) });
  } catch (error) {
    if (!isBadInput(error)) throw error;
    output.stderr(`distlab explore: ${error.message}\n`);
    return testExitCodes.badInput;
  }
  const probe = await runSchedule(run, { seed: 1, steps: [] });
  const nodes = probe.world.nodeIds;
  const bounds = { nodes, runsMax: options.runs ?? 200, depth: options.depth ?? 8, stepMs: options.stepMs ?? 100, seedsMax: options.seeds ?? 5, seed: options.seed ?? 1 };
  output.stdout(`exploring ${name} on nodes ${nodes.join(', ')}: at most ${bounds.runsMax} runs, ${bounds.depth} actions every ${bounds.stepMs} ms, seeds 1..${bounds.seedsMax}, exploration seed ${bounds.seed}\n`);
  let world = probe.world;
  let failure = probe.failure;
  const result = await exploreSchedules(
    async (schedule) => {
      const ran = await runSchedule(run, schedule);
      world = ran.world;
      failure = ran.failure;
      return { outcome: ran.outcome, events: ran.world.trace.events };
    },
    bounds,
    (index, _schedule, outcome, added) => {
      if (index % 25 === 0 || added > 0 || outcome.kind === 'safety') output.stdout(`  run ${index}: ${outcome.passed ? 'passed' : outcome.kind}${added > 0 ? `, ${added} new abstract state(s)` : ''}\n`);
    },
  );
  output.stdout(`${result.runs} runs, ${result.coverage} abstract states reached, ${result.liveness} liveness failures (expected under cuts, not findings)\n`);
  if (result.finding === null) {
    output.stdout('no safety failure within these bounds\n');
    return testExitCodes.passed;
  }
  const { schedule, run: found } = result.finding;
  output.stdout(`FOUND at run ${result.finding.index}, seed ${schedule.seed}: ${found.outcome.failure ?? ''}\nschedule:\n${schedule.steps.map((step) => `  ${step.atMs}ms ${describeAction(step.action)}`).join('\n')}\n`);
  if (options.out !== undefined) {
    fs.mkdirSync(options.out, { recursive: true });
    const file = path.join(options.out, 'schedule.json');
    const saved = { format: 'distlab-explored-schedule/1', lab: labName, test: name, ...(options.impl === undefined ? {} : { impl: path.resolve(options.impl) }), seed: schedule.seed, steps: schedule.steps, failure: found.outcome.failure ?? '' };
    fs.writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`, 'utf8');
    const written = await writeReplayFiles(options.out, { lab: run.lab, outcome: found.outcome, world, failure, target: { lab: labName } });
    output.stdout(`wrote ${[file, ...written].map(displayPath).join(', ')}\nreplay: npx distlab explore --schedule ${displayPath(file)}\n`);
  }
  return testExitCodes.failed;
}

/** The test on the schedule's seed with its network actions scheduled on the world. */
export function runSchedule(run: LoadedRun, schedule: Schedule): ReturnType<typeof runScheduled> {
  return withExitGuard(() => runScheduled(run.lab, run.test, run.impls[0].impl, schedule));
}

async function replaySchedule(file: string, options: ExploreCommandOptions, output: CommandOutput): Promise<number> {
  let saved: z.infer<typeof scheduleFileSchema>;
  try {
    saved = scheduleFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (error) {
    output.stderr(`distlab explore: ${file} is not a schedule written by distlab explore (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).\n`);
    return testExitCodes.badInput;
  }
  let run: LoadedRun;
  try {
    run = await loadRun(saved.lab, saved.test, [saved.impl], options.typeCheck === undefined ? {} : { typeCheck: options.typeCheck });
  } catch (error) {
    if (!isBadInput(error)) throw error;
    output.stderr(`distlab explore: ${error.message}\n`);
    return testExitCodes.badInput;
  }
  const { outcome, world, failure } = await runSchedule(run, { seed: saved.seed, steps: saved.steps });
  output.stdout(`${saved.test} seed ${saved.seed} with ${saved.steps.length} network action(s): ${outcome.passed ? 'passed' : `FAILED (${outcome.kind}): ${outcome.failure ?? ''}`}\ntrace ${outcome.traceHash}\n`);
  if (options.out !== undefined) {
    const written = await writeReplayFiles(options.out, { lab: run.lab, outcome, world, failure, target: { lab: saved.lab } });
    output.stdout(`wrote ${written.map(displayPath).join(', ')}\n`);
  }
  return outcome.passed ? testExitCodes.passed : testExitCodes.failed;
}

function positive(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(`expected a positive whole number, got "${text}".`);
  return value;
}
