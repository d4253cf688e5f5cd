/**
 * Step lines of one `node.metric` value per node over virtual time (for example the commit
 * index of every Raft peer). A value holds until the node reports a new one, so the line is a
 * step function, extended to the end of the window; a crash ends the node's line until it
 * reports again. A pure function of the trace.
 */
import type { TraceEvent } from '../runtime/trace-event';
import type { VegaLiteSpec } from './render';
import { checkWindow, lastTimeMs } from './lanes';
import { markRuleLayer, marksInWindow, titleWithMarks, type TimeMark } from './marks';
import { noDataLayer } from './no-data';
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
  /** Moments to point at (a failure, invariant violations): red rules, explained in the subtitle. */
  readonly marks?: readonly TimeMark[];
}

/** Node entries shown in the legend at most; a larger cluster's legend ends with "…N entries". */
export const metricLegendNodesMax = 10;

interface PointRow {
  node: string;
  atMs: number;
  value: number;
  /** One line per node incarnation, so a crash breaks the line. */
  segment: string;
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
  const segments = new Map<string, number>();
  const reported = new Set<string>();
  const push = (node: string, atMs: number, value: number): void => {
    rows.push({ node, atMs, value, segment: `${node}#${segments.get(node) ?? 0}` });
    reported.add(node);
  };
  for (const event of events) {
    if (event.atMs > window.toMs) break;
    if (event.type === 'node.crash' && last.has(event.node)) {
      // A crashed node's value is gone: end its line here; it resumes when it reports again.
      if (event.atMs >= window.fromMs) push(event.node, event.atMs, last.get(event.node) ?? 0);
      last.delete(event.node);
      segments.set(event.node, (segments.get(event.node) ?? 0) + 1);
      continue;
    }
    if (event.type !== 'node.metric' || event.name !== options.name) continue;
    if (wanted !== undefined && !wanted.has(event.node)) continue;
    if (event.atMs < window.fromMs) {
      last.set(event.node, event.value); // carried into the window as its starting value
      continue;
    }
    const carried = last.get(event.node);
    const segment = `${event.node}#${segments.get(event.node) ?? 0}`;
    if (carried !== undefined && !rows.some((row) => row.segment === segment)) push(event.node, window.fromMs, carried);
    push(event.node, event.atMs, event.value);
    last.set(event.node, event.value);
  }
  for (const [node, value] of last) {
    const segment = `${node}#${segments.get(node) ?? 0}`;
    if (!rows.some((row) => row.segment === segment)) push(node, window.fromMs, value);
    push(node, window.toMs, value);
  }
  const nodeCount = reported.size;
  const empty = nodeCount === 0 ? `no node reported a "${options.name}" metric before ${window.toMs} ms` : undefined;
  const description =
    `metric "${options.name}": ${nodeCount} nodes, ${rows.length} points, ${window.fromMs}-${window.toMs} ms` +
    (empty === undefined ? '' : ` (${empty})`);
  return buildSpec({ options, window, rows, empty, marks: marksInWindow(options.marks, window), description });
}

function buildSpec(parts: {
  options: MetricOptions;
  window: { fromMs: number; toMs: number };
  rows: PointRow[];
  empty: string | undefined;
  marks: TimeMark[];
  description: string;
}): VegaLiteSpec {
  const { options, window, empty } = parts;
  const width = options.width ?? 720;
  const height = 240;
  const x = {
    type: 'quantitative' as const,
    title: 'virtual time (ms)',
    scale: { domain: [window.fromMs, window.toMs], nice: false, zero: false },
  };
  const hint = `(it appears once nodes call ctx.metric("${options.name}", value))`;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: parts.description,
    title: titleWithMarks(options.title ?? options.name, parts.marks, { width }),
    width,
    height,
    layer: [
      {
        data: { values: parts.rows },
        mark: { type: 'line', interpolate: 'step-after', point: false },
        encoding: {
          x: { field: 'atMs', ...x },
          y: { field: 'value', type: 'quantitative', title: options.name },
          color: {
            field: 'node',
            type: 'nominal',
            title: 'node',
            legend: empty === undefined ? { symbolLimit: metricLegendNodesMax } : null,
          },
          detail: { field: 'segment', type: 'nominal' },
          tooltip: tooltipFields(['node', 'value', 'atMs']).map((entry) =>
            entry.field === 'value' ? { ...entry, type: 'quantitative' as const } : entry,
          ),
        },
      },
      markRuleLayer(parts.marks, x),
      ...(empty === undefined ? [] : [noDataLayer([`No data: ${empty}`, hint], { width, height })]),
    ],
  };
  return spec as VegaLiteSpec;
}
