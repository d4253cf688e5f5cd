/**
 * Entry point of the guest thread (a worker_thread: its own V8 isolate and heap). Loads the
 * submission, closes the doors a submission has no use for, then serves the host's steps
 * forever. Nothing of the host (tests, world, checks, keys) exists in this isolate.
 */
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

async function main(): Promise<void> {
  const data = workerData as GuestData;
  const channel = new GuestChannel(data.buffer);
  const immediate = setImmediate;
  const drain = () => new Promise<void>((resolve) => void immediate(resolve));
  await preloadDistlab(data.graph);
  lockGuest();
  const guest = new Guest(data.surface, () => evaluateGraph(data.graph), drain);
  process.on('unhandledRejection', (error) => guest.strayError(error));
  process.on('uncaughtException', (error) => guest.strayError(error));
  for (;;) {
    const envelope = channel.next() as StepEnvelope;
    const reply = await guest.step(envelope);
    channel.reply(reply, (problem) => ({ effects: [], drainFrom: 0, error: { name: 'BridgeError', message: `the answer of your code could not cross to the tester: ${problem}` } }));
  }
}

if (parentPort !== null) void main();
