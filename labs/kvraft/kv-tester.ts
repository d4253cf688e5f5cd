/**
 * The 4B/4C tester (the Go lab's kvraft1 test.go and kvtest1, in virtual time): a group of
 * KVServers on the student's RSM and Raft, client nodes with the student's Clerk, and the
 * course's GenericTest loop (clients for 1 s, optional partitioner, heal, optional crash of every
 * server, size checks, linearizability of the whole history).
 *
 * Every Get and Put a test makes is a client operation in the trace (`world.invoke`), checked
 * with lab 2's kv-versioned model by the project's checker (labs/kvsrv/history.ts); a failure
 * names the operation that cannot be placed and the key's value and version at that point, and
 * the plots include the history picture.
 */
import type { NodeContext } from 'distlab';
import { formatSeconds } from 'distlab/check';
import { messageOf, runTester, Tester, TestFailure, type TestContext } from 'distlab/testing';
import { checkKvHistory, explainFailure, failureLines, kvOperations, type KvOperation } from '../kvsrv/history';
import { checkVersionedKey } from './versioned-check';
import { ServerGroup } from './group';
import type { ClerkClass, GetReply, KVClerk, KvraftImplementation, KVServerClass, KVServerNode, PutErr } from './types';

/** Go: ElectionTimeout in kvtest1 (the tester's notion of "one election"). */
export const electionTimeoutMs = 1000;
/** Go: linearizabilityCheckTimeout. distlab fails when the budget runs out (Go assumes OK). */
export const linearizabilityCheckMs = 1000;
/** After a client phase ends, each client must finish its current operation within this long. */
const clientFinishMsMax = 30_000;
const pollMs = 10;
/** Client operations at one virtual instant after which the tester stops (a Clerk that sends nothing). */
const operationsPerInstantMax = 10_000;

export interface KvTestOptions {
  readonly servers: number;
  readonly unreliable: boolean;
  /** Snapshot once the persisted Raft state reaches this many bytes; -1 never (Go: maxraftstate). */
  readonly maxRaftState: number;
}

/** What the tester keeps for one client node. */
interface ClientNode {
  readonly clerk: KVClerk;
  readonly ctx: NodeContext;
}

const putErrs: readonly string[] = ['OK', 'ErrNoKey', 'ErrVersion', 'ErrMaybe'];

function shown(value: string): string {
  return value.length > 24 ? `${JSON.stringify(value.slice(0, 16))}…(${value.length} chars)` : JSON.stringify(value);
}

/** The tester's handle on one client node: Get and Put through the student's Clerk, recorded and shape-checked. */
export class KvraftClient {
  constructor(
    private readonly tester: KvraftTester,
    readonly id: string,
  ) {}

  private clerk(): KVClerk {
    const node = this.tester.world.node<ClientNode>(this.id);
    if (node === null) return this.tester.fail('crash', `client ${this.id} is down; the tester cannot use its clerk`);
    return node.clerk;
  }

  async get(key: string): Promise<GetReply> {
    this.tester.countInstant(`Clerk.get on client ${this.id}`);
    const operation = this.tester.world.invoke(this.id, { kind: 'get', key });
    const reply = await this.tester.guard(this.id, `Clerk.get(${shown(key)})`, () => this.clerk().get(key));
    if (reply === null || typeof reply !== 'object' || typeof reply.value !== 'string' || !Number.isInteger(reply.version) || (reply.err !== 'OK' && reply.err !== 'ErrNoKey')) {
      this.tester.fail('crash', `Clerk.get(${shown(key)}) on client ${this.id} returned ${JSON.stringify(reply)}; it must return { value: string, version: number, err: 'OK' | 'ErrNoKey' }`);
    }
    operation.complete({ value: reply.value, version: reply.version, err: reply.err });
    return reply;
  }

  async put(key: string, value: string, version: number): Promise<PutErr> {
    this.tester.countInstant(`Clerk.put on client ${this.id}`);
    const operation = this.tester.world.invoke(this.id, { kind: 'put', key, value, version });
    const err = await this.tester.guard(this.id, `Clerk.put(${shown(key)}, ${shown(value)}, ${version})`, () => this.clerk().put(key, value, version));
    if (!putErrs.includes(err)) {
      this.tester.fail('crash', `Clerk.put(${shown(key)}, …, ${version}) on client ${this.id} returned ${JSON.stringify(err)}; it must return 'OK', 'ErrNoKey', 'ErrVersion' or 'ErrMaybe'`);
    }
    operation.complete(err);
    return err;
  }

  /** Go's PutAtLeastOnce: Put at `version`, bumping it after each ErrVersion or ErrMaybe, until OK. Returns the version it put at. */
  async putAtLeastOnce(key: string, value: string, version: number): Promise<number> {
    for (let at = version; ; at++) {
      const err = await this.put(key, value, at);
      if (err === 'OK') return at;
      if (err === 'ErrNoKey') this.tester.fail('safety', `Put(${shown(key)}, …, ${at}) returned ErrNoKey, but the key exists (the tester created it)`);
    }
  }

