/**
 * The client side of a key/value lab's tester (kvsrv, kvraft; shardkv's calls have the same
 * shape): every call into student code is guarded (a throw fails the test, naming the call and
 * the node), the calls still waiting are listed when a test runs out of time, Go's
 * SpawnClientsAndWait, and a bound on client operations at one virtual instant (a Clerk that
 * answers without sending anything would otherwise loop at one instant forever).
 *
 * A lab's tester extends `ClerkTester` with its clients (`makeClient`) and its checks.
 *
 * @example
 *   class KvTester extends ClerkTester<KvsrvImplementation, KvClient> {
 *     makeClient(): KvClient { ... }
 *   }
 *   const results = await h.spawnClientsAndWait(10, 1000, (me, client, done) => racePuts(client, done));
 */
import { formatSeconds } from '../check/format';
import { TestFailure } from './lab';
import { messageOf, Tester } from './tester';

/** A call into student code that has not returned yet. */
export interface PendingCall {
  readonly node: string;
  readonly what: string;
  readonly sinceMs: number;
}

/** After the clients' time is up, each must finish its current round within this long (virtual ms). */
export const clientFinishMsMax = 30_000;
/** How often the tester looks whether the clients have finished (virtual ms). */
const clientPollMs = 10;
/** Client operations at one virtual instant after which the test stops. */
export const operationsPerInstantMax = 10_000;
/** Waiting calls named in a liveness failure; the rest are counted. */
const waitingShownMax = 3;

export abstract class ClerkTester<I, C extends { readonly id: string }> extends Tester<I> {
  readonly clients: C[] = [];
  private readonly pending = new Map<number, PendingCall>();
  private calls = 0;
  private instant = { atMs: -1, operations: 0 };

  /** A new client node with its Clerk, added to `clients` (Go: MakeClerk). */
  abstract makeClient(): C;

  /** Awaits a call into student code on `node`; a throw becomes a failure naming the call and the node. */
  async guard<T>(node: string, what: string, body: () => Promise<T>): Promise<T> {
    const slot = this.calls++;
    this.pending.set(slot, { node, what, sinceMs: this.now() });
    try {
      return await body();
    } catch (error) {
      if (error instanceof TestFailure) throw error;
      this.fail('crash', `${what} on ${this.describeNode(node)} threw ${messageOf(error)}`);
    } finally {
      this.pending.delete(slot);
    }
  }

  /**
   * Runs student code that returns at once (a constructor); a throw fails the test naming it. The
   * failure is recorded as well: a throw inside a node factory reaches the world, not the body.
   */
  guardSync<T>(node: string, what: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof TestFailure) throw error;
      const failure = this.failureAt('crash', `${what} on ${this.describeNode(node)} threw ${messageOf(error)}`);
      this.record(failure);
      throw failure;
    }
  }

  /** Whether a call into student code on this node (or client) has not returned. */
  isWaiting(node: string | { readonly id: string }): boolean {
    const id = typeof node === 'string' ? node : node.id;
    return [...this.pending.values()].some((call) => call.node === id);
  }

  /**
   * The calls still waiting, as a clause for liveness failures ("" when none). A call on a node
   * the test crashed or disconnected on purpose waits forever; it is not the news.
   */
  override waitingDetail(): string {
    const live = [...this.pending.values()].filter((call) => this.world.isUp(call.node) && this.world.network.isConnected(call.node));
    const waiting = live.map((call) => `${call.what} on ${this.describeNode(call.node)} has not returned since ${formatSeconds(call.sinceMs, 3)}`);
    if (waiting.length === 0) return '';
    const more = waiting.length > waitingShownMax ? ` (and ${waiting.length - waitingShownMax} more)` : '';
    return `: ${waiting.slice(0, waitingShownMax).join('; ')}${more}`;
  }

  /**
   * Counts one client operation; fails when more than `operationsPerInstantMax` happen without
   * virtual time moving (a Clerk must reach a server, which takes time).
   */
  countInstant(what: string): void {
    if (this.instant.atMs !== this.now()) this.instant = { atMs: this.now(), operations: 0 };
    if (++this.instant.operations > operationsPerInstantMax) {
      this.fail('crash', `${operationsPerInstantMax} client operations returned at one virtual instant (the last: ${what}); a Clerk must reach a server, which takes time: is it written?`);
    }
  }

  /** "client c0" for a node of `clients`, else the node id (a controller, a server). */
  private describeNode(node: string): string {
    return this.clients.some((client) => client.id === node) ? `client ${node}` : node;
  }

  /**
   * Go's SpawnClientsAndWait: `count` new clients run `body` concurrently for `durationMs`
   * (`done()` turns true then); each must finish its current round within `clientFinishMsMax`
   * after. Resolves to the bodies' results in client order.
   */
  async spawnClientsAndWait<R>(count: number, durationMs: number, body: (me: number, client: C, done: () => boolean) => Promise<R>): Promise<R[]> {
    const clients = Array.from({ length: count }, () => this.makeClient());
    const results: Array<R | undefined> = new Array(count);
    let running = count;
    let stop = false;
    clients.forEach((client, me) => {
      void this.go(async () => {
        results[me] = await body(me, client, () => stop);
      }).finally(() => running--);
    });
    await this.sleep(durationMs);
    stop = true;
    const deadline = this.now() + clientFinishMsMax;
    while (running > 0 && this.failure === null && this.now() < deadline) await this.sleep(clientPollMs);
    if (this.failure !== null) throw this.failure;
    if (running > 0) this.fail('liveness', `${running} of ${count} clients did not finish within ${clientFinishMsMax / 1000} s after the clients' ${durationMs / 1000} s${this.waitingDetail()}`);
    return results as R[];
  }
}

