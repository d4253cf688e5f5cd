/**
 * The kvsrv lab's plots, pure functions of the trace:
 *   - putTimelineSpec: per client, each Put as a bar from call to return coloured by what it
 *     returned (OK, ErrVersion, ErrNoKey, ErrMaybe), with a mark per RPC attempt (lost or answered);
 *   - lockOwnershipSpec: per client, the stretches during which it held each lock, with any
 *     overlap (two holders at once) highlighted in red;
 *   - the linearizability history picture (distlab/plot's historySpec) of the Gets and Puts.
 */
import type { TraceEvent, World } from 'distlab';
import { eventColors, historySpec, noDataLayer, type VegaLiteSpec } from 'distlab/plot';
import type { TestFailure } from 'distlab/testing';
import { kvVersionedModel } from 'distlab/check';
import { checkKvHistory, kvOperations } from './history';
import { overlaps, ownerships } from './lock-ownership';

/** Colours of what a Put returned (its bar). */
export const putOutcomeColors: Readonly<Record<string, string>> = {
  OK: '#54a24b',
  ErrVersion: '#f58518',
  ErrNoKey: '#4c78a8',
  ErrMaybe: '#b279a2',
  /** The Clerk gave up: nobody knows whether the Put happened. */
  unknown: '#bab0ac',
};
/**
 * Colours of one RPC attempt (its marker on the bar): a lost one is a dark cross, as a dropped
 * message in the space-time diagram (not the crash red); an answered one a white dot.
 */
export const putAttemptColors: Readonly<Record<'answered' | 'lost', string>> = {
  answered: '#ffffff',
  lost: eventColors.dropped,
};
const plotWidthPx = 720;
/** Puts drawn at most; a longer run is cut to its last ones (an unreadable plot helps nobody). */
export const putsDrawnMax = 300;
/** Budget of the history picture's linearizability check, in wall ms. */
const pictureCheckMs = 2000;

export interface TimeWindowOptions {
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly title?: string;
  readonly width?: number;
}

interface PutRow {
  client: string;
  startMs: number;
  endMs: number;
  outcome: string;
  description: string;
  attempts: number;
}

interface AttemptRow {
  client: string;
  sentMs: number;
  endMs: number;
  outcome: 'lost' | 'answered';
  reason: string;
}

/** Put operations (from client.invoke/return) and every RPC their clients sent while a Put was open. */
export function putRows(events: readonly TraceEvent[]): { puts: PutRow[]; attempts: AttemptRow[] } {
  const open = new Map<string, { startMs: number; description: string; attempts: AttemptRow[] }>();
  const sent = new Map<number, number>();
  const puts: PutRow[] = [];
  const attempts: AttemptRow[] = [];
  for (const event of events) {
    if (event.type === 'client.invoke') {
      const input = event.input as { kind?: string; key?: string; value?: string; version?: number };
      if (input?.kind === 'put') open.set(event.client, { startMs: event.atMs, description: `put(${JSON.stringify(input.key)}, ${shortValue(input.value ?? '')}, v${input.version})`, attempts: [] });
    } else if (event.type === 'client.return') {
      const put = open.get(event.client);
      if (put === undefined) continue;
      open.delete(event.client);
      const outcome = event.known ? String(event.output) : 'unknown';
      puts.push({ client: event.client, startMs: put.startMs, endMs: event.atMs, outcome, description: `${put.description} -> ${outcome}`, attempts: put.attempts.length });
      attempts.push(...put.attempts);
    } else if (event.type === 'net.send' && event.kind === 'request' && event.call !== undefined) {
      sent.set(event.call, event.atMs);
    } else if (event.type === 'rpc.end') {
      const put = open.get(event.source);
      const sentMs = sent.get(event.call);
      sent.delete(event.call);
      if (put === undefined || sentMs === undefined || sentMs < put.startMs) continue;
      put.attempts.push({ client: event.source, sentMs, endMs: event.atMs, outcome: event.ok ? 'answered' : 'lost', reason: event.ok ? 'reply received' : (event.reason ?? 'lost') });
    }
  }
  return { puts, attempts };
}

function shortValue(value: string): string {
  return value.length > 12 ? `${JSON.stringify(value.slice(0, 8))}…` : JSON.stringify(value);
}

