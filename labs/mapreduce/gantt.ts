/**
 * The MapReduce Gantt chart: one lane per worker over virtual time, a bar per task execution
 * (map and reduce in their own colours), reissued executions outlined and labelled with their
 * attempt, crashes marked with a red cross, the coordinator's exit as a dashed rule. A pure
 * function of the trace: it reads the `mr: begin/end <phase> <task>` lines the lab's tester
 * logs around every map and reduce call, and the nodes' crash events.
 */
import type { TraceEvent } from 'distlab';
import type { VegaLiteSpec } from 'distlab/plot';
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
 * Builds the Gantt chart's Vega-Lite spec.
 *
 * @example
 *   await show(ganttSpec(world.trace.events));
 */
export function ganttSpec(events: readonly TraceEvent[], options: GanttOptions = {}): VegaLiteSpec {
  const coordinator = options.coordinator ?? 'coordinator';
  const bars = taskBars(events);
  const marks = processMarks(events);
  const lanes = options.nodes ?? [...new Set([...bars.map((bar) => bar.node), ...marks.map((mark) => mark.node)])].filter((node) => node !== coordinator).sort();
  const rows = bars
    .filter((bar) => lanes.includes(bar.node))
    .map((bar) => ({
      ...bar,
      startS: bar.startMs / 1000,
      endS: Math.max(bar.endMs, bar.startMs + 1) / 1000,
      label: `${bar.phase === 'map' ? 'm' : 'r'}${bar.task}${bar.attempt > 1 ? ` #${bar.attempt}` : ''}`,
      reissued: bar.attempt > 1 ? 'yes' : 'no',
    }));
  const crashes = marks.filter((mark) => mark.kind === 'crash' && lanes.includes(mark.node)).map((mark) => ({ ...mark, atS: mark.atMs / 1000 }));
  const done = marks.filter((mark) => mark.node === coordinator).map((mark) => ({ atS: mark.atMs / 1000, label: 'coordinator exits' }));
  const y = { field: 'node', type: 'nominal', title: 'worker', sort: lanes, scale: { domain: lanes } } as const;
  const reissued = rows.filter((row) => row.attempt > 1).length;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'MapReduce tasks per worker',
    description: `MapReduce Gantt chart: ${rows.length} task executions on ${lanes.length} workers, ${reissued} reissued, ${crashes.length} crashes`,
    width: options.width ?? 720,
    height: Math.max(60, 28 * lanes.length),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar', height: 18, cornerRadius: 2 },
        encoding: {
          x: { field: 'startS', type: 'quantitative', title: 'virtual time (s)' },
          x2: { field: 'endS' },
          y,
          color: { field: 'phase', type: 'nominal', scale: { domain: ['map', 'reduce'], range: ['#4c78a8', '#f58518'] }, title: 'phase' },
          opacity: { condition: { test: "datum.outcome === 'finished'", value: 0.9 }, value: 0.4 },
          stroke: { condition: { test: 'datum.attempt > 1', value: '#222' }, value: null },
          strokeWidth: { condition: { test: 'datum.attempt > 1', value: 1.5 }, value: 0 },
          tooltip: [
            { field: 'node' }, { field: 'incarnation' }, { field: 'phase' }, { field: 'task' }, { field: 'attempt' },
            { field: 'outcome' }, { field: 'startMs', title: 'start (ms)' }, { field: 'endMs', title: 'end (ms)' },
          ],
        },
      },
      {
        data: { values: rows },
        mark: { type: 'text', align: 'left', dx: 2, fontSize: 9, color: 'white' },
        encoding: { x: { field: 'startS', type: 'quantitative' }, y, text: { field: 'label' } },
      },
      {
        data: { values: crashes },
        mark: { type: 'point', shape: 'cross', size: 140, color: '#d62728', filled: true, angle: 45 },
        encoding: { x: { field: 'atS', type: 'quantitative' }, y, tooltip: [{ field: 'node' }, { field: 'atMs', title: 'crash (ms)' }, { field: 'reason' }] },
      },
      {
        data: { values: done },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
        encoding: { x: { field: 'atS', type: 'quantitative' }, tooltip: [{ field: 'label' }, { field: 'atS', title: 'time (s)' }] },
      },
    ],
  } as VegaLiteSpec;
}
