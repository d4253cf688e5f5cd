/**
 * The node timeline: one lane per node over virtual time showing
 *   - down periods (crash until restart) as grey shading over the whole lane,
 *   - role segments from `node.role` events as coloured bars labelled with the term
 *     (this is Raft's term/role timeline),
 *   - network partitions from `net.fault` events as a thin band under each lane, coloured by
 *     the group the node was in (drawn only while the network is split).
 * A pure function of the trace.
 */
import type { NetFaultEvent, TraceEvent } from '../runtime/trace-event';
import type { VegaLiteSpec } from './render';
import { checkWindow, lastTimeMs, laneHeight, laneIndex, laneScale, nodesOf } from './lanes';
import { tooltipFields } from './space-time';

export interface NodeTimelineOptions {
  /** Start of the window, virtual ms; default 0. */
  readonly fromMs?: number;
  /** End of the window, virtual ms; default: the last event's time. */
  readonly toMs?: number;
  /** Lanes to draw, top to bottom; default: every node in the trace. */
  readonly nodes?: readonly string[];
  readonly title?: string;
  /** Plot width in pixels; default 720. */
  readonly width?: number;
}

interface SegmentRow {
  node: string;
  startMs: number;
  endMs: number;
  laneTop: number;
  laneBottom: number;
  label: string;
  role?: string;
  term?: number;
  group?: string;
}

/**
 * Builds a Vega-Lite spec of node lifetimes, roles and partitions.
 *
 * @example
 *   await show(nodeTimelineSpec(world.trace.events, { toMs: 2000 }));
 */
export function nodeTimelineSpec(events: readonly TraceEvent[], options: NodeTimelineOptions = {}): VegaLiteSpec {
  const window = { fromMs: options.fromMs ?? 0, toMs: options.toMs ?? lastTimeMs(events) };
  checkWindow(window, 'nodeTimelineSpec');
  const nodes = options.nodes ?? nodesOf(events);
  const lanes = laneIndex(nodes);
  const clip = (row: SegmentRow): SegmentRow | undefined => {
    const startMs = Math.max(row.startMs, window.fromMs);
    const endMs = Math.min(row.endMs, window.toMs);
    return endMs > startMs || (endMs === startMs && row.endMs === row.startMs) ? { ...row, startMs, endMs } : undefined;
  };
  const keep = (rows: SegmentRow[]): SegmentRow[] =>
    rows.map(clip).filter((row): row is SegmentRow => row !== undefined);

  const down = keep(downSegments(events, lanes, window.toMs));
  const roles = keep(roleSegments(events, lanes, window.toMs));
  const partitions = keep(partitionSegments(events, lanes, window.toMs));
  const description =
    `node timeline: ${nodes.length} nodes, ${roles.length} role segments, ${down.length} down periods, ` +
    `${partitions.length} partition bands, ${window.fromMs}-${window.toMs} ms`;
  return buildSpec({ window, nodes, down, roles, partitions, description, options });
}

