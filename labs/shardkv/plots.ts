/**
 * The shardkv lab's plots, pure functions of the trace:
 *   - shardOwnershipSpec: one lane per shard; which group owned it over time (a bar per stretch
 *     of ownership, from install to freeze, grey while it was frozen between two groups), the
 *     configuration numbers as rules, every FreezeShard, InstallShard and DeleteShard a group
 *     acknowledged as a marker (one shape each), and every Get and Put a group answered as a
 *     tick on the shard's lane, coloured by the group; a failure or violation is the red line;
 *   - lab 2's history picture of the clerks' Gets and Puts.
 */
import type { TraceEvent, World } from 'distlab';
import { eventColors, noDataLayer, type VegaLiteSpec } from 'distlab/plot';
import type { TestFailure } from 'distlab/testing';
import { kvOperations } from '../kvsrv/history';
import { historyPicture } from '../kvsrv/plots';
import { shardNotes } from './probe';
import { firstGid, shardCount } from './types';

const plotWidthPx = 760;
/** One colour per group (Tableau 10), grey for a frozen shard. */
const groupColors = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#e45756', '#72b7b2', '#eeca3b', '#9d755d', '#ff9da6', '#79706e'];
const laneHeightPx = 18;
/** The shard RPCs the markers show, by note kind. */
const moveNames = { freeze: 'FreezeShard', install: 'InstallShard', delete: 'DeleteShard' } as const;
/** Answered Gets and Puts drawn at most (the last ones before the end); more would be unreadable. */
export const servedDrawnMax = 3000;

interface Stretch {
  readonly shard: number;
  readonly group: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly num: number;
}

/** Stretches of ownership per shard: group 1 from the start, each install until the next freeze there, and frozen gaps. */
export function ownershipStretches(events: readonly TraceEvent[], endMs: number): Stretch[] {
  const open = new Map<string, { fromMs: number; num: number }>();
  const frozenSince = new Map<number, { fromMs: number; num: number }>();
  const stretches: Stretch[] = [];
  for (let shard = 0; shard < shardCount; shard++) open.set(`${shard}/${firstGid}`, { fromMs: 0, num: 1 });
  for (const note of shardNotes(events)) {
    if (note.kind === 'freeze') {
      const slot = `${note.shard}/${note.gid}`;
      const owned = open.get(slot);
      if (owned === undefined) continue;
      open.delete(slot);
      stretches.push({ shard: note.shard, group: `group ${note.gid}`, fromMs: owned.fromMs, toMs: note.atMs, num: owned.num });
      frozenSince.set(note.shard, { fromMs: note.atMs, num: note.num });
    } else if (note.kind === 'install') {
      const slot = `${note.shard}/${note.gid}`;
      if (open.has(slot)) continue;
      open.set(slot, { fromMs: note.atMs, num: note.num });
      const frozen = frozenSince.get(note.shard);
      if (frozen !== undefined) stretches.push({ shard: note.shard, group: 'frozen (moving)', fromMs: frozen.fromMs, toMs: note.atMs, num: frozen.num });
      frozenSince.delete(note.shard);
    }
  }
  for (const [slot, owned] of open) {
    const [shard, gid] = slot.split('/').map(Number);
    stretches.push({ shard, group: `group ${gid}`, fromMs: owned.fromMs, toMs: endMs, num: owned.num });
  }
  for (const [shard, frozen] of frozenSince) stretches.push({ shard, group: 'frozen (moving)', fromMs: frozen.fromMs, toMs: endMs, num: frozen.num });
  return stretches;
}

