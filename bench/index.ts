import type { Benchmark } from './harness';

/** Every benchmark `npm run bench` runs, in order. Each concern adds its own file. */
export const benchmarks: Benchmark[] = [];
