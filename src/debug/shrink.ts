/**
 * Shrinking a failing run: delta debugging (Zeller's ddmin) over the run's fault schedule. Each
 * candidate keeps a subset of the fault actions the failing run applied (by their ordinal: the
 * n-th fault action of the run) and skips every other one, including actions the test only
 * reaches because an earlier one was skipped, so a candidate never applies more faults than it
 * keeps. It replays the test deterministically on the same seed and is accepted when it fails
 * *the same way* (same kind and same invariant or assertion, `failureSignature`). The result is
 * a set of kept ordinals: replaying it gives the same trace, bit for bit.
 *
 * Bounded: at most `runsMax` replays and `wallMsMax` of wall-clock time (the only wall-clock
 * reading, outside the worlds); whatever is smallest when a bound is hit is the result.
 */
import type { TestOutcome } from '../testing/run-test';
import type { FaultRecord } from './fault-mask';

/** One replay with some fault actions skipped. */
export interface ShrinkRun {
  readonly outcome: TestOutcome;
  readonly faults: readonly FaultRecord[];
}

export interface ShrinkOptions {
  /** Replays at most (the original run not counted). Default 200. */
  readonly runsMax?: number;
  /** Wall-clock budget in ms. Default 120,000. */
  readonly wallMsMax?: number;
  /** Wall clock for the budget; default `performance.now`. */
  readonly clock?: () => number;
  /** Told after every replay: how many runs, how many faults the smallest failing run keeps. */
  readonly onProgress?: (progress: ShrinkProgress) => void;
}

export interface ShrinkProgress {
  readonly runs: number;
  readonly faultsKept: number;
  readonly faultsOriginal: number;
  /** Whether the replay just made failed the same way. */
  readonly accepted: boolean;
}

export interface ShrinkResult {
  readonly original: ShrinkRun;
  /** The smallest failing run found (the original when nothing smaller fails the same way). */
  readonly shrunk: ShrinkRun;
  /** Ordinals of the fault actions the shrunk run keeps; every other one is skipped. */
  readonly keep: readonly number[];
  readonly signature: string;
  readonly runs: number;
  /** Why the search stopped: `minimal` (no single fault can go), or the bound that was hit. */
  readonly stopped: 'minimal' | 'runs' | 'time';
}

/**
 * What "fails the same way" compares: the kind, and the invariant's name for a violated
 * invariant, else the failure sentence with numbers and times blanked (a different node id or
 * term in the same assertion is the same failure).
 */
export function failureSignature(outcome: TestOutcome): string {
  if (outcome.passed) return 'pass';
  const message = outcome.failure ?? '';
  const violated = message.indexOf(' violated: ');
  if (violated >= 0) return `${outcome.kind}: ${message.slice(0, violated)} violated`;
  return `${outcome.kind}: ${message.replace(/\(at [\d.]+s\)/g, '').replace(/\d+(\.\d+)?/g, '#').trim()}`;
}

/**
 * Shrinks the fault schedule of a failing run. `replay(keep)` reruns the test on the same seed
 * applying only the fault actions numbered in `keep` (`null`: all of them, the original run).
 */
export async function shrinkFaults(replay: (keep: ReadonlySet<number> | null) => Promise<ShrinkRun>, options: ShrinkOptions = {}): Promise<ShrinkResult> {
  const clock = options.clock ?? (() => performance.now()); // wall-clock-ok (the shrinker's own budget, outside any world)
  const deadline = clock() + (options.wallMsMax ?? 120_000);
  const runsMax = options.runsMax ?? 200;
  const original = await replay(null);
  if (original.outcome.passed) throw new RangeError(`the run passed on seed ${original.outcome.seed}: there is no failure to shrink (pick a failing seed from distlab test)`);
  const signature = failureSignature(original.outcome);
  const all = original.faults.map((fault) => fault.ordinal);
  let kept = all;
  let best = original;
  let runs = 0;
  let stopped: ShrinkResult['stopped'] = 'minimal';
  /** Replays keeping only `candidate`; true (and remembered) when it fails the same way. */
  const fails = async (candidate: readonly number[]): Promise<boolean> => {
    const run = await replay(new Set(candidate));
    runs++;
    const accepted = failureSignature(run.outcome) === signature;
    if (accepted) best = run;
    options.onProgress?.({ runs, faultsKept: accepted ? candidate.length : kept.length, faultsOriginal: all.length, accepted });
    return accepted;
  };
  const exhausted = (): boolean => {
    if (runs >= runsMax) stopped = 'runs';
    else if (clock() > deadline) stopped = 'time';
    return stopped !== 'minimal';
  };
  if (kept.length > 0 && (await fails([]))) kept = [];
  // Coarse first (ddmin's halves and quarters), then fault windows, then single actions.
  for (let granularity = 2; granularity <= 4 && kept.length >= granularity && !exhausted(); granularity *= 2) {
    const next = await reduceOnce(kept, granularity, fails, exhausted);
    if (next !== null) kept = next;
  }
  for (let changed = true; changed && !exhausted(); ) {
    changed = false;
    for (const unit of [...faultWindows(original.faults, kept), ...kept.map((ordinal) => [ordinal])].reverse()) {
      if (exhausted()) break;
      if (!unit.every((ordinal) => kept.includes(ordinal))) continue;
      const candidate = kept.filter((ordinal) => !unit.includes(ordinal));
      if (await fails(candidate)) {
        kept = candidate;
        changed = true;
      }
    }
  }
  return { original, shrunk: best, keep: kept, signature, runs, stopped };
}

