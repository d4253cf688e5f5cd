/**
 * The kvraft lab's plots, pure functions of the trace:
 *   - latencySpec: per client, the latency of each Get and Put over time, with the windows in
 *     which the servers were partitioned or crashed shaded (what the clients waited for);
 *   - serverContactSpec: per client, each RPC it sent, coloured by the server it went to
 *     (a client hunting for the leader, or stuck on a deposed one, shows at a glance);
 *   - the servers' roles and terms, and the history picture of the Gets and Puts (labs/kvsrv).
 */
import type { TraceEvent, World } from 'distlab';
import { nodeTimelineSpec, noDataLayer, type VegaLiteSpec } from 'distlab/plot';
import type { TestFailure } from 'distlab/testing';
import { historyPicture } from '../kvsrv/plots';
import { kvOperations } from '../kvsrv/history';

const plotWidthPx = 720;
/** Points drawn at most per plot; a longer run is cut to its last ones. */
export const pointsDrawnMax = 3000;

/** A stretch of time in which the servers were not all up and connected. */
export interface FaultWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly what: string;
}

const isClient = (node: string): boolean => /^c\d+$/.test(node);
const isServer = (node: string): boolean => /^\d+$/.test(node);

/**
 * Fault windows from the trace: network faults (from a `net.fault` that leaves the servers in
 * more than one group, or cuts some link, until one that joins them again), and each server's
 * crash to its restart.
 */
export function faultWindows(events: readonly TraceEvent[], endMs: number): FaultWindow[] {
  const windows: FaultWindow[] = [];
  let network: { fromMs: number; what: string } | null = null;
  const down = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'net.fault') {
      const serverGroups = event.groups.map((group) => group.filter(isServer)).filter((group) => group.length > 0);
      const faulty = serverGroups.length > 1 || /^(cut|disconnect|partition)/.test(event.description);
      if (network !== null && !faulty) windows.push({ fromMs: network.fromMs, toMs: event.atMs, what: network.what });
      if (network === null && faulty) network = { fromMs: event.atMs, what: event.description };
      if (!faulty) network = null;
    }
    if (event.type === 'node.crash' && isServer(event.node)) down.set(event.node, event.atMs);
    if (event.type === 'node.restart' && isServer(event.node) && down.has(event.node)) {
      windows.push({ fromMs: down.get(event.node) ?? 0, toMs: event.atMs, what: `server ${event.node} down` });
      down.delete(event.node);
    }
  }
  if (network !== null) windows.push({ fromMs: network.fromMs, toMs: endMs, what: network.what });
  for (const [node, fromMs] of down) windows.push({ fromMs, toMs: endMs, what: `server ${node} down` });
  return windows;
}

function faultLayer(windows: readonly FaultWindow[]): object {
  return {
    data: { values: windows },
    mark: { type: 'rect', color: '#bbbbbb', opacity: 0.35 },
    encoding: { x: { field: 'fromMs', type: 'quantitative' }, x2: { field: 'toMs' }, tooltip: [{ field: 'what', title: 'fault' }, { field: 'fromMs' }, { field: 'toMs' }] },
  };
}

function byClient(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1));
}

/** Latency of every Get and Put over time, one colour per client, fault windows shaded. */
export function latencySpec(events: readonly TraceEvent[], options: { readonly title?: string; readonly endMs?: number } = {}): VegaLiteSpec {
  const rows = kvOperations(events)
    .operations.filter((operation) => Number.isFinite(operation.returnMs))
    .map((operation) => ({ client: operation.client, atMs: operation.callMs, latencyMs: operation.returnMs - operation.callMs, kind: operation.input.kind }))
    .slice(-pointsDrawnMax);
  const endMs = options.endMs ?? Math.max(1, ...rows.map((row) => row.atMs + row.latencyMs));
  const clients = [...new Set(rows.map((row) => row.client))].sort(byClient);
  const size = { width: plotWidthPx, height: 220 };
  const empty = rows.length === 0 ? [noDataLayer(['No data: no Get or Put returned in this run'], size)] : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Latency of each Get and Put (grey: servers partitioned or down)',
    ...size,
    encoding: { x: { type: 'quantitative', title: 'virtual time of the call (ms)', scale: { domain: [0, endMs] } } },
    layer: [
      ...empty,
      faultLayer(faultWindows(events, endMs)),
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 18, clip: true },
        encoding: {
          x: { field: 'atMs', type: 'quantitative' },
          y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)', scale: { type: 'symlog' } },
          color: { field: 'client', type: 'nominal', sort: clients },
          shape: { field: 'kind', type: 'nominal', title: 'operation' },
          tooltip: [{ field: 'client' }, { field: 'kind' }, { field: 'atMs', title: 'call (ms)' }, { field: 'latencyMs', title: 'latency (ms)' }],
        },
      },
    ],
  } as VegaLiteSpec;
}

