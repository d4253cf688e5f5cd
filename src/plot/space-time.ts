/**
 * The space-time (Lamport) diagram: one horizontal lane per node, virtual time left to right,
 * one line per delivered envelope from (send time, source lane) to (deliver time, target lane),
 * coloured by method, dashed for replies and dotted for one-way messages. Drops are crosses at
 * the send point; crashes and restarts are triangles on the node's lane. A pure function of the
 * trace.
 */
import type { TraceEvent } from '../runtime/trace-event';
import type { VegaLiteSpec } from './render';
import { checkWindow, laneHeight, laneIndex, laneScale, nodesOf } from './lanes';

/** Default cap on drawn arrows: beyond a few thousand lines a diagram is unreadable and slow. */
export const spaceTimeArrowsMax = 1500;

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
  event?: 'crash' | 'restart';
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
        drops.push({ node: event.source, atMs: sentAtMs, lane: lane + 0.5, label, method: event.method });
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
  return buildSpec({ options, nodes, arrows, drops, lifecycle, capNote, description });
}

function buildSpec(parts: {
  options: SpaceTimeOptions;
  nodes: readonly string[];
  arrows: ArrowRow[];
  drops: PointRow[];
  lifecycle: PointRow[];
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
  const methodColor = { field: 'method', type: 'nominal' as const, title: 'method' };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: parts.description,
    title: {
      text: options.title ?? 'Space-time diagram',
      ...(parts.capNote === undefined ? {} : { subtitle: parts.capNote }),
    },
    width: options.width ?? 720,
    height: laneHeight(nodes.length),
    layer: [
      {
        data: { values: nodes.map((node, index) => ({ node, lane: index + 0.5 })) },
        mark: { type: 'rule', color: '#bbbbbb', strokeDash: [2, 3] },
        encoding: { y: { field: 'lane', ...y } },
      },
      ...arrowLayers(parts.arrows, x, y),
      {
        data: { values: parts.drops },
        mark: { type: 'point', shape: 'cross', filled: true, size: 70, clip: true },
        encoding: {
          x: { field: 'atMs', ...x },
          y: { field: 'lane', ...y },
          color: methodColor,
          tooltip: tooltipFields(['label', 'atMs']),
        },
      },
      lifecycleLayer(parts.lifecycle, 'crash', '#d62728', 'triangle-down', x, y),
      lifecycleLayer(parts.lifecycle, 'restart', '#2ca02c', 'triangle-up', x, y),
    ],
  };
  return spec as VegaLiteSpec;
}

/** Each delivered envelope: a line from send to delivery (dashed for replies) and a dot at delivery. */
function arrowLayers(rows: ArrowRow[], x: object, y: object): object[] {
  const methodColor = { field: 'method', type: 'nominal' as const, title: 'method' };
  return [
    {
      data: { values: rows },
      mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.8, clip: true },
      encoding: {
        x: { field: 'sentAtMs', ...x },
        x2: { field: 'deliveredAtMs' },
        y: { field: 'sourceLane', ...y },
        y2: { field: 'targetLane' },
        color: methodColor,
        strokeDash: {
          field: 'kind',
          type: 'nominal' as const,
          title: 'kind',
          scale: { domain: ['request', 'reply', 'message'], range: [[1, 0], [5, 3], [1, 2]] },
        },
        tooltip: tooltipFields(['method', 'kind', 'source', 'target', 'sentAtMs', 'deliveredAtMs']),
      },
    },
    {
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 18, clip: true },
      encoding: { x: { field: 'deliveredAtMs', ...x }, y: { field: 'targetLane', ...y }, color: methodColor },
    },
  ];
}

function lifecycleLayer(
  rows: PointRow[],
  event: 'crash' | 'restart',
  color: string,
  shape: string,
  x: object,
  y: object,
): object {
  return {
    data: { values: rows.filter((row) => row.event === event) },
    mark: { type: 'point', filled: true, size: 150, clip: true, color, shape },
    encoding: {
      x: { field: 'atMs', ...x },
      y: { field: 'lane', ...y },
      tooltip: tooltipFields(['node', 'label', 'atMs']),
    },
  };
}

/** Tooltip entries for row fields (all nominal except times). */
export function tooltipFields(fields: readonly string[]): Array<{ field: string; type: 'nominal' | 'quantitative' }> {
  return fields.map((field) => ({ field, type: field.endsWith('Ms') ? 'quantitative' : 'nominal' }));
}
