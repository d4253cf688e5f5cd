/**
 * Shared pieces of the per-node lane plots (space-time diagram, node timeline): which nodes
 * get a lane, in what order, and the y axis that labels lane `i` (spanning [i, i + 1]) with
 * the node's id. Lanes are numeric so that arrows, bands and marks can sit at any height
 * inside a lane, which ordinal scales cannot express.
 */
import type { TraceEvent } from '../runtime/trace-event';

/** A closed virtual-time window in milliseconds. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Node ids in order of first appearance in the trace (starts first, then any other mention). */
export function nodesOf(events: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  for (const event of events) {
    if (event.type === 'node.start') seen.add(event.node);
  }
  for (const event of events) {
    switch (event.type) {
      case 'net.send':
      case 'net.deliver':
      case 'net.drop':
        seen.add(event.source);
        seen.add(event.target);
        break;
      case 'node.crash':
      case 'node.restart':
      case 'node.role':
      case 'node.metric':
      case 'node.log':
      case 'node.error':
        seen.add(event.node);
        break;
      default:
        break;
    }
  }
  return [...seen];
}

/** The last virtual time mentioned by the trace, or 0 for an empty trace. */
export function lastTimeMs(events: readonly TraceEvent[]): number {
  let last = 0;
  for (const event of events) last = Math.max(last, event.atMs);
  return last;
}

/** Validates a window and says what is wrong in terms the caller wrote. */
export function checkWindow(window: TimeWindow, plot: string): void {
  const { fromMs, toMs } = window;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs) {
    throw new RangeError(
      `${plot}: the time window must satisfy fromMs <= toMs (finite numbers); ` +
        `got fromMs=${fromMs}, toMs=${toMs}.`,
    );
  }
}

/** The lane index of each node. */
export function laneIndex(nodes: readonly string[]): Map<string, number> {
  return new Map(nodes.map((node, index) => [node, index]));
}

/**
 * A y encoding over lanes 0..n: reversed so the first node is on top, one tick per lane centre,
 * each labelled with the node id.
 */
export function laneScale(nodes: readonly string[]): {
  scale: { domain: [number, number]; reverse: true; nice: false; zero: false };
  axis: {
    title: string;
    values: number[];
    labelExpr: string;
    grid: false;
    ticks: false;
    domain: false;
  };
} {
  const labels = JSON.stringify(nodes);
  return {
    scale: { domain: [0, Math.max(1, nodes.length)], reverse: true, nice: false, zero: false },
    axis: {
      title: 'node',
      values: nodes.map((_, index) => index + 0.5),
      labelExpr: `${labels}[floor(datum.value)]`,
      grid: false,
      ticks: false,
      domain: false,
    },
  };
}

/** Plot height for a number of lanes, bounded so large clusters stay readable. */
export function laneHeight(laneCount: number): number {
  return Math.min(600, Math.max(80, 40 * laneCount));
}
