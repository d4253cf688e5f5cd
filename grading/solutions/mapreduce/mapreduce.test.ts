// The MapReduce lab's tests against the reference solution and a known-buggy worker. They live
// here, not in labs/, because labs must not import grading/ (house rule 1).
import { describe, expect, it } from 'vitest';
import { renderSvg } from 'distlab/plot';
import { runTest } from 'distlab/testing';
import { ganttSpec, taskBars } from '../../../labs/mapreduce/gantt';
import { mapreduceLab } from '../../../labs/mapreduce/lab';
import * as skeleton from '../../../labs/mapreduce/mapreduce';
import type { MapReduceImplementation } from '../../../labs/mapreduce/types';
import * as reference from '.';
import { Coordinator as BuggyCoordinator, NoRenameWorker } from './buggy-no-rename';

const seeds = [1, 2, 3];
const referenceImpl = mapreduceLab.implementationFrom(reference);
const testNamed = (name: string) => {
  const test = mapreduceLab.tests.find((candidate) => candidate.name === name);
  if (test === undefined) throw new Error(`no test ${name}`);
  return test;
};
const silent = { reporter: null };

describe('MapReduce reference', () => {
  it.each(mapreduceLab.tests.map((test) => test.name))('MapReduce: %s passes against the reference (seeds 1, 2, 3)', async (name) => {
    for (const seed of seeds) {
      const { outcome } = await runTest(mapreduceLab, testNamed(name), referenceImpl, seed, silent);
      expect(outcome.failure ?? null, `${name} seed ${seed}`).toBeNull();
      expect(outcome.passed).toBe(true);
    }
  });

  it('MapReduce: a coordinator that never finishes fails as liveness within the test limit', async () => {
    const impl: MapReduceImplementation = { Coordinator: skeleton.Coordinator, Worker: reference.Worker };
    const { outcome } = await runTest(mapreduceLab, testNamed('TestWc'), impl, 1, silent);
    expect(outcome.kind).toBe('liveness');
    expect(outcome.failure).toMatch(/did not finish within 60 s/);
  });

  it('MapReduce: a worker that polls without sleeping is stopped by the event bound', async () => {
    class BusyWorker extends reference.Worker {
      override async run(): Promise<void> {
        for (;;) await this.ctx.call('coordinator', 'NoSuchMethod', {});
      }
    }
    const { outcome } = await runTest(mapreduceLab, testNamed('TestWc'), { Coordinator: reference.Coordinator, Worker: BusyWorker }, 1, silent);
    expect(outcome.kind).toBe('crash');
    expect(outcome.failure).toMatch(/eventsMax/);
  });

  it('MapReduce: a worker without temp file + rename fails TestCrashWorker on seed 465 (the reference passes it)', async () => {
    const buggy: MapReduceImplementation = { Coordinator: BuggyCoordinator, Worker: NoRenameWorker };
    const bad = await runTest(mapreduceLab, testNamed('TestCrashWorker'), buggy, 465, silent);
    expect(bad.outcome.kind).toBe('safety');
    expect(bad.outcome.failure).toMatch(/crash output when the coordinator exited/);
    const good = await runTest(mapreduceLab, testNamed('TestCrashWorker'), referenceImpl, 465, silent);
    expect(good.outcome.passed).toBe(true);
  });

  it('MapReduce: the same seed gives the same trace; another seed another one', async () => {
    const test = testNamed('TestCrashWorker');
    const first = await runTest(mapreduceLab, test, referenceImpl, 7, silent);
    const again = await runTest(mapreduceLab, test, referenceImpl, 7, silent);
    const other = await runTest(mapreduceLab, test, referenceImpl, 8, silent);
    expect(again.outcome.traceHash).toBe(first.outcome.traceHash);
    expect(other.outcome.traceHash).not.toBe(first.outcome.traceHash);
  });

  it('Gantt: bars per task execution, crashes and reissues, and a spec that renders', async () => {
    const { world } = await runTest(mapreduceLab, testNamed('TestCrashWorker'), referenceImpl, 4, silent);
    const bars = taskBars(world.trace.events);
    expect(bars.filter((bar) => bar.phase === 'map' && bar.outcome === 'finished').length).toBeGreaterThanOrEqual(8);
    expect(bars.some((bar) => bar.outcome === 'crashed')).toBe(true);
    expect(bars.some((bar) => bar.attempt > 1)).toBe(true);
    const spec = ganttSpec(world.trace.events);
    expect(spec.description).toMatch(/reissued/);
    const svg = await renderSvg(spec);
    expect(svg).toContain('<svg');
    expect(mapreduceLab.plots?.(world, null)[0]?.title).toBe('MapReduce tasks per worker');
  });
});
