/**
 * The space-time (Lamport) diagram: one horizontal lane per node, virtual time left to right,
 * one line per delivered envelope from (send time, source lane) to (deliver time, target lane),
 * coloured by method, dashed for replies and dotted for one-way messages. Drops are crosses at
 * the send point; crashes and restarts are triangles on the node's lane. A pure function of the
 * trace.
 */
import type { TraceEvent } from '../runtime/trace-event';
import type { VegaLiteSpec } from './render';
import { checkWindow, laneHeight, laneIndex, laneScale, nodesOf, type TimeWindow } from './lanes';
import { markLaneLayer, markRuleLayer, marksInWindow, titleWithMarks, type TimeMark } from './marks';
import { noDataLayer } from './no-data';
import { eventColors } from './palette';

/** Default cap on drawn arrows: beyond a few thousand lines a diagram is unreadable and slow. */
export const spaceTimeArrowsMax = 1500;

/** Method entries shown in the legend at most; more end with "…N entries" (tooltips name each). */
export const spaceTimeLegendMethodsMax = 8;

/** The markers besides arrows, their shapes and colours (one legend). */
const pointKinds = {
  domain: ['message dropped', 'crash', 'restart'],
  shapes: ['cross', 'triangle-down', 'triangle-up'],
  colors: [eventColors.dropped, eventColors.crash, eventColors.restart],
};

export interface SpaceTimeOptions {
  /** Start of the window, virtual ms. */
  readonly fromMs: number;
  /** End of the window, virtual ms. */
  readonly toMs: number;
  /** Lanes to draw, top to bottom; default: every node in the trace, in order of appearance. */
  readonly nodes?: readonly string[];
  /** Arrows drawn at most (earliest sends first); default `spaceTimeArrowsMax`. */
  readonly arrowsMax?: number;
  readonly title?: string;
  /** Plot width in pixels; default 720. */
  readonly width?: number;
  /** Moments to point at (a failure, invariant violations): red rules, explained in the subtitle. */
  readonly marks?: readonly TimeMark[];
}

interface ArrowRow {
  source: string;
  target: string;
  method: string;
  kind: string;
  sentAtMs: number;
  deliveredAtMs: number;
  sourceLane: number;
  targetLane: number;
}

interface PointRow {
  node: string;
  atMs: number;
  lane: number;
  label: string;
  method?: string;
  /** One of pointKinds.domain. */
  event: string;
}

/**
 * Builds a Vega-Lite spec of the message flow in a time window.
 *
 * @example
 *   await show(spaceTimeSpec(world.trace.events, { fromMs: 0, toMs: 500 }));
 */
