/**
 * The public MapReduce tests, under the Go lab's names (2026 mr_test.go) and with its checks
 * (see the handout, README.md). Each runs a job on a fresh world and compares the output with
 * the sequential reference or with the test app's own rule.
 */
import type { LabTest, TestContext } from 'distlab/testing';
import { crash, earlyExit, indexer, jobcount, mtiming, nocrash, rtiming, wc } from './apps/index';
import { inputFiles } from './inputs';
import { MapReduceJob } from './job';
import { runSequential } from './sequential';
import { mapreduceLimits, type MapReduceApp, type MapReduceImplementation } from './types';

type Test = TestContext<MapReduceImplementation>;

/** Every test stops after this many events: a worker that polls without sleeping is caught fast. */
const eventsMax = 200_000;

/** Starts a job and runs until the coordinator exits and every worker has exited. */
export async function runJob(t: Test, app: MapReduceApp, workers: number, replaceWorkers = false): Promise<MapReduceJob> {
  const job = MapReduceJob.start(t.world, t.impl, { app, inputs: inputFiles(), workers, nReduce: mapreduceLimits.nReduce, replaceWorkers });
  const finished = await t.runUntil(() => job.coordinatorExitedAtMs !== null, t.test.virtualMsMax);
  if (!finished) {
    const outputs = job.fs.list('mr-out').length;
    t.fail('liveness', `the job did not finish within ${t.test.virtualMsMax / 1000} s: the coordinator's done() never returned true (${outputs} of ${mapreduceLimits.nReduce} mr-out files exist)`);
  }
  t.log(`coordinator exited at ${job.coordinatorExitedAtMs} ms`);
  const exited = await t.runUntil(() => job.runningWorkers().length === 0, mapreduceLimits.workerExitMsMax);
  t.check(
    exited,
    'liveness',
    `${job.runningWorkers().join(', ')} still running ${mapreduceLimits.workerExitMsMax / 1000} s after the coordinator exited; ` +
      'a worker must exit when the job is done (its calls to the coordinator fail once the coordinator is gone)',
  );
  return job;
}

/** Fails unless `actual` equals `expected` line for line, naming the first difference. */
export function checkLines(t: Test, actual: readonly string[], expected: readonly string[], what: string): void {
  const count = Math.max(actual.length, expected.length);
  for (let index = 0; index < count; index += 1) {
    if (actual[index] !== expected[index]) {
      t.fail(
        'safety',
        `${what}: line ${index + 1} of the sorted output is ${JSON.stringify(actual[index] ?? '(missing)')}, ` +
          `expected ${JSON.stringify(expected[index] ?? '(nothing)')} (${actual.length} lines, expected ${expected.length})`,
      );
    }
  }
}

/** The Go scripts read mr-out* when the coordinator exits; we also check after every worker exited. */
export function checkOutput(t: Test, job: MapReduceJob, expected: readonly string[], what: string): void {
  checkLines(t, job.outputAtCoordinatorExit ?? [], expected, `${what} when the coordinator exited`);
  checkLines(t, job.output(), expected, `${what} after every worker exited`);
}

export async function sequentialOutput(app: MapReduceApp): Promise<string[]> {
  return (await runSequential(app, inputFiles())).sort();
}

function test(name: string, description: string, virtualMsMax: number, run: (t: Test) => Promise<void>): LabTest<MapReduceImplementation> {
  return { name, part: 'MR', description, virtualMsMax, world: { eventsMax }, run };
}

export const mapreduceTests: readonly LabTest<MapReduceImplementation>[] = [
  test('TestWc', 'word count with 3 workers: the sorted mr-out-* equal the sequential word count', 60_000, async (t: Test) => {
    const job = await runJob(t, wc, 3);
    checkOutput(t, job, await sequentialOutput(wc), 'word count');
  }),
  test('TestIndexer', 'inverted index with 2 workers: the sorted mr-out-* equal the sequential indexer', 60_000, async (t: Test) => {
    const job = await runJob(t, indexer, 2);
    checkOutput(t, job, await sequentialOutput(indexer), 'indexer');
  }),
  test('TestMapParallel', 'two workers both run map tasks, at the same time', 60_000, async (t: Test) => {
    const job = await runJob(t, mtiming, 2);
    const output = job.output();
    const workers = output.filter((line) => line.startsWith('times-')).length;
    t.check(workers === 2, 'safety', `map tasks ran in ${workers} worker processes, expected exactly 2 (both workers must run maps)`);
    t.check(output.some((line) => /^parallel.* 2/.test(line)), 'safety', 'map tasks never ran in parallel: no "parallel-<pid>" line with a 2; workers must not wait for each other');
  }),
  test('TestReduceParallel', 'two workers run reduce tasks at the same time', 60_000, async (t: Test) => {
    const job = await runJob(t, rtiming, 2);
    const parallel = job.output().filter((line) => /^[a-z] 2/.test(line)).length;
    t.check(parallel >= 2, 'safety', `only ${parallel} reduce tasks saw another reduce running (need 2): reduces must run in parallel on both workers`);
  }),
  test('TestJobCount', 'each map task runs exactly once (no early reissue, no backup tasks before 10 s)', 60_000, async (t: Test) => {
    const job = await runJob(t, jobcount, 4);
    const output = job.output();
    t.check(
      output.length === 1 && output[0] === 'a 8',
      'safety',
      `map tasks ran ${output.join(' | ').replace(/^a /, '') || '(no output)'} times in all, expected 8 (one per input file): a task was run twice, or not at all`,
    );
  }),
  test('TestEarlyExit', 'no process exits before the output is final', 60_000, async (t: Test) => {
    const job = await runJob(t, earlyExit, 4);
    const final = job.output();
    checkLines(t, job.outputAtFirstExit ?? [], final, 'the output when the first process exited (compared with the final output)');
    checkLines(t, final, await sequentialOutput(earlyExit), 'early-exit output');
  }),
  test('TestCrashWorker', 'workers crash and stall; replacements start; the output is still correct', 150_000, async (t: Test) => {
    const job = await runJob(t, crash, 3, true);
    t.log(`worker processes that crashed: ${job.ends.filter((end) => end.how === 'crash').length}`);
    checkOutput(t, job, await sequentialOutput(nocrash), 'crash output');
  }),
];