/** Shard ownership over time with configuration changes and answered client operations. */
export function shardOwnershipSpec(events: readonly TraceEvent[], options: { readonly toMs: number; readonly failure?: { readonly atMs: number; readonly label: string } | null; readonly title?: string }): VegaLiteSpec {
  const stretches = ownershipStretches(events, options.toMs);
  const notes = shardNotes(events);
  const configs = notes.flatMap((note) => (note.kind === 'config' ? [{ atMs: note.atMs, label: `config ${note.num}` }] : []));
  const moves = notes.flatMap((note) =>
    note.kind === 'freeze' || note.kind === 'install' || note.kind === 'delete' ? [{ atMs: note.atMs, shard: note.shard, rpc: moveNames[note.kind], what: `${moveNames[note.kind]} for configuration ${note.num}, acknowledged by group ${note.gid} (${note.node})` }] : [],
  );
  const served = notes.flatMap((note) => (note.kind === 'serve' ? [{ atMs: note.atMs, shard: note.shard, group: `group ${note.gid}`, what: `${note.method} ${note.key} at ${note.node}` }] : [])).slice(-servedDrawnMax);
  const groups = [...new Set([...stretches.map((stretch) => stretch.group), ...served.map((row) => row.group)])].filter((group) => group !== 'frozen (moving)').sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  const color = { field: 'group', type: 'nominal', title: 'owner', scale: { domain: [...groups, 'frozen (moving)'], range: [...groups.map((_, i) => groupColors[i % groupColors.length]), '#bbbbbb'] } };
  const x = { type: 'quantitative', title: 'virtual time (ms)', scale: { domain: [0, Math.max(options.toMs, 1)] } };
  const y = { field: 'shard', type: 'ordinal', title: 'shard', sort: 'ascending' };
  const height = laneHeightPx * shardCount;
  const layers: object[] = [
    { data: { values: stretches }, mark: { type: 'bar', height: laneHeightPx - 6, opacity: 0.55 }, encoding: { x: { field: 'fromMs', ...x }, x2: { field: 'toMs' }, y, color, tooltip: [{ field: 'group' }, { field: 'num', title: 'since configuration' }, { field: 'fromMs' }, { field: 'toMs' }] } },
    { data: { values: served }, mark: { type: 'tick', thickness: 1, size: laneHeightPx - 4 }, encoding: { x: { field: 'atMs', ...x }, y, color, tooltip: [{ field: 'what' }, { field: 'atMs' }] } },
    { data: { values: configs }, mark: { type: 'rule', color: '#555555', strokeDash: [3, 3] }, encoding: { x: { field: 'atMs', ...x }, tooltip: [{ field: 'label' }] } },
    { data: { values: configs }, mark: { type: 'text', dy: -height / 2 - 6, fontSize: 9, color: '#555555' }, encoding: { x: { field: 'atMs', ...x }, text: { field: 'label' } } },
    {
      data: { values: moves },
      mark: { type: 'point', filled: true, size: 40, color: '#222222', opacity: 0.85 },
      encoding: { x: { field: 'atMs', ...x }, y, shape: { field: 'rpc', type: 'nominal', title: 'shard moves', scale: { domain: Object.values(moveNames), range: ['diamond', 'triangle-right', 'cross'] } }, tooltip: [{ field: 'what' }, { field: 'atMs' }] },
    },
  ];
  if (options.failure) layers.push({ data: { values: [options.failure] }, mark: { type: 'rule', color: eventColors.failure, strokeWidth: 2 }, encoding: { x: { field: 'atMs', ...x }, tooltip: [{ field: 'label' }] } });
  if (stretches.length === 0 && served.length === 0) layers.push(noDataLayer(['No data: no shard group started'], { width: plotWidthPx, height }));
  const subtitle = options.failure
    ? [`red line: ${options.failure.label.slice(0, 110)}`]
    : ['bars: owner of each shard (grey: frozen, moving); ticks: Gets and Puts answered;', 'markers: shard moves acknowledged; dashed: configuration changes'];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: options.title ?? 'Shard ownership over time', subtitle, subtitleFontSize: 11, limit: plotWidthPx },
    width: plotWidthPx,
    height,
    layer: layers,
  } as VegaLiteSpec;
}

/** The lab's plots for a run: shard ownership (up to the failure) and the clerks' history. */
export function shardkvPlots(world: World, failure: TestFailure | null): Array<{ readonly title: string; readonly spec: object }> {
  const events = world.trace.events;
  const toMs = failure?.atMs ?? world.nowMs();
  const upTo = events.filter((event) => event.atMs <= toMs);
  const plots = [{ title: 'Shard ownership over time', spec: shardOwnershipSpec(upTo, { toMs, failure: failure === null ? null : { atMs: failure.atMs, label: `FAILED (${failure.kind}): ${failure.message}` } }) }];
  if (kvOperations(upTo).operations.length > 0) plots.push({ title: 'Linearizability of the Gets and Puts', spec: historyPicture(upTo) });
  return plots;
}