export function spaceTimeSpec(events: readonly TraceEvent[], options: SpaceTimeOptions): VegaLiteSpec {
  checkWindow(options, 'spaceTimeSpec');
  const nodes = options.nodes ?? nodesOf(events);
  const lanes = laneIndex(nodes);
  const arrowsMax = options.arrowsMax ?? spaceTimeArrowsMax;
  const inWindow = (atMs: number): boolean => atMs >= options.fromMs && atMs <= options.toMs;

  const arrowsAll: ArrowRow[] = [];
  const drops: PointRow[] = [];
  const lifecycle: PointRow[] = [];
  const sendTimes = new Map<number, number>();
  for (const event of events) {
    switch (event.type) {
      case 'net.send':
        sendTimes.set(event.envelope, event.atMs);
        break;
      case 'net.deliver': {
        const sourceLane = lanes.get(event.source);
        const targetLane = lanes.get(event.target);
        if (sourceLane === undefined || targetLane === undefined) break;
        if (event.sentAtMs > options.toMs || event.atMs < options.fromMs) break;
        arrowsAll.push({
          source: event.source,
          target: event.target,
          method: event.method,
          kind: event.kind,
          sentAtMs: event.sentAtMs,
          deliveredAtMs: event.atMs,
          sourceLane: sourceLane + 0.5,
          targetLane: targetLane + 0.5,
        });
        break;
      }
      case 'net.drop': {
        const lane = lanes.get(event.source);
        const sentAtMs = sendTimes.get(event.envelope) ?? event.atMs;
        if (lane === undefined || !inWindow(sentAtMs)) break;
        const label = `${event.method} ${event.source}→${event.target} dropped (${event.reason})`;
        drops.push({ node: event.source, atMs: sentAtMs, lane: lane + 0.5, label, method: event.method, event: 'message dropped' });
        break;
      }
      case 'node.crash':
      case 'node.restart': {
        const lane = lanes.get(event.node);
        if (lane === undefined || !inWindow(event.atMs)) break;
        const label = event.type === 'node.crash' ? `crash: ${event.reason}` : 'restart';
        const kind = event.type === 'node.crash' ? 'crash' : 'restart';
        lifecycle.push({ node: event.node, atMs: event.atMs, lane: lane + 0.5, label, event: kind });
        break;
      }
      default:
        break;
    }
  }
  arrowsAll.sort((a, b) => a.sentAtMs - b.sentAtMs);
  const arrows = arrowsAll.slice(0, Math.max(0, arrowsMax));
  const capNote =
    arrows.length < arrowsAll.length
      ? `showing the first ${arrows.length} of ${arrowsAll.length} messages; narrow fromMs/toMs to see the rest`
      : undefined;
  const description =
    `space-time diagram: ${nodes.length} nodes, ${arrowsAll.length} delivered messages, ` +
    `${drops.length} drops, ${lifecycle.length} crash/restart marks, ${options.fromMs}-${options.toMs} ms` +
    (capNote === undefined ? '' : ` (${capNote})`);
  const marks = marksInWindow(options.marks, options);
  return buildSpec({ options, nodes, lanes, arrows, points: [...drops, ...lifecycle], marks, capNote, description });
}

function buildSpec(parts: {
  options: SpaceTimeOptions;
  nodes: readonly string[];
  lanes: ReadonlyMap<string, number>;
  arrows: ArrowRow[];
  points: PointRow[];
  marks: TimeMark[];
  capNote: string | undefined;
  description: string;
}): VegaLiteSpec {
  const { options, nodes } = parts;
  const x = {
    type: 'quantitative' as const,
    title: 'virtual time (ms)',
    scale: { domain: [options.fromMs, options.toMs], nice: false, zero: false },
  };
  const lane = laneScale(nodes);
  const y = { type: 'quantitative' as const, ...lane };
  const width = options.width ?? 720;
  const height = laneHeight(nodes.length);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: parts.description,
    title: titleWithMarks(options.title ?? 'Space-time diagram', parts.marks, { width, lines: parts.capNote === undefined ? [] : [parts.capNote] }),
    width,
    height,
    layer: [
      {
        data: { values: nodes.map((node, index) => ({ node, lane: index + 0.5 })) },
        mark: { type: 'rule', color: '#bbbbbb', strokeDash: [2, 3] },
        encoding: { y: { field: 'lane', ...y } },
      },
      ...arrowLayers(parts.arrows, options, x, y),
      pointLayer(parts.points, x, y),
      markRuleLayer(parts.marks, x),
      markLaneLayer(parts.marks, parts.lanes, x, y),
      ...(parts.arrows.length + parts.points.length > 0
        ? []
        : [noDataLayer([`No messages, drops, crashes or restarts in ${options.fromMs}-${options.toMs} ms`], { width, height })]),
    ],
    // Three small legends side by side under the plot: beside it they would outgrow a short plot.
    config: { legend: { orient: 'bottom', direction: 'vertical', labelLimit: 200 } },
  };
  return spec as VegaLiteSpec;
}

