/**
 * The MapReduce Gantt chart: one lane per worker over virtual time, a bar per task execution
 * (map and reduce in their own colours), reissued executions outlined and labelled with their
 * attempt, crashes marked with a red cross, the coordinator's exit as a dashed rule (drawn by
 * distlab/plot's taskGanttSpec, which notebook 01 uses too). A pure function of the trace: it
 * reads the `mr: begin/end <phase> <task>` lines the lab's tester logs around every map and
 * reduce call, and the nodes' crash events.
 */
import type { TraceEvent } from 'distlab';
import { taskGanttSpec, type VegaLiteSpec } from 'distlab/plot';
import { taskLogPrefix } from './job';

export interface GanttOptions {
  readonly title?: string;
  /** Plot width in pixels; default 720. */
  readonly width?: number;
  /** Lanes, top to bottom; default: every node that ran a task or crashed, except the coordinator. */
  readonly nodes?: readonly string[];
  /** The coordinator's node id; default 'coordinator'. */
  readonly coordinator?: string;
}

/** One execution of a task on one worker process. */
export interface TaskBar {
  readonly node: string;
  readonly incarnation: number;
  readonly phase: 'map' | 'reduce';
  readonly task: number;
  readonly startMs: number;
  readonly endMs: number;
  /** 1 for the first execution of this task, 2 for the second (a reissue or backup), ... */
  readonly attempt: number;
  readonly outcome: 'finished' | 'crashed' | 'unfinished';
}

export interface ProcessMark {
  readonly node: string;
  readonly atMs: number;
  readonly kind: 'crash' | 'exit';
  readonly reason: string;
}

interface OpenCall {
  phase: 'map' | 'reduce';
  task: number;
  startMs: number;
  endMs: number | null;
}

const linePattern = /^(begin|end) (map|reduce) (-?\d+)/;

/** Task executions recovered from the trace (consecutive reduce calls of one task merged). */
export function taskBars(events: readonly TraceEvent[]): TaskBar[] {
  const calls = new Map<string, OpenCall[]>();
  const incarnations = new Map<string, number>();
  const raw: Array<Omit<TaskBar, 'attempt'>> = [];
  const close = (node: string, atMs: number, outcome: TaskBar['outcome']) => {
    for (const call of calls.get(node) ?? []) {
      raw.push({ node, incarnation: incarnations.get(node) ?? 0, phase: call.phase, task: call.task, startMs: call.startMs, endMs: call.endMs ?? atMs, outcome: call.endMs === null ? outcome : 'finished' });
    }
    calls.set(node, []);
  };
  let lastMs = 0;
  for (const event of events) {
    lastMs = event.atMs;
    if (event.type === 'node.start' || event.type === 'node.restart') incarnations.set(event.node, event.incarnation);
    else if (event.type === 'node.crash') close(event.node, event.atMs, 'crashed');
    else if (event.type === 'node.log' && event.message.startsWith(taskLogPrefix)) {
      const match = linePattern.exec(event.message.slice(taskLogPrefix.length));
      if (match === null) continue;
      const phase = match[2] as 'map' | 'reduce';
      const task = Number(match[3]);
      const open = calls.get(event.node) ?? [];
      calls.set(event.node, open);
      if (match[1] === 'begin') {
        const last = open[open.length - 1];
        // Consecutive reduce calls for the same task are one reduce task.
        if (last !== undefined && last.endMs !== null && phase === 'reduce' && last.phase === 'reduce' && last.task === task) last.endMs = null;
        else {
          const finished = open.filter((call) => call.endMs !== null);
          for (const call of finished) raw.push({ node: event.node, incarnation: incarnations.get(event.node) ?? 0, phase: call.phase, task: call.task, startMs: call.startMs, endMs: call.endMs as number, outcome: 'finished' });
          calls.set(event.node, [...open.filter((call) => call.endMs === null), { phase, task, startMs: event.atMs, endMs: null }]);
        }
      } else {
        const call = [...open].reverse().find((candidate) => candidate.endMs === null && candidate.phase === phase && candidate.task === task);
        if (call !== undefined) call.endMs = event.atMs;
      }
    }
  }
  for (const node of [...calls.keys()]) close(node, lastMs, 'unfinished');
  return withAttempts(raw);
}

function withAttempts(raw: ReadonlyArray<Omit<TaskBar, 'attempt'>>): TaskBar[] {
  const sorted = [...raw].sort((a, b) => a.startMs - b.startMs || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const attempts = new Map<string, number>();
  return sorted.map((bar) => {
    const key = `${bar.phase} ${bar.task}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    return { ...bar, attempt };
  });
}

/** Crashes and exits of worker processes (and of the coordinator, as `exit`). */
export function processMarks(events: readonly TraceEvent[]): ProcessMark[] {
  const marks: ProcessMark[] = [];
  for (const event of events) {
    if (event.type !== 'node.crash') continue;
    marks.push({ node: event.node, atMs: event.atMs, kind: event.reason.startsWith('exit') ? 'exit' : 'crash', reason: event.reason });
  }
  return marks;
}

/**
 * Builds the Gantt chart's Vega-Lite spec (drawn by distlab/plot's taskGanttSpec).
 *
 * @example
 *   await show(ganttSpec(world.trace.events));
 */
export function ganttSpec(events: readonly TraceEvent[], options: GanttOptions = {}): VegaLiteSpec {
  const coordinator = options.coordinator ?? 'coordinator';
  const bars = taskBars(events);
  const marks = processMarks(events);
  const lanes = options.nodes ?? [...new Set([...bars.map((bar) => bar.node), ...marks.map((mark) => mark.node)])].filter((node) => node !== coordinator).sort();
  return taskGanttSpec(bars, {
    nodes: lanes,
    crashes: marks.filter((mark) => mark.kind === 'crash'),
    endsAtMs: marks.filter((mark) => mark.node === coordinator).map((mark) => mark.atMs),
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.width === undefined ? {} : { width: options.width }),
  });
}
