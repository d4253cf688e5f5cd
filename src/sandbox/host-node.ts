/**
 * What the host keeps for one node of the guest: its real context, the timers and calls it
 * holds on the node's behalf, the requests awaiting an answer, and the streams the tester
 * subscribed to.
 */
import { Observable, Subject, type Subscription } from 'rxjs';
import type { IncomingRequest, NodeContext } from '../runtime/node';
import type { Handle, WireError } from './wire';

/** A request the guest has not answered yet. */
export interface PendingReply {
  done: boolean;
  sync: boolean;
  value: unknown;
  error: Error | null;
  resolve: ((value: unknown) => void) | null;
  reject: ((error: Error) => void) | null;
}

/** Values emitted before the tester subscribes (during construction) are kept for it, up to a bound. */
const earlyValuesMax = 10_000;

/** A stream the tester subscribes to, fed by the guest's `emit` effects. */
export class HostStream {
  private readonly subject = new Subject<unknown>();
  private early: unknown[] | null = [];
  readonly observable = new Observable<unknown>((subscriber) => {
    const subscription = this.subject.subscribe(subscriber);
    const early = this.early;
    this.early = null;
    for (const value of early ?? []) subscriber.next(value);
    return subscription;
  });

  next(value: unknown): void {
    if (this.early === null) this.subject.next(value);
    else if (this.early.length < earlyValuesMax) this.early.push(value);
  }

  error(error: Error): void {
    this.subject.error(error);
  }
}

export class HostNode {
  alive = true;
  readonly served = new Set<string>();
  readonly timers = new Map<number, Subscription>();
  readonly calls = new Map<number, Subscription>();
  readonly pending = new Map<number, PendingReply>();
  readonly streams = new Map<string, HostStream>();
  /** The request being delivered (seen on requests$ just before its handler runs). */
  lastRequest: IncomingRequest | null = null;
  nextRequest = 1;

  constructor(
    readonly handle: Handle,
    readonly cls: string,
    readonly ctx: NodeContext,
  ) {}
}

/** An error of node code, rebuilt on the host with the same name and message. */
export function rebuildError(error: WireError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
