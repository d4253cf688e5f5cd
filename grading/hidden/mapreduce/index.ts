/**
 * Hidden MapReduce scenarios: worker crashes placed at each phase of a task (with and without
 * replacement workers), slow workers on both sides of the 10 s reissue limit, and duplicated
 * RPCs. Every one checks the output against the sequential word count when the coordinator
 * exits and after every worker exited. Faults are placed by reading the trace (faults.ts), so
 * each happens on every seed; the seed picks which worker and task they hit.
 *
 * No coordinator restart: the lab's coordinator keeps its state in memory only (the Go lab's
 * mrcoordinator has no recovery), so a restarted coordinator starting the job over is correct
 * and there is nothing to test.
 */
import type { LabTest, TestContext } from 'distlab/testing';
import { wc } from '../../../labs/mapreduce/apps/wc';
import { checkOutput, runJob, sequentialOutput } from '../../../labs/mapreduce/tests';
import { mapreduceLimits, type MapReduceApp, type MapReduceImplementation } from '../../../labs/mapreduce/types';
import { earlyMapReissues, injectCrashes, mapAttempts, type CrashPlan } from './faults';

type MapReduceTest = LabTest<MapReduceImplementation>;
type Test = TestContext<MapReduceImplementation>;

/** As the public tests: a worker that polls without sleeping is stopped fast. */
const eventsMax = 200_000;
const virtualMsMax = 120_000;
/** A map task begun again sooner than this after its first attempt began was reissued early (10 s, less the input read). */
const reissueMsMin = mapreduceLimits.reissueAfterMs - 500;

function test(name: string, description: string, world: MapReduceTest['world'], run: (t: Test) => Promise<void>): MapReduceTest {
  return { name, part: 'MR', description, virtualMsMax, world: { eventsMax, ...world }, run };
}

/** Word count with `workers` workers under `plan`; the output must be the sequential one. */
function crashTest(name: string, description: string, workers: number, plan: CrashPlan): MapReduceTest {
  return test(name, description, {}, async (t) => {
    const crashes = injectCrashes(t.world, plan);
    const job = await runJob(t, wc, workers);
    crashes.stop();
    t.log(`workers crashed: ${crashes.crashed()}`);
    checkOutput(t, job, await sequentialOutput(wc), 'word count');
  });
}

/**
 * Word count whose k-th call of map (or reduce), counted over all workers, first stalls
 * `stallMs[k]`: the worker is slow, not dead, and finishes after the stall.
 */
function stalling(kind: 'map' | 'reduce', stallMs: readonly number[]): MapReduceApp {
  let calls = 0;
  const stallOf = (): number => (calls < stallMs.length ? (stallMs[calls++] ?? 0) : 0);
  return {
    name: `wc-slow-${kind}`,
    async map(filename, contents, env) {
      if (kind === 'map') await env.sleep(stallOf());
      return wc.map(filename, contents, env);
    },
    async reduce(key, values, env) {
      if (kind === 'reduce') await env.sleep(stallOf());
      return wc.reduce(key, values, env);
    },
  };
}

export const hiddenTests: readonly MapReduceTest[] = [
  crashTest('HiddenCrashOnTaskReceipt', 'workers crash right after receiving a task; the tasks are handed out again', 3, { phase: 'task-received', crashes: 2, replace: true }),
  crashTest('HiddenCrashWhileMapping', 'the same map task crashes its worker twice; it is handed out a third time', 3, { phase: 'map-compute', crashes: 2, replace: true, sameTask: true }),
  crashTest('HiddenCrashWhileWritingMap', 'workers crash while writing intermediate files; reduces never see a partial file', 3, { phase: 'map-write', crashes: 2, replace: true }),
  crashTest('HiddenCrashBeforeMapReport', 'workers crash after a map task is done but before the coordinator hears of it', 3, { phase: 'map-report', crashes: 2, replace: true }),
  crashTest('HiddenCrashWhileReducing', 'workers crash in the middle of reduce tasks', 3, { phase: 'reduce-compute', crashes: 2, replace: true }),
  crashTest('HiddenCrashBeforeReduceReport', 'workers crash after writing a reduce output but before reporting it', 3, { phase: 'reduce-report', crashes: 2, replace: true }),
  crashTest('HiddenCrashNoReplacement', 'a worker crashes in a map task and no replacement comes: the other worker finishes the job', 2, { phase: 'map-compute', crashes: 1, replace: false }),
  test('HiddenSlowMapper', 'a map worker 12 s late is replaced, and its late output is harmless; one 5 s late, while others are idle, is waited for', {}, async (t) => {
    // The first map call stalls 12 s, the last first attempt (the 8th call) 5 s: by then idle workers ask for work.
    const app = stalling('map', [12_000, 0, 0, 0, 0, 0, 0, 5_000]);
    const job = await runJob(t, app, 3);
    const twice = [...mapAttempts(t.world.trace.events)].filter(([, count]) => count > 1).map(([task]) => task);
    if (twice.length > 1) t.fail('safety', `map tasks ${twice.join(', ')} each ran more than once, but only one worker was more than 10 s late`);
    const [early] = earlyMapReissues(t.world.trace.events, reissueMsMin);
    if (early !== undefined) {
      t.fail('safety', `map task ${early.task} began at ${(early.firstMs / 1000).toFixed(3)} s and again at ${(early.againMs / 1000).toFixed(3)} s: a task may be handed out again only after 10 s without a report`);
    }
    checkOutput(t, job, await sequentialOutput(wc), 'word count');
  }),
  test('HiddenSlowReducer', 'a reduce worker stalls past the reissue limit, then finishes its task after another worker did it too', {}, async (t) => {
    const job = await runJob(t, stalling('reduce', [10_500]), 3);
    checkOutput(t, job, await sequentialOutput(wc), 'word count');
  }),
  test('HiddenDuplicatedRequests', 'every request may be delivered twice (a task may be handed out to nobody, a report may arrive twice)', { network: { duplicateProbability: 0.3 } }, async (t) => {
    const job = await runJob(t, wc, 3);
    checkOutput(t, job, await sequentialOutput(wc), 'word count');
  }),
];

export default hiddenTests;
