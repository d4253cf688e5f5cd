/**
 * Step lines of one `node.metric` value per node over virtual time (for example the commit
 * index of every Raft peer). A value holds until the node reports a new one, so the line is a
 * step function, extended to the end of the window. A pure function of the trace.
 */
import type { TraceEvent } from '../runtime/trace-event';
import type { VegaLiteSpec } from './render';
import { checkWindow, lastTimeMs } from './lanes';
import { tooltipFields } from './space-time';

export interface MetricOptions {
  /** The metric's name, as in `node.metric` events (e.g. "commitIndex"). */
  readonly name: string;
  readonly fromMs?: number;
  /** Default: the last event's time. */
  readonly toMs?: number;
  /** Nodes to draw; default: every node that reported the metric. */
  readonly nodes?: readonly string[];
  readonly title?: string;
  /** Plot width in pixels; default 720. */
  readonly width?: number;
}

interface PointRow {
  node: string;
  atMs: number;
  value: number;
}

/**
 * Builds a Vega-Lite spec of a metric's value per node.
 *
 * @example
 *   await show(metricSpec(world.trace.events, { name: 'commitIndex' }));
 */
export function metricSpec(events: readonly TraceEvent[], options: MetricOptions): VegaLiteSpec {
  const window = { fromMs: options.fromMs ?? 0, toMs: options.toMs ?? lastTimeMs(events) };
  checkWindow(window, 'metricSpec');
  const wanted = options.nodes === undefined ? undefined : new Set(options.nodes);
  const rows: PointRow[] = [];
  const last = new Map<string, number>();
  for (const event of events) {
    if (event.type !== 'node.metric' || event.name !== options.name) continue;
    if (wanted !== undefined && !wanted.has(event.node)) continue;
    if (event.atMs > window.toMs) continue;
    if (event.atMs < window.fromMs) {
      last.set(event.node, event.value); // carried into the window as its starting value
      continue;
    }
    if (!rows.some((row) => row.node === event.node) && last.has(event.node)) {
      rows.push({ node: event.node, atMs: window.fromMs, value: last.get(event.node) ?? 0 });
    }
    rows.push({ node: event.node, atMs: event.atMs, value: event.value });
    last.set(event.node, event.value);
  }
  for (const [node, value] of last) {
    if (!rows.some((row) => row.node === node)) rows.push({ node, atMs: window.fromMs, value });
    rows.push({ node, atMs: window.toMs, value });
  }
  const nodeCount = last.size;
  const description =
    `metric "${options.name}": ${nodeCount} nodes, ${rows.length} points, ${window.fromMs}-${window.toMs} ms` +
    (nodeCount === 0 ? ' (no node.metric events with this name)' : '');
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description,
    title: options.title ?? options.name,
    width: options.width ?? 720,
    height: 240,
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', clip: true, point: false },
    encoding: {
      x: {
        field: 'atMs',
        type: 'quantitative',
        title: 'virtual time (ms)',
        scale: { domain: [window.fromMs, window.toMs], nice: false, zero: false },
      },
      y: { field: 'value', type: 'quantitative', title: options.name },
      color: { field: 'node', type: 'nominal', title: 'node' },
      tooltip: tooltipFields(['node', 'value', 'atMs']).map((entry) =>
        entry.field === 'value' ? { ...entry, type: 'quantitative' as const } : entry,
      ),
    },
  };
  return spec as VegaLiteSpec;
}