function buildSpec(parts: {
  window: { fromMs: number; toMs: number };
  nodes: readonly string[];
  down: SegmentRow[];
  roles: SegmentRow[];
  partitions: SegmentRow[];
  description: string;
  options: NodeTimelineOptions;
}): VegaLiteSpec {
  const { window, nodes, down, roles, partitions, description, options } = parts;
  const x = {
    type: 'quantitative' as const,
    title: 'virtual time (ms)',
    scale: { domain: [window.fromMs, window.toMs], nice: false, zero: false },
  };
  const y = { type: 'quantitative' as const, ...laneScale(nodes) };
  const rect = (color: object, tooltip: string[]): object => ({
    x: { field: 'startMs', ...x },
    x2: { field: 'endMs' },
    y: { field: 'laneTop', ...y },
    y2: { field: 'laneBottom' },
    ...color,
    tooltip: tooltipFields(tooltip),
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description,
    title: options.title ?? 'Node timeline',
    width: options.width ?? 720,
    height: laneHeight(nodes.length),
    layer: [
      {
        data: { values: down },
        mark: { type: 'rect', color: '#999999', opacity: 0.35, clip: true },
        encoding: rect({}, ['node', 'label', 'startMs', 'endMs']),
      },
      {
        data: { values: partitions },
        mark: { type: 'rect', opacity: 0.8, clip: true },
        encoding: rect(
          { color: { field: 'group', type: 'nominal', title: 'partition group', scale: { scheme: 'set2' } } },
          ['node', 'label', 'startMs', 'endMs'],
        ),
      },
      {
        data: { values: roles },
        mark: { type: 'rect', opacity: 0.9, clip: true, stroke: 'white', strokeWidth: 0.5 },
        encoding: rect(
          { color: { field: 'role', type: 'nominal', title: 'role', scale: { scheme: 'tableau10' } } },
          ['node', 'role', 'term', 'startMs', 'endMs'],
        ),
      },
      {
        data: { values: roles },
        transform: [
          { calculate: '(datum.startMs + datum.endMs) / 2', as: 'midMs' },
          { calculate: '(datum.laneTop + datum.laneBottom) / 2', as: 'laneMid' },
        ],
        mark: { type: 'text', fontSize: 10, color: 'black', clip: true },
        encoding: {
          x: { field: 'midMs', ...x },
          y: { field: 'laneMid', ...y },
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return spec as VegaLiteSpec;
}

/** Crash-to-restart periods (to the window's end when the node never came back). */
function downSegments(events: readonly TraceEvent[], lanes: Map<string, number>, endMs: number): SegmentRow[] {
  const rows: SegmentRow[] = [];
  const crashedAt = new Map<string, { atMs: number; reason: string }>();
  const close = (node: string, atMs: number): void => {
    const crash = crashedAt.get(node);
    const lane = lanes.get(node);
    crashedAt.delete(node);
    if (crash === undefined || lane === undefined) return;
    rows.push({ node, startMs: crash.atMs, endMs: atMs, laneTop: lane, laneBottom: lane + 1, label: `down (${crash.reason})` });
  };
  for (const event of events) {
    if (event.type === 'node.crash') crashedAt.set(event.node, { atMs: event.atMs, reason: event.reason });
    else if (event.type === 'node.restart' || event.type === 'node.start') close(event.node, event.atMs);
  }
  for (const node of [...crashedAt.keys()]) close(node, Math.max(endMs, crashedAt.get(node)?.atMs ?? endMs));
  return rows;
}

/** Role segments: a role lasts until the node's next role, its crash, or the window's end. */
function roleSegments(events: readonly TraceEvent[], lanes: Map<string, number>, endMs: number): SegmentRow[] {
  const rows: SegmentRow[] = [];
  const current = new Map<string, { atMs: number; role: string; term: number }>();
  const close = (node: string, atMs: number): void => {
    const open = current.get(node);
    const lane = lanes.get(node);
    current.delete(node);
    if (open === undefined || lane === undefined) return;
    rows.push({
      node,
      startMs: open.atMs,
      endMs: Math.max(atMs, open.atMs),
      laneTop: lane + 0.2,
      laneBottom: lane + 0.75,
      label: `T${open.term}`,
      role: open.role,
      term: open.term,
    });
  };
  for (const event of events) {
    if (event.type === 'node.role') {
      close(event.node, event.atMs);
      current.set(event.node, { atMs: event.atMs, role: event.role, term: event.term });
    } else if (event.type === 'node.crash') {
      close(event.node, event.atMs);
    }
  }
  for (const node of [...current.keys()]) close(node, endMs);
  return rows;
}

/** Per node, the group it was in while the network was split into two or more groups. */
function partitionSegments(events: readonly TraceEvent[], lanes: Map<string, number>, endMs: number): SegmentRow[] {
  const faults = events.filter((event): event is NetFaultEvent => event.type === 'net.fault');
  const rows: SegmentRow[] = [];
  faults.forEach((fault, index) => {
    if (fault.groups.length < 2) return;
    const next = faults[index + 1];
    const untilMs = next === undefined ? Math.max(endMs, fault.atMs) : next.atMs;
    fault.groups.forEach((members, groupIndex) => {
      const group = `${String.fromCharCode(65 + (groupIndex % 26))}: ${members.join(' ')}`;
      for (const node of members) {
        const lane = lanes.get(node);
        if (lane === undefined) continue;
        rows.push({
          node,
          startMs: fault.atMs,
          endMs: untilMs,
          laneTop: lane + 0.8,
          laneBottom: lane + 0.95,
          label: fault.description,
          group,
        });
      }
    });
  });
  return rows;
}
