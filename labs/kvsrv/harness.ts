/**
 * The kvsrv tester (the Go lab's kvsrv1 test_test.go plus kvtest1's clerk wrapper, in virtual
 * time): it builds the server and the client nodes, records every Get, Put, Acquire and Release
 * a test makes as a client operation in the trace, and checks what came back.
 *
 * A test body runs as tester code inside the world (`world.sleep` moves virtual time), so the
 * Go tests' goroutines are concurrent async functions here. Every failure is a TestFailure: one
 * sentence naming the client, the operation and the virtual time.
 */
import type { NodeContext, World } from 'distlab';
import { formatSeconds } from 'distlab/check';
import { ClerkTester, messageOf, runTester, type FailureKind, type LabTest, type TestContext } from 'distlab/testing';
import type { GetReply, KVClerk, KVLock, KvsrvImplementation, PutErr } from './types';

/** The course's per-test limit (120 s), in virtual ms. */
export const kvTestVirtualMsMax = 120_000;
/** The server's node id. */
export const serverId = 'server';
/**
 * One-way latency of every message: 2-10 ms, drawn per message (a busy LAN's order of
 * magnitude). Some latency is needed so that concurrent clients interleave and time moves while
 * a client loops over Get and Put. It also sets how many operations a timed test makes: the Go
 * tests run in one process at tens of microseconds per RPC and make far more, which their
 * Porcupine (in Go) checks in its 10 s; at 2-10 ms, TestPutConcurrentReliable makes about 850,
 * which distlab's checker decides in 0.1-0.6 s (at 1-5 ms: 1,700 operations, up to 7 s).
 */
export const kvLatency = { msMin: 2, msMax: 10 } as const;
/** TestMemPutManyClientsReliable's latency: its 20,000 sequential Puts must fit in the 120 s limit. */
export const kvLatencyFast = { msMin: 0.1, msMax: 1 } as const;
/**
 * Events one test may run: about 5x what the reference needs in the busiest public test. A
 * clerk or lock that retries without pause at one virtual instant is stopped here, with a clear
 * verdict, within seconds of CPU.
 */
export const kvEventsMax = 2_000_000;

export type KvTest = LabTest<KvsrvImplementation>;

/** World options of a kvsrv test. */
export function kvWorld(options: {
  readonly unreliable: boolean;
  readonly duplicateProbability?: number;
  readonly longReordering?: boolean;
  readonly latency?: { readonly msMin: number; readonly msMax: number };
}): KvTest['world'] {
  return {
    network: {
      reliable: !options.unreliable,
      latency: options.latency ?? kvLatency,
      ...(options.duplicateProbability === undefined ? {} : { duplicateProbability: options.duplicateProbability }),
      ...(options.longReordering === undefined ? {} : { longReordering: options.longReordering }),
    },
    eventsMax: kvEventsMax,
  };
}

/** What the tester keeps for one client node. */
interface ClientNode {
  readonly clerk: KVClerk;
  readonly ctx: NodeContext;
}

/** A Get or Put input as it goes into the history (the kv-versioned model's input). */
export type KvInput =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put'; readonly key: string; readonly value: string; readonly version: number };
/** An Acquire or Release as it goes into the trace (read by the lock invariant). */
export type LockInput = { readonly kind: 'acquire' | 'release'; readonly lock: string };

const putErrs: readonly string[] = ['OK', 'ErrNoKey', 'ErrVersion', 'ErrMaybe'];

export { messageOf };

/** Shows a value short in failure messages. */
export function shown(value: string): string {
  return value.length > 24 ? `${JSON.stringify(value.slice(0, 16))}…(${value.length} chars)` : JSON.stringify(value);
}

/** Virtual ms as "1.234s" (distlab's formatSeconds, to the millisecond). */
export function seconds(ms: number): string {
  return formatSeconds(ms, 3);
}

/** What recording a clerk's calls needs of a tester (kvsrv's, and the labs that reuse lab 2's Clerk contract). */
export interface ClerkRecorder {
  readonly world: World;
  guard<T>(client: string, what: string, body: () => Promise<T>): Promise<T>;
  fail(kind: FailureKind, message: string): never;
  /** Counts one client operation at this virtual instant (ClerkTester's bound), when the tester has one. */
  countInstant?(what: string): void;
}

/** A Clerk's Get, recorded as a client operation (the kv-versioned model's input and output) and checked for shape. */
export async function recordedGet(tester: ClerkRecorder, client: string, key: string, get: () => Promise<GetReply>): Promise<GetReply> {
  tester.countInstant?.(`Clerk.get on client ${client}`);
  const operation = tester.world.invoke(client, { kind: 'get', key } satisfies KvInput);
  const reply = await tester.guard(client, `Clerk.get(${shown(key)})`, get);
  if (reply === null || typeof reply !== 'object' || typeof reply.value !== 'string' || !Number.isInteger(reply.version) || (reply.err !== 'OK' && reply.err !== 'ErrNoKey')) {
    tester.fail('crash', `Clerk.get(${shown(key)}) on client ${client} returned ${JSON.stringify(reply)}; it must return { value: string, version: number, err: 'OK' | 'ErrNoKey' }`);
  }
  operation.complete({ value: reply.value, version: reply.version, err: reply.err });
  return reply;
}