/**
 * Per-client timeline of Put attempts and outcomes.
 *
 * @example
 *   await show(putTimelineSpec(world.trace.events, { title: 'TestUnreliableNet seed 1' }));
 */
export function putTimelineSpec(events: readonly TraceEvent[], options: TimeWindowOptions = {}): VegaLiteSpec {
  const all = putRows(events);
  const inWindow = all.puts.filter((put) => put.endMs >= (options.fromMs ?? -Infinity) && put.startMs <= (options.toMs ?? Infinity));
  const puts = inWindow.slice(-putsDrawnMax);
  const fromMs = options.fromMs ?? puts[0]?.startMs ?? 0;
  const toMs = options.toMs ?? Math.max(fromMs + 1, ...puts.map((put) => put.endMs));
  const attempts = all.attempts.filter((attempt) => attempt.sentMs >= fromMs && attempt.sentMs <= toMs);
  const clients = [...new Set(puts.map((put) => put.client))].sort(byClient);
  const x = { type: 'quantitative', title: 'virtual time (ms)', scale: { domain: [fromMs, toMs] } };
  const y = { field: 'client', type: 'nominal', sort: clients, title: 'client' };
  const cut = inWindow.length > puts.length ? ` (last ${puts.length} of ${inWindow.length} Puts)` : '';
  const size = { width: options.width ?? plotWidthPx, height: Math.max(60, 24 * clients.length) };
  const empty = puts.length === 0 ? [noDataLayer(['No data: no Put returned in this run'], size)] : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${options.title ?? 'Put attempts and outcomes'}${cut}`,
    ...size,
    layer: [...empty, putBarLayer(puts, x, y), attemptLayer(attempts, x, y)],
    // Bars and markers have a legend each; both sit in one row under the plot, so a one-client
    // run is not dwarfed by a legend taller than its plot.
    resolve: { scale: { color: 'independent', shape: 'independent' } },
    config: { legend: { orient: 'bottom', direction: 'horizontal', gridAlign: 'none' } },
  } as VegaLiteSpec;
}

/** One bar per Put, from call to return, coloured by what it returned. */
function putBarLayer(puts: readonly PutRow[], x: object, y: object): object {
  const outcomes = Object.keys(putOutcomeColors).filter((outcome) => outcome !== 'unknown' || puts.some((put) => put.outcome === outcome));
  return {
    data: { values: puts },
    mark: { type: 'bar', height: { band: 0.5 }, cornerRadius: 2, clip: true },
    encoding: {
      y,
      x: { field: 'startMs', ...x },
      x2: { field: 'endMs' },
      color: { field: 'outcome', type: 'nominal', title: 'Put returned', scale: { domain: outcomes, range: outcomes.map((outcome) => putOutcomeColors[outcome]) } },
      tooltip: [{ field: 'description', title: 'Put' }, { field: 'attempts' }, { field: 'startMs', title: 'call (ms)' }, { field: 'endMs', title: 'return (ms)' }],
    },
  };
}

/** One marker per RPC attempt, when it was sent: a dot if answered, a cross if lost. */
function attemptLayer(attempts: readonly AttemptRow[], x: object, y: object): object {
  const domain = ['answered', 'lost'] as const;
  // Shape and colour share field, title and domain, so Vega-Lite draws one legend for both.
  const legend = { field: 'outcome', type: 'nominal', title: 'RPC attempt' } as const;
  return {
    data: { values: attempts },
    mark: { type: 'point', filled: true, size: 45, stroke: eventColors.dropped, strokeWidth: 1, clip: true },
    encoding: {
      y,
      x: { field: 'sentMs', ...x },
      shape: { ...legend, scale: { domain, range: ['circle', 'cross'] } },
      color: { ...legend, scale: { domain, range: domain.map((outcome) => putAttemptColors[outcome]) } },
      tooltip: [{ field: 'outcome', title: 'attempt' }, { field: 'reason' }, { field: 'sentMs', title: 'sent (ms)' }],
    },
  };
}

/** Client ids in numeric order (c2 before c10). */
function byClient(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * Lock ownership over time: one lane per client, a bar per stretch it held a lock, and every
 * overlap of two holders of one lock as a red band (with the two clients named in the tooltip).
 *
 * @example
 *   await show(lockOwnershipSpec(world.trace.events));
 */
export function lockOwnershipSpec(events: readonly TraceEvent[], options: TimeWindowOptions = {}): VegaLiteSpec {
  const endOfRun = events.length === 0 ? 1 : events[events.length - 1].atMs;
  const intervals = ownerships(events).map((interval) => ({ ...interval, toMs: Math.min(interval.toMs, endOfRun), held: interval.end === 'release' ? 'held' : `held until ${interval.end}` }));
  const bands = overlaps(ownerships(events)).map(([holder, intruder]) => ({
    fromMs: intruder.fromMs,
    toMs: Math.min(holder.toMs, intruder.toMs, endOfRun),
    what: `${holder.client} and ${intruder.client} both held lock ${JSON.stringify(holder.lock)}`,
  }));
  const fromMs = options.fromMs ?? 0;
  const toMs = options.toMs ?? Math.max(endOfRun, fromMs + 1);
  const clients = [...new Set(intervals.map((interval) => interval.client))].sort(byClient);
  const x = { type: 'quantitative', title: 'virtual time (ms)', scale: { domain: [fromMs, toMs] } };
  const title = bands.length === 0 ? `${options.title ?? 'Lock ownership'}: never two holders at once` : `${options.title ?? 'Lock ownership'}: ${bands.length} overlap(s), in red`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: options.width ?? plotWidthPx,
    height: Math.max(60, 24 * clients.length),
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect', color: eventColors.failure, opacity: 0.35, clip: true },
        encoding: { x: { field: 'fromMs', ...x }, x2: { field: 'toMs' }, tooltip: [{ field: 'what', title: 'overlap' }] },
      },
      {
        data: { values: intervals },
        mark: { type: 'bar', height: { band: 0.6 }, cornerRadius: 2, clip: true },
        encoding: {
          y: { field: 'client', type: 'nominal', sort: clients, title: 'client' },
          x: { field: 'fromMs', ...x },
          x2: { field: 'toMs' },
          color: { field: 'lock', type: 'nominal', title: 'lock' },
          tooltip: [{ field: 'lock' }, { field: 'client' }, { field: 'fromMs', title: 'acquired (ms)' }, { field: 'toMs', title: 'released (ms)' }, { field: 'held' }],
        },
      },
    ],
  } as VegaLiteSpec;
}

/** The plots of a kvsrv run: whichever of Put timeline, lock ownership and history picture have data. */
export function kvsrvPlots(world: World, failure: TestFailure | null): Array<{ readonly title: string; readonly spec: object }> {
  const events = world.trace.events;
  const plots: Array<{ title: string; spec: object }> = [];
  const endMs = failure?.atMs ?? world.nowMs();
  if (ownerships(events).length > 0) plots.push({ title: 'Lock ownership', spec: lockOwnershipSpec(events, { toMs: Math.max(endMs, 1) }) });
  // Always drawn, even empty: it then says that no Put returned (the first thing to fix).
  plots.push({ title: 'Put attempts and outcomes', spec: putTimelineSpec(events) });
  if (kvOperations(events).operations.length > 0) plots.push({ title: 'Linearizability of the Gets and Puts', spec: historyPicture(events) });
  return plots;
}

/** Virtual ms shown on each side of the operation that cannot be placed. */
const pictureMarginMs = 40;

/**
 * The history picture of the Gets and Puts. When no order exists, it shows the operations around
 * the one that cannot be placed (a whole run is too long to read), with the longest ordered prefix.
 */
export function historyPicture(events: readonly TraceEvent[]): VegaLiteSpec {
  const { result, operations } = checkKvHistory(events, pictureCheckMs);
  const culprit = result.failure?.operation;
  const model = kvVersionedModel();
  if (culprit === undefined) return historySpec({ operations, annotations: [] }, result, { model });
  const fromMs = Math.max(0, culprit.callMs - pictureMarginMs);
  const toMs = (Number.isFinite(culprit.returnMs) ? culprit.returnMs : culprit.callMs) + pictureMarginMs;
  const near = operations.filter((operation) => operation.callMs <= toMs && (operation.returnMs >= fromMs || !Number.isFinite(operation.returnMs)));
  const title = `history around the operation that cannot be placed (${near.length} of ${operations.length} operations, ${fromMs.toFixed(0)}-${toMs.toFixed(0)} ms)`;
  return historySpec({ operations: near, annotations: [] }, result, { model, title, failedPartitionOnly: true });
}
