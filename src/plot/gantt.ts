/**
 * The task Gantt chart: one lane per worker over virtual time, a bar per task execution coloured
 * by phase, executions that did not finish drawn pale, reissued executions outlined, worker
 * crashes as red crosses and the job's end as a dashed rule, with one legend that names every
 * one of those marks. Bar labels ("m4", "m4 #2") appear only where they fit inside their bar.
 * It draws bars the caller computed (the MapReduce lab reads them from its trace, notebook 01
 * from its own log lines), so every MapReduce picture looks the same.
 */
import type { VegaLiteSpec } from './render';
import { eventColors, phaseColors } from './palette';

/** One execution of a task on one worker. */
export interface GanttBar {
  readonly node: string;
  /** "map" or "reduce" (other phases get their own colours). */
  readonly phase: string;
  readonly task: number;
  readonly startMs: number;
  readonly endMs: number;
  /** 1 for the first execution of this task, 2 for the second (a reissue or backup), ... */
  readonly attempt: number;
  /** "finished" bars are solid; any other outcome (crashed, unfinished) is drawn pale. */
  readonly outcome: string;
}

/** A worker crash, drawn as a red cross on the worker's lane. */
export interface GanttCrash {
  readonly node: string;
  readonly atMs: number;
  readonly reason?: string;
}

export interface TaskGanttOptions {
  readonly title?: string;
  /** Plot width in pixels; default 720. */
  readonly width?: number;
  /** Lanes, top to bottom; default: the bars' and crashes' nodes, sorted. */
  readonly nodes?: readonly string[];
  readonly crashes?: readonly GanttCrash[];
  /** When the job ended (the coordinator exited), virtual ms: a dashed rule. */
  readonly endsAtMs?: readonly number[];
}

/** Bar labels are 9 px; Vega estimates a label's width as 0.8 x font size per character. */
const labelFontSize = 9;

/** The legend entries for the marks colour alone does not explain. */
export const ganttMarkKeys = {
  crash: 'worker crash',
  reissued: 'reissued task (outlined)',
  end: 'coordinator exits (dashed)',
} as const;

/** The longest of "m4 #2", "m4" that fits inside a bar of `widthPx`, or '' (the tooltip has it all). */
export function barLabel(bar: Pick<GanttBar, 'phase' | 'task' | 'attempt'>, widthPx: number): string {
  const short = `${bar.phase.slice(0, 1)}${bar.task}`;
  const full = bar.attempt > 1 ? `${short} #${bar.attempt}` : short;
  const fits = (text: string): boolean => 0.8 * labelFontSize * text.length + 4 <= widthPx;
  return fits(full) ? full : fits(short) ? short : '';
}

/**
 * Builds the chart from task executions.
 *
 * @example
 *   await show(taskGanttSpec(bars, { crashes: [{ node: 'worker-2', atMs: 1000 }] }));
 */
export function taskGanttSpec(bars: readonly GanttBar[], options: TaskGanttOptions = {}): VegaLiteSpec {
  const width = options.width ?? 720;
  const crashesAll = options.crashes ?? [];
  const lanes = options.nodes ?? [...new Set([...bars.map((bar) => bar.node), ...crashesAll.map((crash) => crash.node)])].sort();
  const shown = bars.filter((bar) => lanes.includes(bar.node));
  const ends = options.endsAtMs ?? [];
  // The x scale ends at the last thing drawn, so the label widths computed here match the drawing.
  const lastMs = Math.max(1, ...shown.map((bar) => bar.endMs), ...crashesAll.map((crash) => crash.atMs), ...ends);
  const rows = shown.map((bar) => ({
    ...bar,
    startS: bar.startMs / 1000,
    endS: Math.max(bar.endMs, bar.startMs + 1) / 1000,
    label: barLabel(bar, ((bar.endMs - bar.startMs) / lastMs) * width),
  }));
  const crashes = crashesAll.filter((crash) => lanes.includes(crash.node)).map((crash) => ({ ...crash, atS: crash.atMs / 1000, key: ganttMarkKeys.crash }));
  const done = ends.map((atMs) => ({ atS: atMs / 1000, label: 'coordinator exits' }));
  const reissued = rows.filter((row) => row.attempt > 1).length;
  const keys = [
    ...(crashes.length > 0 ? [ganttMarkKeys.crash] : []),
    ...(reissued > 0 ? [ganttMarkKeys.reissued] : []),
    ...(done.length > 0 ? [ganttMarkKeys.end] : []),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'MapReduce tasks per worker',
    description: `MapReduce Gantt chart: ${rows.length} task executions on ${lanes.length} workers, ${reissued} reissued, ${crashes.length} crashes`,
    width,
    height: Math.max(60, 28 * lanes.length),
    layer: ganttLayers({ rows, crashes, done, keys, lanes, lastS: lastMs / 1000 }),
    config: { legend: { orient: 'bottom', direction: 'horizontal', labelLimit: 220 } },
  } as VegaLiteSpec;
}

