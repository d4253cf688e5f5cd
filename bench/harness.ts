/**
 * Benchmark conventions. A benchmark measures a subject and a baseline side by side in the
 * same process and run, and reports both rates plus their ratio: absolute times on shared
 * machines mean little, the ratio is what we track.
 */
export interface BenchmarkResult {
  readonly name: string;
  /** Operations per wall-clock second of the subject. */
  readonly opsPerSec: number;
  /** Operations per wall-clock second of the baseline, measured in the same run. */
  readonly baselineOpsPerSec: number;
  /** opsPerSec / baselineOpsPerSec (higher is better for the subject). */
  readonly ratio: number;
  /** Anything else worth printing (sizes, virtual seconds, notes). */
  readonly extra?: Readonly<Record<string, string | number | boolean>>;
}

export interface Benchmark {
  readonly name: string;
  /** What the baseline is, in a few words (printed in the human-readable report). */
  readonly baseline: string;
  run(): Promise<BenchmarkResult>;
}

/**
 * Times `body` repeatedly until at least `minMs` of wall time has passed (and at least once);
 * returns operations per second where `body` returns how many operations it did.
 */
export async function measureRate(
  body: () => number | Promise<number>,
  options: { readonly minMs: number; readonly warmupRuns: number },
): Promise<number> {
  for (let run = 0; run < options.warmupRuns; run++) await body();
  let operations = 0;
  const started = process.hrtime.bigint();
  let elapsedMs = 0;
  do {
    operations += await body();
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  } while (elapsedMs < options.minMs);
  return (operations / elapsedMs) * 1000;
}

export function result(
  name: string,
  opsPerSec: number,
  baselineOpsPerSec: number,
  extra?: BenchmarkResult['extra'],
): BenchmarkResult {
  return { name, opsPerSec, baselineOpsPerSec, ratio: opsPerSec / baselineOpsPerSec, extra };
}
