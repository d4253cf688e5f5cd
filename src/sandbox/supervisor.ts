/**
 * A small trusted thread between the host and the guest. The host blocks while the guest runs
 * a step, so it cannot hear the guest die (out of memory, an uncaught error); the supervisor's
 * event loop is free, hears it, and marks the channel so the host stops waiting and says why.
 */
import { Worker, workerData } from 'node:worker_threads';
import { markGone, type GoneReason } from './channel';

export interface SupervisorData {
  readonly buffer: SharedArrayBuffer;
  readonly guestFile: string;
  readonly guestData: unknown;
  readonly heapMb?: number;
}

function main(data: SupervisorData): void {
  const guest = new Worker(data.guestFile, {
    workerData: data.guestData,
    env: {},
    ...(data.heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: data.heapMb, maxYoungGenerationSizeMb: Math.max(4, Math.floor(data.heapMb / 8)) } }),
  });
  let reason: GoneReason | null = null;
  guest.on('error', (error: Error & { code?: string }) => {
    reason ??= error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'error';
    markGone(data.buffer, reason);
  });
  guest.on('exit', () => markGone(data.buffer, reason ?? 'exit'));
}

if (workerData !== null && typeof workerData === 'object' && 'guestFile' in (workerData as object)) main(workerData as SupervisorData);
