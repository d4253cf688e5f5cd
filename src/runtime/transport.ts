import type { Encoded } from './codec';
import type { DropReason, EnvelopeKind } from './trace-event';

/** One end of a link: a node incarnation as the transport sees it. */
export interface Endpoint {
  readonly nodeId: string;
  /** False once this incarnation crashed: its envelopes in flight are lost. */
  readonly alive: boolean;
}

/** Finds the current incarnation of a node id: null while it is down, undefined if no such node exists. */
export type EndpointLookup<E extends Endpoint> = (id: string) => E | null | undefined;

/** What the RPC layer hands to a transport: one request, reply or one-way message. */
export interface Envelope<E extends Endpoint = Endpoint> {
  readonly kind: EnvelopeKind;
  readonly source: E;
  /** Target node id. Requests and messages go to whichever incarnation holds it when sent. */
  readonly target: string;
  /** For replies: the calling incarnation (a reply never reaches the caller's successor). */
  readonly replyTo: E | null;
  /** RPC method, or the one-way message type. */
  readonly method: string;
  /** Call id shared by a request and its reply; null for one-way messages. */
  readonly call: number | null;
  readonly payload: Encoded;
}

/** Where an envelope was lost: on the way out, or when it arrived. */
export type LossStage = 'send' | 'arrival';

/** How the transport reports an envelope's fate back to its sender's layer. */
export interface EnvelopeSink<E extends Endpoint, V extends Envelope<E>> {
  /** A copy of `envelope` (id `copy`; duplicates get their own) reached `target`. */
  arrived(envelope: V, copy: number, target: E): void;
  /**
   * `envelope` was lost (already traced as `net.drop`). For requests, `failAfterMs` is how long
   * the caller waits to learn it (labrpc's delays); otherwise 0.
   */
  lost(envelope: V, reason: DropReason, stage: LossStage, failAfterMs: number): void;
}

/**
 * Moves envelopes between node incarnations and decides their fate. The simulator's transport
 * (`SimulatedTransport`) applies the seeded fault model of `Network` on virtual time; a real
 * one would use sockets. Every send, delivery, duplicate and drop is traced by the transport,
 * in one place, as `net.*` events.
 *
 * Contract: `send` returns at once; the sink hears, later or at once, `arrived` once per copy
 * delivered and/or `lost` for the original; both run on the transport's clock.
 */
export interface Transport<E extends Endpoint = Endpoint> {
  send<V extends Envelope<E>>(envelope: V, sink: EnvelopeSink<E, V>): void;
  /**
   * How long `caller` waits to learn that `server`, handling its request, crashed (labrpc polls
   * every 100 ms). Both are node ids: the simulator draws it from that link's random stream.
   */
  serverLostAfterMs(caller: string, server: string): number;
}
