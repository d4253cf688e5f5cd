/**
 * The order test files start in: heaviest first, so the two workers finish together instead of
 * one of them running a 60-second file alone at the end. On a fresh clone (CI) vitest has no
 * timings yet and would start files in glob order, which puts grading/ (the heaviest files)
 * last. Weights are the seconds each file took in a serial run on an idle 2-core machine
 * (the clean-clone run of 2026-12-01, 02:13 UTC; the notebook, browser and real-mode files
 * since rescaled by the CPU they cost before and after one kernel per file, measured under
 * load); vitest's own timings, when it has them, are used for files it knows better. A stale
 * weight only costs packing, never correctness.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const measuredSeconds: Readonly<Record<string, number>> = {
  'grading/adversarial.test.ts': 54,
  'grading/release.test.ts': 45,
  'test/notebook-execute.test.ts': 26,
  'test/lecture-notebooks-execute.test.ts': 25,
  'test/lecture-notebooks-late.test.ts': 40,
  'grading/grader.test.ts': 24,
  'test/testing-built-cli.test.ts': 22,
  'test/notebook-start.test.ts': 25,
  'test/browser-jupyterlab-lecture.test.ts': 22,
  'test/browser-jupyterlab-raft.test.ts': 21,
  'test/lecture-notebooks-zh.test.ts': 15,
  'test/real-cluster.test.ts': 25,
  'test/testing-cli.test.ts': 16,
  'test/browser-e2e.test.ts': 14,
  'labs/raft/raft-notebook.test.ts': 14,
  'labs/mapreduce/notebook.test.ts': 13,
  'labs/kvsrv/kvsrv-notebook.test.ts': 13,
  // Measured alone at a load average of 1.6-1.8 (2026-12-01 07:22 UTC).
  'labs/kvraft/kvraft-notebook.test.ts': 27,
  'grading/grader/multi-lab.test.ts': 21,
  'labs/shardkv/shardkv-notebook.test.ts': 30,
  'test/testing-notebook-kernel.test.ts': 9,
  'test/runtime-bug-cancelled-timers.test.ts': 9,
  'grading/mutants.test.ts': 9,
  'test/notebook-cli.test.ts': 9,
  'test/readme-example.test.ts': 8,
  'test/sandbox-bridge.test.ts': 8,
};

export class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification): number => {
      const file = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`)?.duration;
      return cached === undefined ? (measuredSeconds[file] ?? 0) : cached / 1000;
    };
    // Stable: files of equal weight keep vitest's order.
    return (await super.sort(files)).map((spec, index) => ({ spec, index, seconds: seconds(spec) })).sort((a, b) => b.seconds - a.seconds || a.index - b.index).map(({ spec }) => spec);
  }
}
