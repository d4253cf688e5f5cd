/**
 * Entry point of the guest thread (a worker_thread: its own V8 isolate and heap). Loads the
 * submission, closes the doors a submission has no use for, then serves the host's steps
 * forever. Nothing of the host (tests, world, checks, keys) exists in this isolate.
 */
import { promiseHooks } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateGraph, preloadDistlab, type CompiledGraph } from '../testing/module-graph';
import { GuestChannel } from './channel';
import { Guest } from './guest';
import { lockGuest } from './guest-lockdown';
import type { NodeSurface } from './surface';
import type { StepEnvelope } from './wire';

export interface GuestData {
  readonly buffer: SharedArrayBuffer;
  readonly graph: CompiledGraph;
  readonly surface: NodeSurface;
}

/**
 * Whether node code queued work for the microtask queue since `reset()`: a promise made or
 * settled (V8's promise hooks, as the world's kernel watches them in process), `queueMicrotask`
 * or `process.nextTick`. Only then does a step wait for a drain (a setImmediate: a whole turn of
 * the event loop), which most steps of handler-style nodes never need.
 */
function microtaskWatch(): { reset(): void; queued(): boolean } {
  let queued = false;
  const mark = () => {
    queued = true;
  };
  promiseHooks.onInit(mark);
  promiseHooks.onSettled(mark);
  const queueMicrotask = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (callback) => {
    queued = true;
    queueMicrotask(callback);
  };
  const nextTick = process.nextTick.bind(process);
  process.nextTick = (callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    queued = true;
    nextTick(callback, ...args);
  };
  return { reset: () => void (queued = false), queued: () => queued };
}

async function main(): Promise<void> {
  const data = workerData as GuestData;
  const channel = new GuestChannel(data.buffer);
  const immediate = setImmediate;
  const drain = () => new Promise<void>((resolve) => void immediate(resolve));
  await preloadDistlab(data.graph);
  const microtasks = microtaskWatch();
  lockGuest();
  const guest = new Guest(data.surface, () => evaluateGraph(data.graph));
  process.on('unhandledRejection', (error) => guest.strayError(error));
  process.on('uncaughtException', (error) => guest.strayError(error));
  for (;;) {
    const envelope = channel.next() as StepEnvelope;
    microtasks.reset();
    const started = guest.begin(envelope);
    // Nothing queued: no microtask can run, so the reply is final without a turn of the event loop.
    if (microtasks.queued()) await drain();
    channel.reply(guest.finish(started), (problem) => ({ effects: [], drainFrom: 0, error: { name: 'BridgeError', message: `the answer of your code could not cross to the tester: ${problem}` } }));
  }
}

if (parentPort !== null) void main();
