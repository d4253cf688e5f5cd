import type { Kernel } from './kernel';
import { labrpc, type Network } from './network';
import type { Random } from './random';
import type { DropReason, TraceEventInput } from './trace-event';
import type { Endpoint, EndpointLookup, Envelope, EnvelopeSink, LossStage, Transport } from './transport';

/**
 * The simulator's transport: each envelope's fate (drop, delay, duplicate, reorder, partition)
 * comes from the world's `Network` fault state and a seeded random stream of its directed link,
 * and its delivery is an event on the kernel's virtual clock. One stream per link (forked from
 * the world's network stream by the link's two ids) keeps links apart: a change in what one
 * link carries (one more message, one fewer) leaves the fates on every other link as they were,
 * so two versions of a node can be compared on the same seed (`distlab diff`). Links are checked when an envelope is sent
 * and again when it arrives, so a partition that starts while a message is in flight drops it.
 *
 * Every `net.*` event is recorded here, and every drop goes through `drop()`.
 */
export class SimulatedTransport<E extends Endpoint> implements Transport<E> {
  private nextEnvelope = 1;
  /** The random stream of each directed link, by source then target, made at its first use. */
  private readonly links = new Map<string, Map<string, Random>>();

  constructor(
    private readonly kernel: Kernel,
    private readonly network: Network,
    private readonly random: Random,
    private readonly lookup: EndpointLookup<E>,
  ) {}

  /** The stream of the link from `source` to `target` (node ids), the same for every incarnation. */
  private link(source: string, target: string): Random {
    let targets = this.links.get(source);
    if (targets === undefined) {
      targets = new Map();
      this.links.set(source, targets);
    }
    let random = targets.get(target);
    if (random === undefined) {
      // JSON quoting keeps ids apart that would otherwise join into the same label.
      random = this.random.fork(`link ${JSON.stringify(source)} ${JSON.stringify(target)}`);
      targets.set(target, random);
    }
    return random;
  }

  send<V extends Envelope<E>>(envelope: V, sink: EnvelopeSink<E, V>): void {
    if (envelope.replyTo !== null) this.sendReply(envelope, envelope.replyTo, sink);
    else this.sendForward(envelope, sink);
  }

  serverLostAfterMs(caller: string, server: string): number {
    return this.link(caller, server).int(0, labrpc.deadServerPollMs);
  }

  /** A request or one-way message: addressed by node id. */
  private sendForward<V extends Envelope<E>>(envelope: V, sink: EnvelopeSink<E, V>): void {
    const id = this.nextEnvelope++;
    const target = this.lookup(envelope.target);
    if (target === undefined || target === null) {
      this.recordSend(envelope, id, undefined);
      this.lose(envelope, id, target === undefined ? 'unknown-node' : 'target-crashed', 'send', sink, 0);
      return;
    }
    const random = this.link(envelope.source.nodeId, envelope.target);
    const fate = this.network.requestFate(envelope.source.nodeId, envelope.target, random);
    if (!fate.delivered) {
      this.recordSend(envelope, id, undefined);
      this.lose(envelope, id, fate.reason, 'send', sink, fate.failAfterMs);
      return;
    }
    const sentAtMs = this.kernel.nowMs();
    this.recordSend(envelope, id, sentAtMs + fate.delayMs);
    this.kernel.at(sentAtMs + fate.delayMs, () => this.arrive(envelope, id, target, sentAtMs, sink));
    const duplicateDelayMs = this.network.duplicateDelayMs(envelope.source.nodeId, envelope.target, random);
    if (duplicateDelayMs === null) return;
    const copy = this.nextEnvelope++;
    const { source, method } = envelope;
    const deliverAtMs = sentAtMs + duplicateDelayMs;
    this.kernel.record({ type: 'net.duplicate', envelope: id, copy, source: source.nodeId, target: envelope.target, method, deliverAtMs });
    this.kernel.at(deliverAtMs, () => this.arrive(envelope, copy, target, sentAtMs, sink));
  }

