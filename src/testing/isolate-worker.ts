/**
 * The child side of `runTestsIsolated` (isolate.ts): loads the lab once, then for each run
 * evaluates the compiled submission afresh and runs one test on one seed. It decides nothing:
 * it sends the outcome, and the parent owns the wall clock and the verdict when it dies.
 */
import type { Lab } from './lab';
import { loadLabSource } from './lab-source';
import { evaluateImplementation, ImplementationLoadError, implementationFor, type CompiledImplementation } from './load-impl';
import { describeError, withExitGuard } from './module-graph';
import { crashOutcome, runTest, type TestOutcome } from './run-test';
import type { ParentMessage, WorkerMessage } from './isolate';

let lab: Lab<unknown> | null = null;
let compiled: CompiledImplementation | null = null;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === 'init') {
    try {
      lab = await loadLabSource(message.lab);
      compiled = message.impl;
    } catch (error) {
      send({ type: 'init-failed', message: describeError(error) });
      return;
    }
    send({ type: 'lab-ready' });
    try {
      // Load the submission once here, so a throw, a process.exit or an endless loop at import
      // is caught (and timed) in this child, not in the parent.
      implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
      send({ type: 'ready' });
    } catch (error) {
      if (!(error instanceof ImplementationLoadError)) throw error;
      send({ type: 'implementation-failed', problem: error.problem, message: error.message, details: error.details });
    }
    return;
  }
  if (lab === null || compiled === null) throw new Error('isolate-worker: run before init');
  const current = lab;
  const test = lab.tests.find((candidate) => candidate.name === message.test);
  if (test === undefined) throw new Error(`isolate-worker: no test ${message.test}`);
  let outcome: TestOutcome;
  try {
    const impl = implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
    outcome = (await withExitGuard(() => runTest(current, test, impl, message.seed))).outcome;
  } catch (error) {
    outcome = crashOutcome({
      lab: lab.name,
      name: test.name,
      part: test.part,
      seed: message.seed,
      failure: `the implementation could not be loaded for this run: ${describeError(error)}`,
      failureAtMs: 0,
    });
  }
  send({ type: 'outcome', id: message.id, outcome });
}

let queue: Promise<void> = Promise.resolve();
process.on('message', (message: ParentMessage) => {
  queue = queue.then(() => handle(message));
});
process.on('disconnect', () => process.exit(0));