function ganttLayers(parts: {
  rows: ReadonlyArray<GanttBar & { startS: number; endS: number; label: string }>;
  crashes: ReadonlyArray<GanttCrash & { atS: number; key: string }>;
  done: ReadonlyArray<{ atS: number; label: string }>;
  keys: readonly string[];
  lanes: readonly string[];
  lastS: number;
}): object[] {
  const { rows, keys, lanes } = parts;
  const x = { type: 'quantitative', title: 'virtual time (s)', scale: { domain: [0, parts.lastS], nice: false } } as const;
  const y = { field: 'node', type: 'nominal', title: 'worker', sort: lanes, scale: { domain: lanes } } as const;
  const order: readonly string[] = Object.values(ganttMarkKeys);
  const keyScale = (range: readonly string[]) => ({ domain: keys, range: keys.map((key) => range[order.indexOf(key)]) });
  const phases = [...new Set(['map', 'reduce', ...rows.map((row) => row.phase)])];
  const phaseRange = phases.map((phase, index) => (phaseColors as Record<string, string>)[phase] ?? ['#54a24b', '#b279a2', '#9d755d'][index % 3]);
  return [
    {
      data: { values: rows },
      mark: { type: 'bar', height: 18, cornerRadius: 2 },
      encoding: {
        x: { field: 'startS', ...x },
        x2: { field: 'endS' },
        y,
        color: { field: 'phase', type: 'nominal', scale: { domain: phases, range: phaseRange }, title: 'phase' },
        opacity: { condition: { test: "datum.outcome === 'finished'", value: 0.9 }, value: 0.4 },
        stroke: { condition: { test: 'datum.attempt > 1', value: '#222' }, value: null },
        strokeWidth: { condition: { test: 'datum.attempt > 1', value: 1.5 }, value: 0 },
        tooltip: ['node', 'phase', 'task', 'attempt', 'outcome'].map((field) => ({ field })).concat([
          { field: 'startMs', title: 'start (ms)' } as { field: string },
          { field: 'endMs', title: 'end (ms)' } as { field: string },
        ]),
      },
    },
    {
      data: { values: rows.filter((row) => row.label !== '') },
      mark: { type: 'text', align: 'left', dx: 2, fontSize: labelFontSize },
      encoding: {
        x: { field: 'startS', type: 'quantitative' },
        y,
        text: { field: 'label' },
        // White on a solid bar, dark on the pale bar of a crashed or unfinished run.
        color: { condition: { test: "datum.outcome === 'finished'", value: 'white' }, value: '#222' },
      },
    },
    {
      data: { values: parts.crashes },
      mark: { type: 'point', size: 140, filled: true, angle: 45, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'atS', type: 'quantitative' },
        y,
        // The one legend for what colour does not explain: crosses, outlines, the dashed rule.
        shape: { field: 'key', type: 'nominal', title: 'marks', scale: keyScale(['cross', 'square', 'stroke']), ...(keys.length === 0 ? { legend: null } : {}) },
        fill: { field: 'key', type: 'nominal', title: 'marks', scale: keyScale([eventColors.crash, '#ffffff', '#555555']) },
        stroke: { field: 'key', type: 'nominal', title: 'marks', scale: keyScale([eventColors.crash, '#222222', '#555555']) },
        tooltip: [{ field: 'node' }, { field: 'atMs', title: 'crash (ms)' }, { field: 'reason' }],
      },
    },
    {
      data: { values: parts.done },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
      encoding: { x: { field: 'atS', type: 'quantitative' }, tooltip: [{ field: 'label' }, { field: 'atS', title: 'time (s)' }] },
    },
  ];
}
