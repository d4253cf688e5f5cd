/**
 * The whole public Raft suite (3A-3D) for one seed against the reference solution: virtual
 * seconds simulated per wall second. The baseline is the Go tester, which runs in real time
 * (1 virtual second per wall second, ~6 minutes for the suite), so the ratio is the compression.
 */
import { runTest } from '../src/testing';
import { raftLab } from '../labs/raft/lab';
import * as reference from '../grading/solutions/raft/raft';
import { result, type Benchmark } from './harness';

export const raftBenchmarks: Benchmark[] = [
  {
    name: 'raft: public suite 3A-3D, one seed, reference',
    baseline: 'the Go tester in real time (1 virtual s per wall s)',
    async run() {
      const impl = raftLab.implementationFrom(reference as unknown as Record<string, unknown>);
      let virtualMs = 0;
      let failed = 0;
      const started = process.hrtime.bigint();
      for (const test of raftLab.tests) {
        const { outcome } = await runTest(raftLab, test, impl, 1);
        virtualMs += outcome.virtualMs;
        if (!outcome.passed) failed++;
      }
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const virtualSecondsPerWallSecond = virtualMs / wallMs;
      return result(this.name, virtualSecondsPerWallSecond, 1, {
        unit: 'virtual s per wall s',
        tests: raftLab.tests.length,
        failed,
        virtualSeconds: Math.round(virtualMs / 100) / 10,
        wallSeconds: Math.round(wallMs / 10) / 100,
      });
    },
  },
];
