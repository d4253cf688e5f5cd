/**
 * One process's ZeroMQ endpoint: a PULL socket bound on its own loopback address, and a PUSH
 * socket per peer. Faults the runner asks for over the control channel (partitions, added
 * latency) are enforced here, on both ends: an envelope to or from a blocked peer is dropped.
 *
 * PUSH sockets are `immediate` with a zero send timeout: while a peer's process is down there is
 * no connection, the send fails at once and the caller learns `unreachable` (instead of ZeroMQ
 * queueing envelopes for a dead process and delivering them to its successor).
 */
import type * as Zmq from 'zeromq';
import { limits } from '../runtime/limits';
import { frameOf, wireOf, WireError, type Wire } from './wire';

export interface Address {
  readonly host: string;
  readonly port: number;
}

export type SendOutcome = 'sent' | 'blocked' | 'unreachable' | 'unknown-peer';

/** Envelopes queued for one peer before sends fail (ZeroMQ's high-water mark). */
const peerQueueMax = 1_000;
/** For this long after start, a send with no connection yet waits for it (in steps of `connectRetryMs`). */
const connectGraceMs = 2_000;
const connectRetryMs = 20;
const connectRetriesMax = connectGraceMs / connectRetryMs;

export function endpointUrl(address: Address): string {
  return `tcp://${address.host}:${address.port}`;
}

/** Loads ZeroMQ, or says how to get it (the package is a dependency; its prebuilt binary must load). */
export function loadZmq(): typeof Zmq {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('zeromq') as typeof Zmq;
  } catch (error) {
    throw new Error(
      `real mode needs the zeromq package (v6, with its prebuilt binary for ${process.platform}-${process.arch}) and it did not load: ` +
        `${error instanceof Error ? error.message : String(error)}. Run \`npm ci\` in the distlab checkout; on a platform without a prebuild, ` +
        'allow its install script (package.json "allowScripts": { "zeromq": true }) and install cmake and a C++ compiler.',
    );
  }
}

export class ZmqEndpoint {
  private readonly zmq = loadZmq();
  private readonly pull: Zmq.Pull;
  private readonly pushes = new Map<string, Zmq.Push>();
  private blocked: ReadonlySet<string> = new Set();
  private delayMs = 0;
  private closed = false;
  private startedAt = process.hrtime.bigint();

  constructor(
    readonly self: string,
    private readonly listen: Address,
    private readonly peers: ReadonlyMap<string, Address>,
    private readonly onWire: (wire: Wire) => void,
    private readonly onBadFrame: (error: WireError) => void,
  ) {
    this.pull = new this.zmq.Pull({ linger: 0, maxMessageSize: limits.payloadBytesMax * 2 });
  }

  /** Binds the listening socket; a taken port is an error naming the port and what to do. */
  async start(): Promise<void> {
    const url = endpointUrl(this.listen);
    try {
      await this.pull.bind(url);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        throw new Error(`node ${this.self} cannot listen on ${url}: the port is taken by another process. Pick another port (or let \`distlab cluster\` choose free ones).`);
      }
      throw new Error(`node ${this.self} cannot listen on ${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    void this.receiveLoop();
    // Connect to every peer now, so connections are up before the first envelope to each.
    for (const peer of this.peers.keys()) if (peer !== this.self) this.push(peer);
    this.startedAt = process.hrtime.bigint();
  }

  /** Partitions: the peers this process exchanges nothing with, from now on. */
  setBlocked(blocked: readonly string[]): void {
    this.blocked = new Set(blocked);
  }

  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  isBlocked(peer: string): boolean {
    return this.blocked.has(peer);
  }

  /** Sends one envelope (after the added latency, if any); resolves to what happened to it locally. */
  async send(wire: Wire): Promise<SendOutcome> {
    if (this.closed) return 'unreachable';
    if (!this.peers.has(wire.target)) return 'unknown-peer';
    // Control frames pass a partition and are never delayed: they are how faults end.
    const faultable = wire.kind !== 'control';
    if (faultable && this.blocked.has(wire.target)) return 'blocked';
    // tidy: allowed (real mode: added latency is wall-clock time)
    if (faultable && this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.closed) return 'unreachable';
    if (faultable && this.blocked.has(wire.target)) return 'blocked';
    const push = this.push(wire.target);
    const frame = frameOf(wire);
    // Right after start the connections are still being made: wait for them (briefly), rather
    // than report a live peer as unreachable. Later, a failed send means the peer is down.
    for (let attempt = 0; ; attempt++) {
      try {
        await push.send(frame);
        return 'sent';
      } catch {
        if (this.closed || attempt >= connectRetriesMax || this.ageMs() > connectGraceMs) return 'unreachable';
        // tidy: allowed (real mode: waiting for a connection is wall-clock time)
        await new Promise((resolve) => setTimeout(resolve, connectRetryMs));
      }
    }
  }

  private ageMs(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e6;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const push of this.pushes.values()) push.close();
    this.pushes.clear();
    this.pull.close();
  }

  private push(peer: string): Zmq.Push {
    let push = this.pushes.get(peer);
    if (push === undefined) {
      push = new this.zmq.Push({ linger: 0, sendTimeout: 0, immediate: true, sendHighWaterMark: peerQueueMax, reconnectInterval: 50, reconnectMaxInterval: 200 });
      push.connect(endpointUrl(this.peers.get(peer) as Address));
      this.pushes.set(peer, push);
    }
    return push;
  }

  /** Runs for the socket's life: one frame at a time, until `close()` ends the iteration. */
  private async receiveLoop(): Promise<void> {
    try {
      for await (const [frame] of this.pull) {
        if (frame === undefined) continue;
        let wire: Wire;
        try {
          wire = wireOf(frame.toString('utf8'));
        } catch (error) {
          if (error instanceof WireError) this.onBadFrame(error);
          continue;
        }
        // Control frames pass a partition: they are how it ends.
        if (wire.target !== this.self || (wire.kind !== 'control' && this.blocked.has(wire.source))) continue;
        this.onWire(wire);
      }
    } catch (error) {
      if (!this.closed) throw error;
    }
  }
}
