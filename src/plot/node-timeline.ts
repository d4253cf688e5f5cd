/**
 * The node timeline: one lane per node over virtual time showing
 *   - down periods (crash until restart) as grey shading over the whole lane,
 *   - role segments from `node.role` events as coloured bars labelled with the term where the
 *     bar is wide enough for its label (every bar has the term in its tooltip); this is Raft's
 *     term/role timeline,
 *   - network partitions from `net.fault` events as a thin band under each lane, saying whether
 *     the node was on a side with a majority of the nodes (drawn only while the network is split;
 *     the groups themselves are in the tooltip),
 *   - marked moments (a failure, a violation) as red rules (see marks.ts).
 * All of it shares one short legend with fixed colours (palette.ts). A pure function of the trace.
 */
import type { NetFaultEvent, TraceEvent } from '../runtime/trace-event';
import type { VegaLiteSpec } from './render';
import { checkWindow, lastTimeMs, laneHeight, laneIndex, laneScale, nodesOf, type TimeWindow } from './lanes';
import { markLaneLayer, markRuleLayer, marksInWindow, titleWithMarks, type TimeMark } from './marks';
import { eventColors, orderedRoles, roleColorScale } from './palette';
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
  /** Moments to point at (a failure, invariant violations): red rules, explained in the subtitle. */
  readonly marks?: readonly TimeMark[];
}

interface SegmentRow {
  node: string;
  startMs: number;
  endMs: number;
  laneTop: number;
  laneBottom: number;
  label: string;
  /** The legend entry: a role, "down (crashed)" or a partition side. */
  key: string;
  role?: string;
  term?: number;
  /** All groups of the split, for the tooltip. */
  groups?: string;
  /** This node's group ("partition: a b"), the legend entry when a chart has few groups. */
  group?: string;
}

/** Legend entries besides the roles. */
export const timelineKeys = {
  down: 'down (crashed)',
  majoritySide: 'partition: majority side',
  minoritySide: 'partition: minority side',
} as const;

/** Up to this many distinct groups, partition bands are coloured by group; beyond, by side. */
export const timelinePartitionGroupsMax = 4;
const groupColors: readonly string[] = ['#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3'];

/** Term labels are 10 px; Vega estimates a label's width as 0.8 x font size per character. */
const termFontSize = 10;
const termLabelPaddingPx = 4;

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
  const partitions = byGroupWhenFew(keep(partitionSegments(events, lanes, window.toMs)));
  const width = options.width ?? 720;
  const labels = termLabels(roles, window, width);
  const marks = marksInWindow(options.marks, window);
  const description =
    `node timeline: ${nodes.length} nodes, ${roles.length} role segments (${labels.length} labelled), ` +
    `${down.length} down periods, ${partitions.length} partition bands, ${window.fromMs}-${window.toMs} ms` +
    (marks.length === 0 ? '' : `, ${marks.length} marked moments`);
  return buildSpec({ window, nodes, lanes, down, roles, labels, partitions, marks, description, width, options });
}

/**
 * A few partitions (a notebook's one split) read best by group ("partition: n1 n2"); a long
 * faulty run has dozens of groups, which read best as the side each node was on.
 */
function byGroupWhenFew(rows: SegmentRow[]): SegmentRow[] {
  const groups = new Set(rows.map((row) => row.group));
  return groups.size > timelinePartitionGroupsMax ? rows : rows.map((row) => ({ ...row, key: row.group ?? row.key }));
}

/** Role segments wide enough (at this width) to hold their term label. */
function termLabels(roles: readonly SegmentRow[], window: TimeWindow, width: number): SegmentRow[] {
  const pxPerMs = width / Math.max(1, window.toMs - window.fromMs);
  return roles.filter((row) => (row.endMs - row.startMs) * pxPerMs >= 0.8 * termFontSize * row.label.length + termLabelPaddingPx);
}

/** One colour scale for every layer: roles in their fixed colours, then the other keys present. */
function colorScale(roles: readonly SegmentRow[], others: readonly SegmentRow[]): { domain: string[]; range: string[] } {
  const roleScale = roleColorScale(orderedRoles(roles.map((row) => row.role ?? row.key)));
  const present = new Set(others.map((row) => row.key));
  const extra: Array<[string, string]> = [
    [timelineKeys.down, eventColors.down],
    [timelineKeys.majoritySide, eventColors.majoritySide],
    [timelineKeys.minoritySide, eventColors.minoritySide],
  ];
  const groups = [...present].filter((key) => key.startsWith('partition: ') && !extra.some(([known]) => known === key)).sort();
  extra.push(...groups.map((key, index): [string, string] => [key, groupColors[index % groupColors.length] ?? eventColors.note]));
  const kept = extra.filter(([key]) => present.has(key));
  return { domain: [...roleScale.domain, ...kept.map(([key]) => key)], range: [...roleScale.range, ...kept.map(([, color]) => color)] };
}

