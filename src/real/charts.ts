/**
 * Charts of a real run, as Vega-Lite specs built from the history and the fault windows:
 * latency of every acknowledged operation over time and throughput per second, with the
 * faults shaded so a latency spike lines up with the SIGKILL that caused it. Several runs
 * (ours and etcd's) can share one chart, one colour per system.
 */
import type { KvVersionedInput } from '../check';
import type { VegaLiteSpec } from '../plot/render';
import { eventColors } from '../plot/palette';
import type { FaultWindow } from './faults';
import { isAcknowledged } from './stats';
import type { RecordedOperation } from './workload';

/** Points drawn per chart at most (evenly thinned beyond: the SVG stays small). */
export const latencyPointsMax = 4_000;

export interface ChartRun {
  /** Legend label, e.g. 'distlab (raft)' or 'etcd 3.4'. */
  readonly system: string;
  readonly operations: readonly RecordedOperation[];
  readonly faults: readonly FaultWindow[];
  /** History times are relative to this wall-clock instant (the workload's start). */
  readonly startMs: number;
}

/** One colour per system (ours first), apart from the fault colours. */
const systemColors = ['#4c78a8', '#54a24b', '#b279a2'];

const faultColors: Readonly<Record<string, string>> = { kill: eventColors.crash, pause: '#9467bd', partition: '#ff7f0e', latency: '#17becf' };

function faultLayer(runs: readonly ChartRun[], endS: number): object {
  const values = runs.flatMap((run) =>
    run.faults.map((fault) => ({
      fromS: (fault.startMs - run.startMs) / 1000,
      toS: Math.min(endS, ((Number.isFinite(fault.endMs) ? fault.endMs : run.startMs + endS * 1000) - run.startMs) / 1000),
      fault: fault.kind,
      what: `${run.system}: ${fault.description}`,
    })),
  );
  return {
    data: { values },
    mark: { type: 'rect', opacity: 0.15 },
    encoding: {
      x: { field: 'fromS', type: 'quantitative' },
      x2: { field: 'toS' },
      color: { field: 'fault', type: 'nominal', title: 'fault', scale: { domain: Object.keys(faultColors), range: Object.values(faultColors) } },
      tooltip: [{ field: 'what', type: 'nominal' }],
    },
  };
}

function thinned<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, index) => items[Math.floor(index * step)] as T);
}

/** Latency (ms, log scale) of each acknowledged operation against the time it was invoked. */
export function latencySpec(runs: readonly ChartRun[], options: { readonly title: string; readonly endS: number }): VegaLiteSpec {
  const points = runs.flatMap((run) =>
    thinned(run.operations.filter(isAcknowledged), Math.floor(latencyPointsMax / Math.max(1, runs.length))).map((operation) => ({
      atS: (operation.callMs - run.startMs) / 1000,
      latencyMs: Math.max(0.1, (operation.returnMs as number) - operation.callMs),
      kind: (operation.input as KvVersionedInput).kind,
      system: run.system,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: 760,
    height: 260,
    layer: [
      faultLayer(runs, options.endS),
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 12, opacity: 0.6 },
        encoding: {
          x: { field: 'atS', type: 'quantitative', title: 'time (s, wall clock)', scale: { domain: [0, options.endS] } },
          y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'log' } },
          shape: { field: 'kind', type: 'nominal', title: 'operation' },
          color: { field: 'system', type: 'nominal', title: 'system', scale: { range: systemColors } },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as VegaLiteSpec;
}

/** Acknowledged operations per second, one line per system. */
export function throughputSpec(runs: readonly ChartRun[], options: { readonly title: string; readonly endS: number }): VegaLiteSpec {
  const values = runs.flatMap((run) => {
    const perSecond = new Map<number, number>();
    for (const operation of run.operations) {
      if (!isAcknowledged(operation)) continue;
      const second = Math.floor(((operation.returnMs as number) - run.startMs) / 1000);
      if (second >= 0 && second < options.endS) perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    return Array.from({ length: Math.ceil(options.endS) }, (_, second) => ({ atS: second + 0.5, operations: perSecond.get(second) ?? 0, system: run.system }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: 760,
    height: 160,
    layer: [
      faultLayer(runs, options.endS),
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'atS', type: 'quantitative', title: 'time (s, wall clock)', scale: { domain: [0, options.endS] } },
          y: { field: 'operations', type: 'quantitative', title: 'acknowledged ops per second' },
          color: { field: 'system', type: 'nominal', title: 'system', scale: { range: systemColors } },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as VegaLiteSpec;
}