  /** A reply: goes back to the calling incarnation, never duplicated. */
  private sendReply<V extends Envelope<E>>(envelope: V, caller: E, sink: EnvelopeSink<E, V>): void {
    const id = this.nextEnvelope++;
    const fate = this.network.replyFate(envelope.source.nodeId, caller.nodeId, this.link(envelope.source.nodeId, caller.nodeId));
    if (!fate.delivered) {
      this.recordSend(envelope, id, undefined);
      this.lose(envelope, id, fate.reason, 'send', sink, 0);
      return;
    }
    const sentAtMs = this.kernel.nowMs();
    this.recordSend(envelope, id, sentAtMs + fate.delayMs);
    this.kernel.at(sentAtMs + fate.delayMs, () => this.arrive(envelope, id, caller, sentAtMs, sink));
  }

  private arrive<V extends Envelope<E>>(envelope: V, copy: number, target: E, sentAtMs: number, sink: EnvelopeSink<E, V>): void {
    const problem = this.arrivalProblem(envelope.source, target);
    if (problem !== null) {
      this.lose(envelope, copy, problem, 'arrival', sink, 0);
      return;
    }
    const { kind, source, method, call } = envelope;
    const event: TraceEventInput =
      call === null
        ? { type: 'net.deliver', envelope: copy, kind, source: source.nodeId, target: target.nodeId, method, sentAtMs }
        : { type: 'net.deliver', envelope: copy, kind, source: source.nodeId, target: target.nodeId, method, call, sentAtMs };
    this.kernel.record(event);
    sink.arrived(envelope, copy, target);
  }

  /** Checks an arriving envelope; returns the drop reason, or null to deliver it. */
  private arrivalProblem(source: E, target: E): DropReason | null {
    if (!source.alive) return 'source-crashed';
    if (!target.alive) return 'target-crashed';
    if (!this.network.linkUp(source.nodeId, target.nodeId)) return 'partition';
    return null;
  }

  /**
   * Every drop: traced, then reported to the sender's layer. A request to a crashed peer learns of
   * it after labrpc's unreachable delay (drawn here, after the trace event, as labrpc would).
   */
  private lose<V extends Envelope<E>>(envelope: V, id: number, reason: DropReason, stage: LossStage, sink: EnvelopeSink<E, V>, failAfterMs: number): void {
    const { kind, source, method, call } = envelope;
    const target = envelope.replyTo?.nodeId ?? envelope.target;
    const event: TraceEventInput =
      call === null
        ? { type: 'net.drop', envelope: id, kind, source: source.nodeId, target, method, reason }
        : { type: 'net.drop', envelope: id, kind, source: source.nodeId, target, method, call, reason };
    this.kernel.record(event);
    if (kind !== 'request') failAfterMs = 0;
    else if (reason === 'target-crashed') failAfterMs = this.network.unreachableFailureMs(this.link(source.nodeId, target));
    else if (stage === 'arrival') failAfterMs = 0;
    sink.lost(envelope, reason, stage, failAfterMs);
  }

  private recordSend(envelope: Envelope<E>, id: number, deliverAtMs: number | undefined): void {
    const { kind, source, method, call, payload } = envelope;
    const target = envelope.replyTo?.nodeId ?? envelope.target;
    const bytes = payload.bytes;
    const sourceId = source.nodeId;
    let event: TraceEventInput;
    if (call === null) {
      event = deliverAtMs === undefined
        ? { type: 'net.send', envelope: id, kind, source: sourceId, target, method, bytes }
        : { type: 'net.send', envelope: id, kind, source: sourceId, target, method, bytes, deliverAtMs };
    } else {
      event = deliverAtMs === undefined
        ? { type: 'net.send', envelope: id, kind, source: sourceId, target, method, call, bytes }
        : { type: 'net.send', envelope: id, kind, source: sourceId, target, method, call, bytes, deliverAtMs };
    }
    this.kernel.record(event);
  }
}
