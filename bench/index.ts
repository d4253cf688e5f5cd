import { cliBenchmarks } from './cli.bench';
import { gradingBenchmarks } from './grading.bench';
import type { Benchmark } from './harness';
import { linearizabilityBenchmarks } from './linearizability.bench';
import { suiteBenchmarks } from './suite.bench';
import { runtimeBenchmarks } from './runtime.bench';

/** Every benchmark `npm run bench` runs, in order. Each concern adds its own file. */
export const benchmarks: Benchmark[] = [...runtimeBenchmarks, ...suiteBenchmarks, ...cliBenchmarks, ...linearizabilityBenchmarks, ...gradingBenchmarks];
