/**
 * Lock ownership read from the trace, and the lab's mutual-exclusion invariant over it.
 *
 * The tester records each `acquire()` and `release()` as a client operation. A client holds a
 * lock from the moment its `acquire()` returned until it called `release()` (or forever, if it
 * crashed or the run ended first): that is when it *believes* it holds the lock and acts on it.
 * The real lock (the key's value at the server) is held at least that long, so two believed
 * intervals that overlap prove that mutual exclusion broke; no lucky timing can hide it.
 */
import type { TraceEvent } from 'distlab';
import { formatSeconds, invariant, type TraceInvariant } from 'distlab/check';

/** One stretch of time during which `client` believed it held `lock`. */
export interface Ownership {
  readonly lock: string;
  readonly client: string;
  /** When acquire() returned. */
  readonly fromMs: number;
  /** When release() was called; Infinity when it never was (the client crashed, or the run ended). */
  readonly toMs: number;
  /** Why the interval ended. */
  readonly end: 'release' | 'crash' | 'end of run';
}

interface LockOperation {
  readonly kind: 'acquire' | 'release';
  readonly lock: string;
}

function lockOperation(input: unknown): LockOperation | null {
  const candidate = input as Partial<LockOperation> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.lock !== 'string') return null;
  return candidate.kind === 'acquire' || candidate.kind === 'release' ? (candidate as LockOperation) : null;
}

/** Every ownership interval in the trace, in order of acquisition. */
export function ownerships(events: readonly TraceEvent[]): Ownership[] {
  const invoked = new Map<string, LockOperation>();
  const holding = new Map<string, { lock: string; client: string; fromMs: number }>();
  const done: Ownership[] = [];
  const close = (slot: string, atMs: number, end: Ownership['end']) => {
    const open = holding.get(slot);
    if (open === undefined) return;
    holding.delete(slot);
    done.push({ ...open, toMs: atMs, end });
  };
  for (const event of events) {
    if (event.type === 'client.invoke') {
      const operation = lockOperation(event.input);
      if (operation === null) continue;
      invoked.set(`${event.client}\u0000${event.op}`, operation);
      if (operation.kind === 'release') close(`${event.client}\u0000${operation.lock}`, event.atMs, 'release');
    } else if (event.type === 'client.return') {
      const operation = invoked.get(`${event.client}\u0000${event.op}`);
      if (operation?.kind === 'acquire' && event.known) holding.set(`${event.client}\u0000${operation.lock}`, { lock: operation.lock, client: event.client, fromMs: event.atMs });
    } else if (event.type === 'node.crash') {
      // A crashed holder keeps the lock (there are no leases): its interval never ends.
      for (const [slot, open] of holding) {
        if (open.client !== event.node) continue;
        holding.delete(slot);
        done.push({ ...open, toMs: Infinity, end: 'crash' });
      }
    }
  }
  for (const open of holding.values()) done.push({ ...open, toMs: Infinity, end: 'end of run' });
  return done.sort((a, b) => a.fromMs - b.fromMs);
}

function at(ms: number): string {
  return Number.isFinite(ms) ? formatSeconds(ms, 3) : 'the end';
}

/** Pairs of intervals of one lock that overlap in time (the plot highlights them). */
export function overlaps(intervals: readonly Ownership[]): Array<readonly [Ownership, Ownership]> {
  const found: Array<readonly [Ownership, Ownership]> = [];
  const byLock = new Map<string, Ownership[]>();
  for (const interval of intervals) byLock.set(interval.lock, [...(byLock.get(interval.lock) ?? []), interval]);
  for (const list of byLock.values()) {
    let longest: Ownership | null = null;
    for (const interval of list) {
      if (longest !== null && interval.fromMs < longest.toMs && interval.client !== longest.client) found.push([longest, interval]);
      if (longest === null || interval.toMs > longest.toMs) longest = interval;
    }
  }
  return found;
}

/**
 * Mutual exclusion: no two clients ever believe they hold the same lock at the same time. A
 * property of the whole run (an interval is open until release or the end), so it is decided
 * at the end of the history.
 */
export const lockMutualExclusion: TraceInvariant = invariant<TraceEvent>('at most one client holds a lock at a time', () => {
  const events: TraceEvent[] = [];
  return {
    step(event) {
      events.push(event);
      return null;
    },
    end() {
      const [first] = overlaps(ownerships(events));
      if (first === undefined) return null;
      const [holder, intruder] = first;
      const until = holder.end === 'release' ? `until it called release() at ${at(holder.toMs)}` : holder.end === 'crash' ? 'until it crashed (a crashed holder keeps the lock)' : 'to the end of the run';
      return {
        detail: `two clients held lock ${JSON.stringify(holder.lock)} at once: ${holder.client} held it from ${at(holder.fromMs)} ${until}, but ${intruder.client}'s acquire() returned at ${at(intruder.fromMs)}`,
        atMs: intruder.fromMs,
        nodes: [intruder.client, holder.client],
      };
    },
  };
});