/** Each delivered envelope: a line from send to delivery (dashed for replies) and a dot at delivery. */
function arrowLayers(rows: ArrowRow[], window: TimeWindow, x: object, y: object): object[] {
  const methodColor = {
    field: 'method',
    type: 'nominal' as const,
    title: 'method',
    legend: rows.length === 0 ? null : { symbolLimit: spaceTimeLegendMethodsMax },
  };
  return [
    {
      // Cut to the window in data, not with a clip path: resvg (PNG) can panic on clipped rules.
      data: { values: rows.map((row) => ({ ...row, ...cutToWindow(row, window) })) },
      mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.8 },
      encoding: {
        x: { field: 'fromX', ...x },
        x2: { field: 'toX' },
        y: { field: 'fromY', ...y },
        y2: { field: 'toY' },
        color: methodColor,
        strokeDash: {
          field: 'kind',
          type: 'nominal' as const,
          title: 'kind',
          scale: presentOnly(rows.map((row) => row.kind), kindDashes),
          ...(rows.length === 0 ? { legend: null } : {}),
        },
        tooltip: tooltipFields(['method', 'kind', 'source', 'target', 'sentAtMs', 'deliveredAtMs']),
      },
    },
    {
      // Only the dots inside the window (deliveries after it are not drawn, nothing is clipped).
      data: { values: rows.filter((row) => row.deliveredAtMs >= window.fromMs && row.deliveredAtMs <= window.toMs) },
      mark: { type: 'point', filled: true, size: 18 },
      encoding: { x: { field: 'deliveredAtMs', ...x }, y: { field: 'targetLane', ...y }, color: methodColor },
    },
  ];
}

/** The part of an arrow inside the window: end points moved along the line to the window's edges. */
function cutToWindow(row: ArrowRow, window: TimeWindow): { fromX: number; toX: number; fromY: number; toY: number } {
  const spanMs = row.deliveredAtMs - row.sentAtMs;
  const laneAt = (atMs: number): number =>
    spanMs <= 0 ? row.sourceLane : row.sourceLane + ((row.targetLane - row.sourceLane) * (atMs - row.sentAtMs)) / spanMs;
  const fromX = Math.max(row.sentAtMs, window.fromMs);
  const toX = Math.min(row.deliveredAtMs, window.toMs);
  return { fromX, toX, fromY: laneAt(fromX), toY: laneAt(toX) };
}

/** Drops, crashes and restarts: one layer, one legend (shape and colour by kind). */
function pointLayer(rows: PointRow[], x: object, y: object): object {
  const kind = { field: 'event', type: 'nominal' as const, title: 'event' };
  const present = rows.map((row) => row.event);
  const legend = rows.length === 0 ? { legend: null } : {};
  return {
    data: { values: rows },
    mark: { type: 'point', filled: true, opacity: 1 },
    encoding: {
      x: { field: 'atMs', ...x },
      y: { field: 'lane', ...y },
      shape: { ...kind, scale: presentOnly(present, { domain: pointKinds.domain, range: pointKinds.shapes }), ...legend },
      fill: { ...kind, scale: presentOnly(present, { domain: pointKinds.domain, range: pointKinds.colors }), ...legend },
      size: { condition: { test: "datum.event === 'message dropped'", value: 70 }, value: 150 },
      tooltip: tooltipFields(['node', 'label', 'atMs']),
    },
  };
}

/** Dash patterns of the message kinds. */
const kindDashes = { domain: ['request', 'reply', 'message'], range: [[1, 0], [5, 3], [1, 2]] };

/** A scale restricted to the categories present (so the legend lists only what is drawn). */
function presentOnly<T>(present: readonly string[], scale: { domain: string[]; range: T[] }): { domain: string[]; range: T[] } {
  const seen = new Set(present);
  const keep = scale.domain.map((value, index) => [value, index] as const).filter(([value]) => seen.has(value));
  return { domain: keep.map(([value]) => value), range: keep.map(([, index]) => scale.range[index] as T) };
}

/** Tooltip entries for row fields (all nominal except times). */
export function tooltipFields(fields: readonly string[]): Array<{ field: string; type: 'nominal' | 'quantitative' }> {
  return fields.map((field) => ({ field, type: field.endsWith('Ms') ? 'quantitative' : 'nominal' }));
}
