/**
 * Exploring a small cluster: a randomised, coverage-guided search over the schedules of one lab
 * test. A schedule is a list of network actions at fixed virtual instants (every `stepMs`, up to
 * `depth` steps): cut or restore one directed link (its messages are dropped while cut), give one
 * link a slow or a fast fixed latency (so deliveries on different links reorder), or restore
 * everything. Which timers fire first comes from the nodes' own seeded draws, so each schedule is
 * also tried under a chosen seed. The test runs unchanged, with its own checks: the lab's tester
 * watches the named invariants on every observation (Raft's election safety, log matching, leader
 * completeness, state machine safety, ...; kvsrv's linearizability and lock checks), so every
 * state a run reaches is checked. The first **safety** failure is the finding; liveness failures
 * are expected when a schedule cuts too much and are not counted.
 *
 * Coverage: the abstract states a run passes through, read from the trace (`node.role` events:
 * each node's role and its term relative to the lowest, plus how many envelopes were dropped so
 * far, bucketed). A schedule that reaches an abstract state no earlier run reached is kept in the
 * corpus and mutated later (AFL-style); the others are thrown away.
 *
 * Everything is drawn from one `Random` (the exploration seed), so an exploration is itself
 * deterministic: same bounds, same seed, same order of runs, same finding.
 */
import { Random } from '../runtime/random';
import type { TraceEvent } from '../runtime/trace-event';
import type { World } from '../runtime/world';
import type { TestOutcome } from '../testing/run-test';

/** One scheduled network action. */
export type ExploreAction =
  | { readonly type: 'cut'; readonly source: string; readonly target: string }
  | { readonly type: 'uncut'; readonly source: string; readonly target: string }
  | { readonly type: 'latency'; readonly source: string; readonly target: string; readonly ms: number }
  | { readonly type: 'heal' };

export interface ScheduleStep {
  readonly atMs: number;
  readonly action: ExploreAction;
}

/** A schedule: the seed the test runs on (timers, the test's own draws) and the actions. */
export interface Schedule {
  readonly seed: number;
  readonly steps: readonly ScheduleStep[];
}

export interface ExploreBounds {
  /** Nodes whose links are explored (e.g. the three Raft servers). */
  readonly nodes: readonly string[];
  /** Test runs at most. */
  readonly runsMax: number;
  /** Actions per schedule at most. */
  readonly depth: number;
  /** Virtual ms between action instants. */
  readonly stepMs: number;
  /** Seeds the runs draw from: 1..seedsMax. */
  readonly seedsMax: number;
  /** The exploration's own seed. */
  readonly seed: number;
}

export interface ExploreRun {
  readonly outcome: TestOutcome;
  readonly events: readonly TraceEvent[];
}

export interface ExploreResult {
  readonly runs: number;
  /** Distinct abstract states reached over all runs. */
  readonly coverage: number;
  /** The first schedule whose run failed as safety, with that run; null when none did. */
  readonly finding: { readonly schedule: Schedule; readonly run: ExploreRun; readonly index: number } | null;
  /** How many runs failed as liveness (cut too much: expected, not findings). */
  readonly liveness: number;
}

/** Latencies a link may be given, ms: fast, the default's range, slow. */
const latencyChoicesMs = [1, 10, 60];

/**
 * Runs up to `runsMax` schedules and stops at the first safety failure.
 *
 * @example
 * const result = await exploreSchedules((schedule) => runWith(schedule), { nodes: ['0', '1', '2'], runsMax: 200, depth: 12, stepMs: 100, seedsMax: 5, seed: 1 });
 */
export async function exploreSchedules(
  run: (schedule: Schedule) => Promise<ExploreRun>,
  bounds: ExploreBounds,
  onRun?: (index: number, schedule: Schedule, outcome: TestOutcome, newStates: number) => void,
): Promise<ExploreResult> {
  const random = new Random(bounds.seed);
  const seen = new Set<string>();
  const corpus: Schedule[] = [];
  let liveness = 0;
  for (let index = 0; index < bounds.runsMax; index++) {
    const schedule = corpus.length > 0 && random.chance(0.6) ? mutate(random.pick(corpus), random, bounds) : fresh(random, bounds);
    const result = await run(schedule);
    let added = 0;
    for (const state of abstractStates(result.events, bounds.nodes)) {
      if (!seen.has(state)) {
        seen.add(state);
        added++;
      }
    }
    if (added > 0) corpus.push(schedule);
    onRun?.(index + 1, schedule, result.outcome, added);
    if (!result.outcome.passed && result.outcome.kind === 'safety') return { runs: index + 1, coverage: seen.size, finding: { schedule, run: result, index: index + 1 }, liveness };
    if (!result.outcome.passed && result.outcome.kind === 'liveness') liveness++;
  }
  return { runs: bounds.runsMax, coverage: seen.size, finding: null, liveness };
}