  /** Go's CheckGet: Get(key) must return `value` at `version`. */
  async checkGet(key: string, value: string, version: number): Promise<void> {
    const got = await this.get(key);
    if (got.err !== 'OK' || got.value !== value || got.version !== version) {
      this.tester.fail('safety', `Get(${shown(key)}) on client ${this.id} returned ${got.err} ${shown(got.value)} at version ${got.version}; expected ${shown(value)} at version ${version}`);
    }
  }
}

export class KvraftTester extends Tester<KvraftImplementation> {
  readonly group: ServerGroup;
  readonly clients: KvraftClient[] = [];
  /** Calls into student code that have not returned yet, by client: what and since when. */
  private readonly pending = new Map<string, { readonly what: string; readonly sinceMs: number }>();
  private readonly KVServer: KVServerClass;
  private readonly Clerk: ClerkClass;

  constructor(
    t: TestContext<KvraftImplementation>,
    readonly options: KvTestOptions,
  ) {
    super(t);
    const { KVServer, Clerk } = t.impl;
    if (KVServer === undefined || Clerk === undefined) {
      const missing = [KVServer === undefined ? 'KVServer' : '', Clerk === undefined ? 'Clerk' : ''].filter((name) => name !== '').join(' and ');
      throw new TestFailure('crash', `parts 4B and 4C need ${missing}: the implementation exports only Raft and RSM (define the classes, or pass them to runPart)`, 0);
    }
    this.KVServer = KVServer;
    this.Clerk = Clerk;
    this.group = new ServerGroup(this.world, options.servers, (node) => (node as KVServerNode).rsm().raft());
    this.group.ids.forEach((id, me) => this.world.addNode(id, (ctx) => this.buildServer(ctx, me)));
  }

  private buildServer(ctx: NodeContext, me: number): KVServerNode {
    const server = new this.KVServer(ctx, { peers: [...this.group.ids], me, maxRaftState: this.options.maxRaftState, Raft: this.t.impl.Raft });
    if (server === null || typeof server !== 'object' || typeof (server as Partial<KVServerNode>).rsm !== 'function') {
      throw new Error(`new KVServer(ctx, { peers, me: ${me}, ... }) built an object without rsm()`);
    }
    return server;
  }

  /**
   * A new client node with a fresh Clerk that knows every server (Go: MakeClerk). With `only`,
   * the client can reach only those servers until `connectClient` (Go: MakeClerkTo).
   */
  makeClient(only: readonly number[] | null = null): KvraftClient {
    const id = `c${this.clients.length}`;
    const servers = [...this.group.ids];
    this.world.addNode(id, (ctx): ClientNode => ({ clerk: new this.Clerk(ctx, { servers }), ctx }));
    if (only !== null) this.group.ids.forEach((server, i) => (only.includes(i) ? undefined : this.cutClient(id, server)));
    const client = new KvraftClient(this, id);
    this.clients.push(client);
    return client;
  }

  private cutClient(client: string, server: string): void {
    this.world.network.cut(client, server);
    this.world.network.cut(server, client);
  }

  /** Lets a client made with `only` reach every server again (Go: Clnt.ConnectAll). */
  connectClient(client: KvraftClient): void {
    for (const server of this.group.ids) {
      this.world.network.uncut(client.id, server);
      this.world.network.uncut(server, client.id);
    }
  }

  /** Awaits a call into student code; a throw becomes a failure naming the client and the call. */
  async guard<T>(client: string, what: string, body: () => Promise<T>): Promise<T> {
    this.pending.set(client, { what, sinceMs: this.now() });
    try {
      return await body();
    } catch (error) {
      if (error instanceof TestFailure) throw error;
      this.fail('crash', `${what} on client ${client} threw ${messageOf(error)}`);
    } finally {
      this.pending.delete(client);
    }
  }

  private instant = { atMs: -1, operations: 0 };

  /**
   * Fails when clients make more than `operationsPerInstantMax` operations without virtual time
   * moving: a Clerk that answers without sending anything would loop forever at one instant.
   */
  countInstant(what: string): void {
    if (this.instant.atMs !== this.now()) this.instant = { atMs: this.now(), operations: 0 };
    if (++this.instant.operations > operationsPerInstantMax) {
      this.fail('crash', `${operationsPerInstantMax} client operations returned at one virtual instant (the last: ${what}); a Clerk must reach a server, which takes time: is it written?`);
    }
  }

  /** Whether the client has a call into student code that has not returned. */
  isWaiting(client: KvraftClient): boolean {
    return this.pending.has(client.id);
  }

  override waitingDetail(): string {
    const waiting = [...this.pending].map(([client, call]) => `${call.what} on client ${client} has not returned since ${formatSeconds(call.sinceMs, 3)}`);
    if (waiting.length === 0) return '';
    return `: ${waiting.slice(0, 3).join('; ')}${waiting.length > 3 ? ` (and ${waiting.length - 3} more)` : ''}`;
  }

