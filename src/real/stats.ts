/**
 * What a real run measured, from its history alone: latency percentiles of acknowledged
 * operations, throughput, and acknowledged Puts the final reads have lost.
 */
import type { GetReply } from '../check/linearizability';
import type { RecordedOperation } from './workload';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/** Nearest-rank percentile of sorted values (`fraction` in (0, 1]). */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] as number;
}

export function latencySummary(operations: readonly RecordedOperation[]): LatencySummary {
  const latencies = operations.flatMap((operation) => (isAcknowledged(operation) ? [(operation.returnMs as number) - operation.callMs] : [])).sort((a, b) => a - b);
  return {
    count: latencies.length,
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(latencies[latencies.length - 1] ?? null),
  };
}

/** Acknowledged operations per second between `fromMs` and `toMs`. */
export function throughputPerSecond(operations: readonly RecordedOperation[], fromMs: number, toMs: number): number {
  const seconds = Math.max(0.001, (toMs - fromMs) / 1000);
  const count = operations.filter((operation) => isAcknowledged(operation) && (operation.returnMs as number) >= fromMs && (operation.returnMs as number) <= toMs).length;
  return Math.round((count / seconds) * 10) / 10;
}

export function isAcknowledged(operation: RecordedOperation): boolean {
  return operation.known !== false && operation.returnMs !== null && operation.returnMs !== undefined;
}

/**
 * Acknowledged Puts whose version the final read of their key has not reached: a Put at version
 * v that returned OK made the key's version v + 1, and versions only grow, so a final read below
 * v + 1 means the service lost that Put. Keys without a successful final read are not judged.
 */
export function lostPuts(operations: readonly RecordedOperation[], finalReads: ReadonlyMap<string, GetReply>): string[] {
  const lost: string[] = [];
  for (const put of operations) {
    const input = put.input;
    if (input.kind !== 'put' || put.output !== 'OK' || !isAcknowledged(put)) continue;
    const final = finalReads.get(input.key);
    if (final === undefined || final.version > input.version) continue;
    const seen = final.err === 'ErrNoKey' ? 'finds no such key' : `is at version ${final.version}`;
    lost.push(`put(${input.key}, ${JSON.stringify(input.value)}, version ${input.version}) by ${put.client}, acknowledged OK at ${Math.round(put.returnMs as number)} ms, but the final read of ${input.key} ${seen}`);
  }
  return lost;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