function fresh(random: Random, bounds: ExploreBounds): Schedule {
  const steps: ScheduleStep[] = [];
  const count = random.int(1, bounds.depth);
  for (let step = 0; step < count; step++) steps.push({ atMs: (random.int(1, bounds.depth) * bounds.stepMs), action: randomAction(random, bounds.nodes) });
  return { seed: random.int(1, bounds.seedsMax), steps: sortSteps(steps) };
}

/** Changes one thing: adds, removes or replaces an action, moves one in time, or changes the seed. */
function mutate(parent: Schedule, random: Random, bounds: ExploreBounds): Schedule {
  const steps = [...parent.steps];
  const choice = random.int(0, 4);
  const at = steps.length === 0 ? 0 : random.int(0, steps.length - 1);
  if (choice === 0 || steps.length === 0) {
    if (steps.length < bounds.depth) steps.push({ atMs: random.int(1, bounds.depth) * bounds.stepMs, action: randomAction(random, bounds.nodes) });
  } else if (choice === 1) {
    steps.splice(at, 1);
  } else if (choice === 2) {
    steps[at] = { atMs: steps[at].atMs, action: randomAction(random, bounds.nodes) };
  } else if (choice === 3) {
    steps[at] = { atMs: random.int(1, bounds.depth) * bounds.stepMs, action: steps[at].action };
  } else {
    return { seed: random.int(1, bounds.seedsMax), steps };
  }
  return { seed: parent.seed, steps: sortSteps(steps) };
}

function randomAction(random: Random, nodes: readonly string[]): ExploreAction {
  const [source, target] = random.shuffle(nodes);
  const kind = random.int(0, 6);
  if (kind <= 2) return { type: 'cut', source: source as string, target: target as string };
  if (kind <= 4) return { type: 'uncut', source: source as string, target: target as string };
  if (kind === 5) return { type: 'latency', source: source as string, target: target as string, ms: random.pick(latencyChoicesMs) };
  return { type: 'heal' };
}

function sortSteps(steps: readonly ScheduleStep[]): ScheduleStep[] {
  return steps.map((step, order) => ({ step, order })).sort((a, b) => a.step.atMs - b.step.atMs || a.order - b.order).map(({ step }) => step);
}

/** Schedules `schedule`'s actions on a world (call before the test starts, e.g. from runTest's onWorld). */
export function applySchedule(world: World, schedule: Schedule): void {
  for (const step of schedule.steps) world.schedule(step.atMs, () => applyAction(world, step.action));
}

function applyAction(world: World, action: ExploreAction): void {
  switch (action.type) {
    case 'cut':
      return world.network.cut(action.source, action.target);
    case 'uncut':
      return world.network.uncut(action.source, action.target);
    case 'latency':
      return world.network.setLinkLatency({ source: action.source, target: action.target }, { msMin: action.ms, msMax: action.ms });
    case 'heal':
      return world.network.heal();
  }
}

/** One line per action, for reports and schedule files. */
export function describeAction(action: ExploreAction): string {
  switch (action.type) {
    case 'cut':
    case 'uncut':
      return `${action.type} ${action.source} -> ${action.target}`;
    case 'latency':
      return `latency ${action.source} -> ${action.target} ${action.ms}ms`;
    case 'heal':
      return 'heal';
  }
}

/**
 * The abstract states a run passed through: after each `node.role` event, every explored
 * node's role and term minus the lowest term, and the number of drops so far (0, 1-9, 10+);
 * after each `client.return` (kvsrv's clerks), the outcome the client saw (its `err`, or that it
 * gave up) with the same drop bucket.
 */
export function abstractStates(events: readonly TraceEvent[], nodes: readonly string[]): string[] {
  const roles = new Map<string, { role: string; term: number }>(nodes.map((node) => [node, { role: 'follower', term: 0 }]));
  const states: string[] = [];
  let drops = 0;
  for (const event of events) {
    if (event.type === 'net.drop') drops++;
    if (event.type === 'client.return') states.push(`${event.known ? `return ${outcomeOf(event.output)}` : 'gave up'} d${drops === 0 ? 0 : drops < 10 ? 1 : 2}`);
    if (event.type !== 'node.role' || !roles.has(event.node)) continue;
    roles.set(event.node, { role: event.role, term: event.term });
    const lowest = Math.min(...[...roles.values()].map((entry) => entry.term));
    const dropBucket = drops === 0 ? 0 : drops < 10 ? 1 : 2;
    states.push(`${nodes.map((node) => { const entry = roles.get(node) as { role: string; term: number }; return `${entry.role[0]}${entry.term - lowest}`; }).join(' ')} d${dropBucket}`);
  }
  return states;
}

/** What kind of answer a client got: the `err` of an object output, else the output's type. */
function outcomeOf(output: unknown): string {
  if (typeof output === 'object' && output !== null && 'err' in output) return String((output as { err: unknown }).err);
  return typeof output === 'string' && output.startsWith('Err') ? output : typeof output;
}
