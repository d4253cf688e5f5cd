/**
 * A synchronous request/reply channel between two threads over one SharedArrayBuffer: the host
 * posts a message and blocks (Atomics.wait) until the guest posts its reply. The simulation is
 * single-threaded and deterministic, so stepping the guest synchronously keeps the world's
 * order of events exactly as if the node code ran in the host.
 *
 * The guest can write anything into the shared memory at any time, so the host copies a reply
 * out before decoding it, checks its length, and treats anything that does not decode as a
 * broken guest.
 */
import { deserialize, serialize } from 'node:v8';

const stateIdle = 0;
const stateRequest = 1;
const stateReply = 2;
/** Set by the guest as its thread ends (process.exit, an uncaught error), so the host stops waiting. */
const stateGone = 3;
const headerBytes = 16;

/** Bytes a message (either way) may take; the default shared buffer. */
export const channelBytesDefault = 64 * 1024 * 1024;

export class ChannelError extends Error {
  override readonly name = 'ChannelError';
}

/** Why the guest thread ended, as the supervisor saw it. */
export type GoneReason = 'exit' | 'memory' | 'error';
const goneReasons: readonly GoneReason[] = ['exit', 'memory', 'error'];

/** The guest thread ended while the host may be waiting for it. */
export class GuestGoneError extends ChannelError {
  constructor(readonly reason: GoneReason) {
    super(`the guest thread ended (${reason})`);
  }
}

/** Marks the channel: the guest is gone (called by the supervisor thread). */
export function markGone(buffer: SharedArrayBuffer, reason: GoneReason): void {
  const control = new Int32Array(buffer, 0, 4);
  if (Atomics.load(control, 0) === stateGone) return;
  Atomics.store(control, 2, goneReasons.indexOf(reason));
  Atomics.store(control, 0, stateGone);
  Atomics.notify(control, 0);
}

/** Which limit a run went over while the host waited: CPU time (the submission's) or wall-clock time (the grader's safety net). */
export type Overrun = 'cpu' | 'wall';

/** The guest did not answer within the run's limits. */
export class ChannelTimeoutError extends ChannelError {
  constructor(readonly overrun: Overrun) {
    super(`no answer within the run's ${overrun === 'cpu' ? 'CPU time' : 'wall-clock time'}`);
  }
}

/** How often a waiting host asks whether the run is over its limits (a reply wakes it at once). */
const limitCheckMs = 50;

export function channelBuffer(bytes = channelBytesDefault): SharedArrayBuffer {
  return new SharedArrayBuffer(headerBytes + bytes);
}

function views(buffer: SharedArrayBuffer): { control: Int32Array; data: Uint8Array } {
  return { control: new Int32Array(buffer, 0, 4), data: new Uint8Array(buffer, headerBytes) };
}

/** The host's end. */
export class HostChannel {
  private readonly control: Int32Array;
  private readonly data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    ({ control: this.control, data: this.data } = views(buffer));
  }

  /**
   * Posts `message` and waits for the reply (decoded, not yet checked). While it waits, it asks
   * `overrun()` every 50 ms whether the run went over a limit, and if so gives up.
   */
  request(message: unknown, overrun: () => Overrun | null): unknown {
    const bytes = serialize(message);
    if (bytes.length > this.data.length) throw new ChannelError(`a message of ${bytes.length} bytes does not fit the bridge (${this.data.length} bytes)`);
    if (Atomics.load(this.control, 0) === stateGone) throw this.gone();
    this.data.set(bytes);
    Atomics.store(this.control, 1, bytes.length);
    if (Atomics.compareExchange(this.control, 0, stateIdle, stateRequest) === stateGone) throw this.gone();
    Atomics.notify(this.control, 0);
    for (let state = Atomics.load(this.control, 0); state !== stateReply; state = Atomics.load(this.control, 0)) {
      if (state === stateGone) throw this.gone();
      if (Atomics.wait(this.control, 0, stateRequest, limitCheckMs) === 'timed-out') {
        const over = overrun();
        if (over !== null && Atomics.load(this.control, 0) !== stateReply) throw new ChannelTimeoutError(over);
      }
    }
    const length = Atomics.load(this.control, 1);
    if (Atomics.compareExchange(this.control, 0, stateReply, stateIdle) === stateGone) throw this.gone();
    if (!(length >= 0 && length <= this.data.length)) throw new ChannelError(`a reply with an impossible length (${length})`);
    const copy = Buffer.from(this.data.subarray(0, length));
    try {
      return deserialize(copy);
    } catch {
      throw new ChannelError('a reply that does not decode');
    }
  }

  private gone(): GuestGoneError {
    return new GuestGoneError(goneReasons[Atomics.load(this.control, 2)] ?? 'exit');
  }
}

/** The guest's end. */
export class GuestChannel {
  private readonly control: Int32Array;
  private readonly data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    ({ control: this.control, data: this.data } = views(buffer));
  }

  /** Blocks until the host posts a message. */
  next(): unknown {
    for (let state = Atomics.load(this.control, 0); state !== stateRequest; state = Atomics.load(this.control, 0)) {
      Atomics.wait(this.control, 0, state);
    }
    const length = Atomics.load(this.control, 1);
    return deserialize(Buffer.from(this.data.subarray(0, length)));
  }

  /** Posts the reply; one that cannot be sent (not plain data, too large) is replaced by `unusable(problem)`. */
  reply(message: unknown, unusable: (problem: string) => unknown): void {
    let bytes: Buffer;
    try {
      bytes = serialize(message);
    } catch (error) {
      bytes = serialize(unusable(`it is not plain data (${error instanceof Error ? error.message : String(error)})`));
    }
    if (bytes.length > this.data.length) bytes = serialize(unusable(`it takes ${bytes.length} bytes, over the bridge's ${this.data.length}`));
    this.data.set(bytes);
    Atomics.store(this.control, 1, bytes.length);
    Atomics.store(this.control, 0, stateReply);
    Atomics.notify(this.control, 0);
  }
}
