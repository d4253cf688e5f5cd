/**
 * Grading the reference Raft with the default hidden seeds (grading/config/raft.json: every
 * public test and every hidden scenario on 20 seeds), through the real grader: sandboxed
 * workers, `--jobs 2`. Baseline: the same (test, seed) runs in this process, one after another,
 * without sandbox or workers. The ratio is runs per second of the grader over the baseline's
 * (above 1 means the two workers more than pay for the sandbox). The target is a wall
 * time under 2 minutes on a 2-core machine (`extra.wallSeconds`).
 *
 * DISTLAB_BENCH_GRADING_SEEDS=N grades with N seeds instead (quick runs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadLab } from '../src/testing/labs';
import type { LabTest } from '../src/testing/lab';
import { compileImplementation, compileModuleGraph, evaluateImplementation, implementationFor } from '../src/testing/load-impl';
import { evaluateGraph, preloadDistlab } from '../src/testing/module-graph';
import { runTest } from '../src/testing/run-test';
import { grade } from '../grading/grader/grade';
import { hiddenModule, readGradingConfig, referenceModule } from '../grading/grader/config';
import { writeSubmission } from '../grading/mutants/mutant';
import { Bridge } from '../src/sandbox';
import { result, type Benchmark } from './harness';

const root = path.resolve(__dirname, '..');
const jobs = 2;

function referenceSubmission(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-bench-grading-'));
  const reference = fs.readFileSync(referenceModule(readGradingConfig(path.join(root, 'grading', 'config', 'raft.json'))), 'utf8');
  return writeSubmission(folder, 'raft.ts', reference, 'raft', root);
}

async function inProcessBaseline(submission: string, seeds: readonly number[]): Promise<{ runs: number; wallMs: number; failed: number }> {
  const { lab } = await loadLab({ name: 'raft' });
  const config = readGradingConfig(path.join(root, 'grading', 'config', 'raft.json'));
  const hiddenFile = hiddenModule(config);
  const graph = compileModuleGraph(hiddenFile ?? '');
  await preloadDistlab(graph);
  const hidden = (evaluateGraph(graph).hiddenTests ?? []) as ReadonlyArray<LabTest<unknown>>;
  const compiled = compileImplementation(submission);
  const started = process.hrtime.bigint();
  let runs = 0;
  let failed = 0;
  for (const test of [...lab.tests, ...hidden]) {
    for (const seed of seeds) {
      const impl = implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
      const { outcome } = await runTest(lab, test, impl, seed, { reporter: null });
      runs += 1;
      if (!outcome.passed) failed += 1;
    }
  }
  return { runs, wallMs: Number(process.hrtime.bigint() - started) / 1e6, failed };
}

export const gradingBenchmarks: Benchmark[] = [
  {
    name: 'grading: reference Raft, default hidden seeds, --jobs 2 (sandboxed workers)',
    baseline: 'the same runs in process, sequential, no sandbox',
    async run() {
      const submission = referenceSubmission();
      const config = readGradingConfig(path.join(root, 'grading', 'config', 'raft.json'));
      const seedCount = Number(process.env.DISTLAB_BENCH_GRADING_SEEDS ?? config.seeds);
      const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-bench-grading-out-'));
      const started = process.hrtime.bigint();
      const report = await grade({ submission, lab: 'raft', outDir, jobs, seeds: seedCount, pages: false });
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const runs = report.verdicts.reduce((sum, verdict) => sum + verdict.seedsRun, 0);
      const seeds = Array.from({ length: seedCount }, (_, index) => config.seedBase + index + 1);
      const baseline = await inProcessBaseline(submission, seeds);
      return result(this.name, (runs / wallMs) * 1000, (baseline.runs / baseline.wallMs) * 1000, {
        wallSeconds: Math.round(wallMs / 100) / 10,
        baselineWallSeconds: Math.round(baseline.wallMs / 100) / 10,
        runs,
        seeds: seedCount,
        jobs,
        cores: os.availableParallelism(),
        score: `${report.results.score}/100`,
        targetUnder120s: wallMs < 120_000,
      });
    },
  },
  {
    name: 'grading: the bridge, Raft reference on six public tests (CPU seconds, guest thread included)',
    baseline: 'the same tests in process, same seed, after one warm-up round of each',
    async run() {
      const file = path.join(root, 'grading', 'solutions', 'raft', 'raft.ts');
      const { lab } = await loadLab({ name: 'raft' });
      const names = ['TestInitialElection3A', 'TestBasicAgree3B', 'TestFailAgree3B', 'TestPersist13C', 'TestFigure83C', 'TestSnapshotInstall3D'];
      const tests = lab.tests.filter((test) => names.includes(test.name));
      const bridge = new Bridge({ surface: lab.surface ?? { classes: {} }, graph: compileImplementation(file).graph });
      const local = lab.implementationFrom((await import(file)) as Record<string, unknown>);
      const cpuSeconds = async (bridged: boolean): Promise<{ seconds: number; hashes: string }> => {
        const before = process.cpuUsage();
        let hashes = '';
        for (const test of tests) {
          const impl = bridged ? lab.implementationFrom(bridge.fresh(5841, 120_000)) : local;
          hashes += (await runTest(lab, test, impl, 5841, { reporter: null })).outcome.traceHash.slice(0, 8);
        }
        const used = process.cpuUsage(before);
        return { seconds: (used.user + used.system) / 1e6, hashes };
      };
      await cpuSeconds(false);
      await cpuSeconds(true);
      const inProcess = await cpuSeconds(false);
      const bridged = await cpuSeconds(true);
      await bridge.close();
      // "Operations" are runs of the six tests: per CPU second here, not per wall second.
      return result(this.name, 1 / bridged.seconds, 1 / inProcess.seconds, {
        bridgedCpuSeconds: Math.round(bridged.seconds * 100) / 100,
        inProcessCpuSeconds: Math.round(inProcess.seconds * 100) / 100,
        sameTraces: bridged.hashes === inProcess.hashes,
      });
    },
  },
];