/** Every RPC a client sent to a server, as a tick coloured by the server; lost ones hollow. */
export function serverContactSpec(events: readonly TraceEvent[], options: { readonly title?: string; readonly endMs?: number } = {}): VegaLiteSpec {
  const ended = new Map<number, boolean>();
  for (const event of events) if (event.type === 'rpc.end') ended.set(event.call, event.ok);
  const rows = events
    .flatMap((event) => (event.type === 'net.send' && event.kind === 'request' && isClient(event.source) && isServer(event.target) ? [event] : []))
    .map((event) => ({ client: event.source, server: `server ${event.target}`, atMs: event.atMs, answered: event.call !== undefined && ended.get(event.call) === true ? 'answered' : 'no answer' }))
    .slice(-pointsDrawnMax);
  const clients = [...new Set(rows.map((row) => row.client))].sort(byClient);
  const endMs = options.endMs ?? Math.max(1, ...rows.map((row) => row.atMs));
  const size = { width: plotWidthPx, height: Math.max(60, 18 * clients.length) };
  const empty = rows.length === 0 ? [noDataLayer(['No data: no client sent an RPC in this run'], size)] : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Which server each client talked to (grey: servers partitioned or down)',
    ...size,
    encoding: { x: { type: 'quantitative', title: 'virtual time (ms)', scale: { domain: [0, endMs] } } },
    layer: [
      ...empty,
      faultLayer(faultWindows(events, endMs)),
      {
        data: { values: rows },
        mark: { type: 'tick', thickness: 2, clip: true },
        encoding: {
          x: { field: 'atMs', type: 'quantitative' },
          y: { field: 'client', type: 'nominal', sort: clients, title: 'client' },
          color: { field: 'server', type: 'nominal', title: 'sent to' },
          opacity: { field: 'answered', type: 'ordinal', title: 'reply', scale: { domain: ['answered', 'no answer'], range: [1, 0.3] } },
          tooltip: [{ field: 'client' }, { field: 'server' }, { field: 'atMs', title: 'sent (ms)' }, { field: 'answered' }],
        },
      },
    ],
  } as VegaLiteSpec;
}

/** The plots of a kvraft run: roles and terms, and, when clients ran, latency, server contact and the history picture. */
export function kvraftPlots(world: World, failure: TestFailure | null): Array<{ readonly title: string; readonly spec: object }> {
  const events = world.trace.events;
  const endMs = Math.max(1, failure?.atMs ?? world.nowMs());
  const servers = world.nodeIds.filter(isServer);
  const marks = failure === null ? [] : [{ atMs: failure.atMs, label: `FAILED (${failure.kind}): ${failure.message}` }];
  const plots: Array<{ title: string; spec: object }> = [{ title: 'Role and term of each server', spec: nodeTimelineSpec(events, { nodes: servers, toMs: endMs, marks, title: 'Role and term of each server' }) }];
  if (kvOperations(events).operations.length === 0) return plots;
  plots.push({ title: 'Latency per client', spec: latencySpec(events, { endMs }) });
  plots.push({ title: 'Which server each client talked to', spec: serverContactSpec(events, { endMs }) });
  plots.push({ title: 'Linearizability of the Gets and Puts', spec: historyPicture(events) });
  return plots;
}