/** A Clerk's Put, recorded as a client operation and checked to return one of lab 2's answers. */
export async function recordedPut(tester: ClerkRecorder, client: string, args: { readonly key: string; readonly value: string; readonly version: number }, put: () => Promise<string>): Promise<PutErr> {
  const { key, value, version } = args;
  tester.countInstant?.(`Clerk.put on client ${client}`);
  const operation = tester.world.invoke(client, { kind: 'put', key, value, version } satisfies KvInput);
  const err = await tester.guard(client, `Clerk.put(${shown(key)}, ${shown(value)}, ${version})`, put);
  if (!putErrs.includes(err)) {
    tester.fail('crash', `Clerk.put(${shown(key)}, …, ${version}) on client ${client} returned ${JSON.stringify(err)}; it must return 'OK', 'ErrNoKey', 'ErrVersion' or 'ErrMaybe'`);
  }
  operation.complete(err);
  return err as PutErr;
}

/**
 * The tester's handle on one client node: Get and Put through the student's Clerk, recorded
 * in the trace and checked for shape; `lock(name)` builds the student's Lock on this client.
 */
export class KvClient {
  constructor(
    private readonly tester: KvTester,
    readonly id: string,
  ) {}

  private node(): ClientNode {
    const node = this.tester.world.node<ClientNode>(this.id);
    if (node === null) return this.tester.fail('crash', `client ${this.id} is down; the tester cannot use its clerk`);
    return node;
  }

  get(key: string): Promise<GetReply> {
    return recordedGet(this.tester, this.id, key, () => this.node().clerk.get(key));
  }

  put(key: string, value: string, version: number): Promise<PutErr> {
    return recordedPut(this.tester, this.id, { key, value, version }, () => this.node().clerk.put(key, value, version));
  }

  /** The student's Lock on lock key `name`, built on this client's clerk; acquire/release are recorded. */
  lock(name: string): TestedLock {
    const node = this.node();
    const lock = this.tester.guardSync(this.id, `new Lock(ctx, { clerk, name: ${shown(name)} })`, () => new this.tester.impl.Lock(node.ctx, { clerk: node.clerk, name }));
    return new TestedLock(this.tester, this.id, name, lock);
  }
}

/** A student Lock as the tester drives it: each acquire and release is a client operation in the trace. */
export class TestedLock {
  constructor(
    private readonly tester: KvTester,
    readonly client: string,
    readonly name: string,
    private readonly lock: KVLock,
  ) {}

  async acquire(): Promise<void> {
    await this.run('acquire', () => this.lock.acquire());
  }

  async release(): Promise<void> {
    await this.run('release', () => this.lock.release());
  }

  private async run(kind: 'acquire' | 'release', body: () => Promise<void>): Promise<void> {
    const operation = this.tester.world.invoke(this.client, { kind, lock: this.name } satisfies LockInput);
    await this.tester.guard(this.client, `Lock.${kind}() of lock ${shown(this.name)}`, body);
    operation.complete('OK');
  }
}

/** The kvsrv tester: distlab's `ClerkTester` (time, first failure, guarded calls, clients racing) plus the server, clerks and locks. */
export class KvTester extends ClerkTester<KvsrvImplementation, KvClient> {
  readonly impl: KvsrvImplementation;
  /** The server's current context: where a walk of the server's own state stops (heap.ts). */
  serverContext: NodeContext | null = null;

  constructor(t: TestContext<KvsrvImplementation>) {
    super(t);
    this.impl = t.impl;
    this.world.addNode(serverId, (ctx) => {
      this.serverContext = ctx;
      return new this.impl.KVServer(ctx);
    });
  }

  /** Adds a client node with a fresh Clerk (Go: MakeClerk) and returns the tester's handle. */
  makeClient(): KvClient {
    const id = `c${this.clients.length}`;
    this.world.addNode(id, (ctx): ClientNode => ({ clerk: new this.impl.Clerk(ctx, { server: serverId }), ctx }));
    const client = new KvClient(this, id);
    this.clients.push(client);
    return client;
  }
}

/**
 * Runs a kvsrv test body inside the world (distlab's `runTester`): builds the tester, runs
 * `body` as tester code in virtual time, and ends at the first failure (from the body or a
 * concurrent client task) or when the body returns.
 */
export async function runKvTest(t: TestContext<KvsrvImplementation>, body: (h: KvTester) => Promise<void>): Promise<KvTester> {
  return runTester(t, new KvTester(t), body);
}