  /**
   * Go's SpawnClientsAndWait: `count` new clients run `body` concurrently for `durationMs`
   * (`done()` turns true then); each must finish within 30 s after. Returns the results in order.
   */
  async spawnClientsAndWait<R>(count: number, durationMs: number, body: (me: number, client: KvraftClient, done: () => boolean) => Promise<R>): Promise<R[]> {
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
    while (running > 0 && this.failure === null && this.now() < deadline) await this.sleep(pollMs);
    if (this.failure !== null) throw this.failure;
    if (running > 0) this.fail('liveness', `${running} of ${count} clients did not finish within ${clientFinishMsMax / 1000} s after the clients' ${durationMs / 1000} s${this.waitingDetail()}`);
    return results as R[];
  }

  /**
   * Go's Partitioner: until `stopped()`, splits the servers at random into two sides (each
   * server on either side), every 1-1.2 s. Clients keep their links to every server.
   */
  async partitioner(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const sides: number[][] = [[], []];
      for (let i = 0; i < this.group.n; i++) sides[this.randomInt(2)].push(i);
      this.group.partition(sides);
      const until = this.now() + electionTimeoutMs + this.randomInt(200);
      while (!stopped() && this.now() < until) await this.sleep(pollMs);
    }
  }

  /** Crashes every server, waits one election timeout, restarts them all (Go's crash step). */
  async crashAndRestartAll(): Promise<void> {
    this.group.shutdown();
    await this.sleep(electionTimeoutMs);
    this.group.startServers();
    for (let i = 0; i < this.group.n; i++) this.group.connect(i);
  }

  /** The persisted Raft state must stay within 8 x maxRaftState (Go: "logs were not trimmed"). */
  checkLogSize(): void {
    const { maxRaftState } = this.options;
    const size = this.group.logSize();
    if (maxRaftState > 0 && size > 8 * maxRaftState) {
      this.fail('safety', `logs were not trimmed: a server persists ${size} bytes of Raft state, more than 8 x maxRaftState (${8 * maxRaftState}); the RSM must snapshot once ctx.persister.stateSize() reaches maxRaftState`);
    }
    const snapshot = this.group.snapshotSize();
    if (maxRaftState < 0 && snapshot > 0) this.fail('safety', `a server persisted a ${snapshot}-byte snapshot although maxRaftState is -1 (snapshots must not be used then)`);
  }

  /**
   * The Gets and Puts so far must be linearizable under lab 2's model (Go: CheckPorcupineT).
   * First the complete versioned check, key by key (polynomial: versions order the writes;
   * versioned-check.ts), which decides histories of many clients racing on one key where the
   * general search gives up. When it finds no order, the general search (with `timeoutMs`)
   * explains: the operation that cannot be placed, the key's state before it, the operations
   * before it in the test log, and the history picture in the plots.
   */
  checkLinearizable(timeoutMs = linearizabilityCheckMs, options: { readonly errVersionUncertain?: boolean } = {}): void {
    // On a network that duplicates requests, a duplicate may apply before the original, whose
    // first send then gets ErrVersion: checked as ErrMaybe (as lab 2's hidden test does).
    const uncertain = options.errVersionUncertain === true;
    const operations = kvOperations(this.world.trace.events).operations.map((operation) => (uncertain && operation.output === 'ErrVersion' ? { ...operation, output: 'ErrMaybe' as const } : operation));
    const keys = new Map<string, KvOperation[]>();
    for (const operation of operations) keys.set(operation.input.key, [...(keys.get(operation.input.key) ?? []), operation]);
    const verdicts = [...keys].map(([key, ofKey]) => ({ key, verdict: checkVersionedKey(ofKey) }));
    if (verdicts.every(({ verdict }) => verdict === null)) {
      this.t.log(`linearizable: ${operations.length} operations on ${keys.size} keys`);
      return;
    }
    const { result } = checkKvHistory(this.world.trace.events, timeoutMs, options);
    if (result.verdict === 'illegal' && result.failure !== undefined) {
      failureLines(result.failure).forEach((line) => this.t.log(line));
      this.fail('safety', explainFailure(result.failure));
    }
    if (result.verdict === 'ok') return; // the search found an order: a witness beats any verdict
    const failed = verdicts.find(({ verdict }) => verdict !== null && verdict !== 'undecided');
    if (failed !== undefined) this.fail('safety', `history is not linearizable: key ${JSON.stringify(failed.key)}: ${failed.verdict}`);
    this.fail('liveness', `the linearizability check of ${operations.length} operations could not decide within ${timeoutMs / 1000} s (${result.reason ?? 'budget exhausted'}), and too many Puts returned ErrMaybe to try each as a writer`);
  }
}

/** Runs a 4B/4C test body in virtual time (distlab's `runTester`); the pass line counts the operations. */
export async function runKvraftTest(t: TestContext<KvraftImplementation>, options: KvTestOptions, body: (h: KvraftTester) => Promise<void>): Promise<void> {
  const h = await runTester(t, new KvraftTester(t, options), body);
  t.log(`Passed -- ${formatSeconds(h.now(), 3)} virtual, ${options.servers} servers, ${h.clients.length} clients, ${h.world.stats.rpcsTotal} RPCs`);
}
