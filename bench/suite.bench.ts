/**
 * Whole public suites for one seed against the reference solutions: virtual seconds simulated
 * per wall second. The baseline is the Go tester, which runs in real time (1 virtual second per
 * wall second), so the ratio is the compression. CPU seconds (user + system, `process.cpuUsage`)
 * are printed beside the wall time because on a shared machine wall time mostly measures load.
 */
import { runTest, type Lab } from '../src/testing';
import { raftLab } from '../labs/raft/lab';
import { kvraftLab } from '../labs/kvraft/lab';
import * as raftReference from '../grading/solutions/raft/raft';
import * as kvraftReference from '../grading/solutions/kvraft/index';
import { result, type Benchmark, type BenchmarkResult } from './harness';

const baseline = 'the Go tester in real time (1 virtual s per wall s)';

/** Runs every test of `lab` on seed 1, in order, in this process. */
async function runSuite<I>(name: string, lab: Lab<I>, exports: Record<string, unknown>): Promise<BenchmarkResult> {
  const impl = lab.implementationFrom(exports);
  let virtualMs = 0;
  let failed = 0;
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const test of lab.tests) {
    const { outcome } = await runTest(lab, test, impl, 1);
    virtualMs += outcome.virtualMs;
    if (!outcome.passed) failed++;
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuStarted);
  return result(name, virtualMs / wallMs, 1, {
    unit: 'virtual s per wall s',
    tests: lab.tests.length,
    failed,
    virtualSeconds: Math.round(virtualMs / 100) / 10,
    wallSeconds: Math.round(wallMs / 10) / 100,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  });
}

export const suiteBenchmarks: Benchmark[] = [
  {
    name: 'raft: public suite 3A-3D, one seed, reference',
    baseline,
    run() {
      return runSuite(this.name, raftLab, raftReference as unknown as Record<string, unknown>);
    },
  },
  {
    name: 'kvraft: public suite 4A-4C, one seed, reference',
    baseline,
    run() {
      return runSuite(this.name, kvraftLab, kvraftReference as unknown as Record<string, unknown>);
    },
  },
];
