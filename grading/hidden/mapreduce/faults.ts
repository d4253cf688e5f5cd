/**
 * Worker faults placed at one phase of a task, read off the trace as the job runs: the
 * `mr: begin map` / `mr: end map` / `mr: begin reduce` lines the tester's app binding logs,
 * the GetTask replies a worker receives and the ReportTask requests it sends. A crash is the
 * tester's `world.crash` (memory gone, in-flight messages lost), optionally followed by a
 * replacement process a second later, as the Go crash test's script starts one.
 */
import type { TraceEvent, World } from 'distlab';
import { coordinatorId, taskLogPrefix } from '../../../labs/mapreduce/job';
import { mapreduceLimits } from '../../../labs/mapreduce/types';

export type Phase =
  /** Right after a GetTask reply reaches the worker (the task is handed out, nothing done). */
  | 'task-received'
  /** While map computes (before it wrote anything). */
  | 'map-compute'
  /** While the map task writes its intermediate files. */
  | 'map-write'
  /** When the map task's output is in place and its ReportTask is on the wire (the report is lost). */
  | 'map-report'
  /** While a reduce task runs its reduce calls. */
  | 'reduce-compute'
  /** When the reduce task's output is in place and its ReportTask is on the wire (the report is lost). */
  | 'reduce-report';

export interface CrashPlan {
  readonly phase: Phase;
  /** How many crashes in all. */
  readonly crashes: number;
  /** Start a replacement a second after each crash. */
  readonly replace: boolean;
  /** Only crash attempts at the first task seen in this phase (so one task fails again and again). */
  readonly sameTask?: boolean;
}

interface WorkerView {
  phase: 'map' | 'reduce' | null;
  task: number;
}

/** Where the crash goes, in virtual ms after the event that triggers it. */
function crashDelayMs(world: World, phase: Phase): number {
  if (phase === 'map-compute') return world.random.int(0, 400);
  if (phase === 'map-write') return 2 * mapreduceLimits.writeMsPerChunk + 5;
  if (phase === 'reduce-compute') return world.random.int(0, 30);
  return 0;
}

/** Whether `event` (from a worker in state `view`) is the moment `phase` names. */
function triggers(event: TraceEvent, phase: Phase, view: WorkerView | undefined): boolean {
  switch (phase) {
    case 'task-received':
      return event.type === 'net.deliver' && event.kind === 'reply' && event.method === 'GetTask';
    case 'map-compute':
      return event.type === 'node.log' && event.message.startsWith(`${taskLogPrefix}begin map `);
    case 'map-write':
      return event.type === 'node.log' && event.message.startsWith(`${taskLogPrefix}end map `);
    case 'reduce-compute':
      return event.type === 'node.log' && event.message.startsWith(`${taskLogPrefix}begin reduce `) && view?.phase !== 'reduce';
    case 'map-report':
      return event.type === 'net.send' && event.kind === 'request' && event.method === 'ReportTask' && view?.phase === 'map';
    case 'reduce-report':
      return event.type === 'net.send' && event.kind === 'request' && event.method === 'ReportTask' && view?.phase === 'reduce';
  }
}

function nodeOf(event: TraceEvent): string | null {
  if (event.type === 'node.log') return event.node;
  if (event.type === 'net.send') return event.source;
  if (event.type === 'net.deliver') return event.target;
  return null;
}

/** Tracks what each worker is doing from its task log lines. */
function observe(views: Map<string, WorkerView>, event: TraceEvent): void {
  if (event.type === 'node.start' || event.type === 'node.restart') views.set(event.node, { phase: null, task: -1 });
  if (event.type !== 'node.log' || !event.message.startsWith(taskLogPrefix)) return;
  const [verb, kind, task] = event.message.slice(taskLogPrefix.length).split(' ');
  if (verb === 'begin' && (kind === 'map' || kind === 'reduce')) views.set(event.node, { phase: kind, task: Number(task) });
}

/** Crashes workers as `plan` says while the job runs; returns how to stop watching. */
export function injectCrashes(world: World, plan: CrashPlan): { stop(): void; crashed(): number } {
  const views = new Map<string, WorkerView>();
  let crashed = 0;
  let target: number | null = null;
  const subscription = world.trace.events$.subscribe((event) => {
    const node = nodeOf(event);
    const before = node === null ? undefined : views.get(node);
    observe(views, event);
    if (node === null || node === coordinatorId || crashed >= plan.crashes || !triggers(event, plan.phase, before)) return;
    const task = (views.get(node) ?? before)?.task ?? -1;
    if (plan.sameTask === true && target !== null && task !== target) return;
    target ??= task;
    crashed++;
    const victim = world.node(node);
    world.schedule(crashDelayMs(world, plan.phase), () => {
      if (world.node(node) !== victim || victim === null) return;
      world.crash(node, `hidden test: worker crashed (${plan.phase})`);
      if (plan.replace) world.schedule(mapreduceLimits.replaceWorkerAfterMs, () => restartWorker(world, node));
    });
  });
  return { stop: () => subscription.unsubscribe(), crashed: () => crashed };
}

function restartWorker(world: World, node: string): void {
  if (world.isUp(coordinatorId) && !world.isUp(node)) world.restart(node);
}

/**
 * Map tasks begun again sooner than `msMin` after their first attempt began (the coordinator
 * may hand a task out again only after 10 s of silence), from the trace's task log lines.
 */
export function earlyMapReissues(events: readonly TraceEvent[], msMin: number): Array<{ task: number; firstMs: number; againMs: number }> {
  const first = new Map<number, number>();
  const early: Array<{ task: number; firstMs: number; againMs: number }> = [];
  for (const event of events) {
    if (event.type !== 'node.log' || !event.message.startsWith(`${taskLogPrefix}begin map `)) continue;
    const task = Number(event.message.split(' ')[3]);
    const firstMs = first.get(task);
    if (firstMs === undefined) first.set(task, event.atMs);
    else if (event.atMs - firstMs < msMin) early.push({ task, firstMs, againMs: event.atMs });
  }
  return early;
}

/** How many times each map task began (attempts), from the trace's task log lines. */
export function mapAttempts(events: readonly TraceEvent[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const event of events) {
    if (event.type !== 'node.log' || !event.message.startsWith(`${taskLogPrefix}begin map `)) continue;
    const task = Number(event.message.split(' ')[3]);
    counts.set(task, (counts.get(task) ?? 0) + 1);
  }
  return counts;
}