/**
 * Fault windows among `kept`: a fault and the action that ends it (disconnect n .. connect n,
 * crash n .. restart n, partition .. heal, cut a b .. uncut a b), as pairs of ordinals, so a
 * whole window can go in one replay.
 */
export function faultWindows(faults: readonly FaultRecord[], kept: readonly number[]): number[][] {
  const ends: Readonly<Record<string, string>> = { disconnect: 'connect', crash: 'restart', partition: 'heal', cut: 'uncut' };
  const open = new Map<string, number>();
  const windows: number[][] = [];
  for (const fault of faults) {
    if (!kept.includes(fault.ordinal)) continue;
    const [kind = '', ...rest] = fault.description.split(' ');
    const subject = kind === 'partition' || kind === 'heal' ? '' : rest.join(' ');
    if (ends[kind] !== undefined) open.set(`${ends[kind]} ${subject}`, fault.ordinal);
    const start = open.get(`${kind} ${subject}`);
    if (start !== undefined) {
      windows.push([start, fault.ordinal]);
      open.delete(`${kind} ${subject}`);
    }
  }
  return windows;
}

/** One round of ddmin: a chunk alone, else a chunk's complement, that still fails; null if none. */
async function reduceOnce(
  kept: readonly number[],
  granularity: number,
  fails: (candidate: readonly number[]) => Promise<boolean>,
  exhausted: () => boolean,
): Promise<number[] | null> {
  const chunks = split(kept, granularity);
  for (const chunk of chunks) {
    if (exhausted()) return null;
    if (chunk.length < kept.length && (await fails(chunk))) return chunk;
  }
  for (const chunk of chunks) {
    if (exhausted()) return null;
    const complement = kept.filter((ordinal) => !chunk.includes(ordinal));
    if (complement.length < kept.length && (await fails(complement))) return complement;
  }
  return null;
}

function split(items: readonly number[], parts: number): number[][] {
  const chunks: number[][] = [];
  const size = Math.ceil(items.length / parts);
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** One paragraph: how much smaller, and how much sooner it fails. */
export function shrinkSummary(result: ShrinkResult): string {
  const before = result.original;
  const after = result.shrunk;
  const kept = after.faults.filter((fault) => !fault.skipped);
  const count = (faults: readonly FaultRecord[]): string => describeCounts(faults);
  const seconds = (outcome: TestOutcome): string => `${((outcome.failureAtMs ?? outcome.virtualMs) / 1000).toFixed(1)} s`;
  const why = result.stopped === 'minimal' ? 'no remaining fault action or fault window can be left out' : `stopped at the ${result.stopped === 'runs' ? 'replay' : 'time'} bound`;
  return (
    `${before.outcome.name} seed ${before.outcome.seed} still fails the same way (${result.signature}) with ` +
    `${kept.length === 0 ? 'no fault actions at all' : count(kept)} instead of ${before.faults.length === 0 ? 'none' : count(before.faults)}; ` +
    `it fails at ${seconds(after.outcome)} instead of ${seconds(before.outcome)}, ${after.outcome.events} trace events instead of ${before.outcome.events}. ` +
    `${result.runs} replays, ${why}.`
  );
}

/** "2 partitions and 1 crash" style counts of fault actions by kind. */
export function describeCounts(faults: readonly FaultRecord[]): string {
  const counts = new Map<string, number>();
  for (const fault of faults) {
    const kind = fault.description.split(' ')[0] ?? 'fault';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const parts = [...counts].map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : /(s|sh|ch)$/.test(kind) ? 'es' : 's'}`);
  const total = `${faults.length} fault action${faults.length === 1 ? '' : 's'}`;
  return parts.length <= 1 ? total : `${total} (${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]})`;
}
