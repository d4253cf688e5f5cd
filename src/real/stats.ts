/**
 * What a real run measured, from its history alone: latency percentiles of acknowledged
 * operations, throughput, and acknowledged appends missing from the final reads.
 */
import type { KvInput } from '../check';
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
 * Acknowledged appends that the final read of their key does not contain, although no Put could
 * have overwritten them (every Put on that key ended before the append began). Each one is an
 * acknowledged write the service lost. Keys without a successful final read are not judged.
 */
export function lostAppends(operations: readonly RecordedOperation[], finalReads: ReadonlyMap<string, string>): string[] {
  const lost: string[] = [];
  for (const append of operations) {
    const input = append.input as KvInput;
    if (input.kind !== 'append' || !isAcknowledged(append)) continue;
    const final = finalReads.get(input.key);
    if (final === undefined || final.includes(input.value)) continue;
    const overwritable = operations.some((other) => {
      const put = other.input as KvInput;
      return put.kind === 'put' && put.key === input.key && (isAcknowledged(other) ? (other.returnMs as number) : Infinity) > append.callMs;
    });
    if (!overwritable) lost.push(`append(${input.key}, ${JSON.stringify(input.value)}) by ${append.client}, acknowledged at ${Math.round(append.returnMs as number)} ms, is not in the final value of ${input.key}`);
  }
  return lost;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