function buildSpec(parts: {
  window: TimeWindow;
  nodes: readonly string[];
  lanes: ReadonlyMap<string, number>;
  down: SegmentRow[];
  roles: SegmentRow[];
  labels: SegmentRow[];
  partitions: SegmentRow[];
  marks: TimeMark[];
  description: string;
  width: number;
  options: NodeTimelineOptions;
}): VegaLiteSpec {
  const { window, nodes, down, roles, partitions, options } = parts;
  const x = {
    type: 'quantitative' as const,
    title: 'virtual time (ms)',
    scale: { domain: [window.fromMs, window.toMs], nice: false, zero: false },
  };
  const y = { type: 'quantitative' as const, ...laneScale(nodes) };
  const color = {
    field: 'key',
    type: 'nominal' as const,
    scale: colorScale(roles, [...down, ...partitions]),
    // Untitled: every entry names itself. Opaque symbols, whatever the layer's opacity.
    legend: { title: null, orient: 'right', labelLimit: 220, symbolOpacity: 1 },
  };
  const rect = (tooltip: string[]): object => ({
    x: { field: 'startMs', ...x },
    x2: { field: 'endMs' },
    y: { field: 'laneTop', ...y },
    y2: { field: 'laneBottom' },
    color,
    tooltip: tooltipFields(tooltip),
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: parts.description,
    title: titleWithMarks(options.title ?? 'Node timeline', parts.marks, { width: parts.width }),
    width: parts.width,
    height: laneHeight(nodes.length),
    layer: [
      { data: { values: down }, mark: { type: 'rect', opacity: 0.35 }, encoding: rect(['node', 'label', 'startMs', 'endMs']) },
      { data: { values: partitions }, mark: { type: 'rect', opacity: 0.9 }, encoding: rect(['node', 'key', 'groups', 'startMs', 'endMs']) },
      {
        data: { values: roles },
        mark: { type: 'rect', opacity: 0.9, stroke: 'white', strokeWidth: 0.5 },
        encoding: rect(['node', 'role', 'term', 'startMs', 'endMs']),
      },
      {
        data: { values: parts.labels },
        transform: [
          { calculate: '(datum.startMs + datum.endMs) / 2', as: 'midMs' },
          { calculate: '(datum.laneTop + datum.laneBottom) / 2', as: 'laneMid' },
        ],
        mark: { type: 'text', fontSize: termFontSize, color: 'black' },
        encoding: { x: { field: 'midMs', ...x }, y: { field: 'laneMid', ...y }, text: { field: 'label', type: 'nominal' } },
      },
      markRuleLayer(parts.marks, x),
      markLaneLayer(parts.marks, parts.lanes, x, y),
    ],
  };
  return spec as VegaLiteSpec;
}

/** Crash-to-restart periods (to the window's end when the node never came back). */
function downSegments(events: readonly TraceEvent[], lanes: ReadonlyMap<string, number>, endMs: number): SegmentRow[] {
  const rows: SegmentRow[] = [];
  const crashedAt = new Map<string, { atMs: number; reason: string }>();
  const close = (node: string, atMs: number): void => {
    const crash = crashedAt.get(node);
    const lane = lanes.get(node);
    crashedAt.delete(node);
    if (crash === undefined || lane === undefined) return;
    rows.push({
      node,
      startMs: crash.atMs,
      endMs: atMs,
      laneTop: lane,
      laneBottom: lane + 1,
      label: `down (${crash.reason})`,
      key: timelineKeys.down,
    });
  };
  for (const event of events) {
    if (event.type === 'node.crash') crashedAt.set(event.node, { atMs: event.atMs, reason: event.reason });
    else if (event.type === 'node.restart' || event.type === 'node.start') close(event.node, event.atMs);
  }
  for (const node of [...crashedAt.keys()]) close(node, Math.max(endMs, crashedAt.get(node)?.atMs ?? endMs));
  return rows;
}

/** Role segments: a role lasts until the node's next role, its crash, or the window's end. */
function roleSegments(events: readonly TraceEvent[], lanes: ReadonlyMap<string, number>, endMs: number): SegmentRow[] {
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
      key: open.role,
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

/**
 * Per node, the side it was on while the network was split into two or more groups: a side
 * holding more than half of the drawn nodes can elect and commit; the others cannot.
 */
function partitionSegments(events: readonly TraceEvent[], lanes: ReadonlyMap<string, number>, endMs: number): SegmentRow[] {
  const faults = events.filter((event): event is NetFaultEvent => event.type === 'net.fault');
  const rows: SegmentRow[] = [];
  faults.forEach((fault, index) => {
    if (fault.groups.length < 2) return;
    const next = faults[index + 1];
    const untilMs = next === undefined ? Math.max(endMs, fault.atMs) : next.atMs;
    // Majority among the drawn nodes (the servers), not clients or other nodes in the groups.
    const drawn = (members: readonly string[]): number => members.filter((node) => lanes.has(node)).length;
    const total = fault.groups.reduce((sum, members) => sum + drawn(members), 0);
    const groups = fault.groups.map((members) => `[${members.join(' ')}]`).join(' ');
    for (const members of fault.groups) {
      const key = drawn(members) * 2 > total ? timelineKeys.majoritySide : timelineKeys.minoritySide;
      const group = `partition: ${members.filter((node) => lanes.has(node)).join(' ')}`;
      for (const node of members) {
        const lane = lanes.get(node);
        if (lane === undefined) continue;
        rows.push({ node, startMs: fault.atMs, endMs: untilMs, laneTop: lane + 0.8, laneBottom: lane + 0.95, label: fault.description, key, groups, group });
      }
    }
  });
  return rows;
}
