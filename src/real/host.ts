/**
 * One real-mode process hosting one node id: the wall-clock kernel, the ZeroMQ endpoint, the
 * RPC layer and the node's incarnation, wired exactly as `World` wires the simulator's. The
 * node's code gets an ordinary `NodeContext` and cannot tell it is not simulated.
 */
import { describeEvent } from '../runtime/describe';
import { Incarnation } from '../runtime/incarnation';
import type { NodeContext, NodeFactory, Persister } from '../runtime/node';
import { Random } from '../runtime/random';
import { threw } from '../runtime/services';
import type { TraceEvent, TraceEventInput } from '../runtime/trace-event';
import { UsageError } from '../runtime/errors';
import { RemoteRpc } from './remote-rpc';
import { WallKernel } from './wall-kernel';
import type { ControlCommand, Wire } from './wire';
import { ZmqEndpoint, type Address } from './zmq-endpoint';

export interface HostOptions {
  readonly id: string;
  /** 0 for the first start of this id, one more per restart. */
  readonly incarnation: number;
  readonly seed: number;
  readonly listen: Address;
  /** Every other process this one talks to (nodes and the runner), by id. */
  readonly peers: ReadonlyMap<string, Address>;
  readonly persister: Persister;
  /** The only id whose control frames are obeyed (the runner); null: none. */
  readonly controller: string | null;
  /** A call without a reply fails after this long. */
  readonly rpcDeadlineMs: number;
  /** One line per log event (node logs, roles, errors, control commands). */
  readonly log: (line: string) => void;
  /** Node code threw: the host is stopped; the process should exit. */
  readonly onStop: (reason: string) => void;
}

/** Trace events written to the node's log (the rest are too frequent to be worth a line). */
const loggedEvents: ReadonlySet<TraceEventInput['type']> = new Set(['node.log', 'node.role', 'node.error', 'world.stop', 'world.note']);

/**
 * One log line: the wall-clock instant (lines of successive incarnations of a node, and of
 * different nodes, then sort together), the incarnation, and the event as the simulator
 * describes it (its time is ms since this process started).
 */
export function logLine(incarnation: number, text: string): string {
  return `${new Date().toISOString()} #${incarnation} ${text.trimStart()}`; // wall-clock-ok: real mode stamps its per-node logs with the real instant
}

export class Host {
  readonly kernel: WallKernel;
  readonly endpoint: ZmqEndpoint;
  readonly rpc: RemoteRpc;
  readonly incarnation: Incarnation;
  private instance: object | null = null;
  /** Writes one line to the node's log, stamped by `logLine`. */
  readonly log: (text: string) => void;

  constructor(private readonly options: HostOptions) {
    this.log = (text) => options.log(logLine(options.incarnation, text));
    this.kernel = new WallKernel({
      seed: options.seed,
      onEvent: (event, atMs) => {
        if (loggedEvents.has(event.type)) this.log(describeEvent({ ...event, seq: 0, atMs } as TraceEvent));
      },
      onStop: options.onStop,
    });
    this.endpoint = new ZmqEndpoint(
      options.id,
      options.listen,
      options.peers,
      // Control frames apply at once, so the frames after them already see the new partition.
      (wire) => (wire.kind === 'control' ? this.receive(wire) : this.kernel.soon(() => this.receive(wire))),
      (error) => this.log(`dropped ${error.message}`),
    );
    this.rpc = new RemoteRpc(this.kernel, this.endpoint, { rpcDeadlineMs: options.rpcDeadlineMs });
    const random = new Random(options.seed).fork(`node:${options.id}#${options.incarnation}`);
    const services = { clock: this.kernel, messaging: this.rpc, trace: this.kernel };
    this.incarnation = new Incarnation(options.id, options.incarnation, services, options.persister, random);
    this.rpc.local = this.incarnation;
  }

  get context(): NodeContext {
    return this.incarnation.context;
  }

  /** Binds the socket, then builds the node inside the kernel; resolves to the node object. */
  async start<N extends object>(factory: NodeFactory<N>): Promise<N> {
    await this.endpoint.start();
    return new Promise<N>((resolve, reject) => {
      this.kernel.soon(() => {
        const instance = this.kernel.runNodeCode(this.incarnation, 'construction', () => factory(this.incarnation.context));
        if (instance === threw) return reject(new Error(`node ${this.options.id} threw while it was built: ${this.kernel.stopped ?? 'see its log'}`));
        if (instance === null || typeof instance !== 'object') {
          return reject(new UsageError(`the factory of node ${this.options.id} must return the node object, got ${String(instance)}`));
        }
        this.instance = instance;
        resolve(instance);
      });
    });
  }

  /** Runs tester code inside the kernel (so its calls and timers are timed from now). */
  run<T>(body: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.kernel.soon(() => {
        try {
          Promise.resolve(body()).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  get node(): object | null {
    return this.instance;
  }

  /** Revokes the node and closes the socket (a clean stop; SIGKILL is the unclean one). */
  close(): void {
    this.incarnation.revoke();
    this.kernel.close();
    this.endpoint.close();
  }

  private receive(wire: Wire): void {
    if (wire.kind !== 'control') return this.rpc.receive(wire);
    if (wire.source !== this.options.controller) {
      this.log(`ignored a control frame from ${wire.source} (only ${this.options.controller ?? 'nobody'} may send them)`);
      return;
    }
    this.obey(wire.command);
  }

  private obey(command: ControlCommand): void {
    switch (command.type) {
      case 'partition':
        this.endpoint.setBlocked(command.blocked);
        this.log(command.blocked.length === 0 ? 'control: partition healed' : `control: cut off from ${command.blocked.join(', ')}`);
        return;
      case 'latency':
        this.endpoint.setDelay(command.delayMs);
        this.log(`control: added latency ${command.delayMs} ms`);
        return;
    }
  }
}
