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
import { ClerkTester, runTester, TestFailure, type TestContext } from 'distlab/testing';
import { recordedGet, recordedPut, shown } from '../kvsrv/harness';
import { checkKvHistory, explainFailure, failureLines, kvOperations, type KvOperation } from '../kvsrv/history';
import { checkVersionedKey } from './versioned-check';
import { ServerGroup } from './group';
import type { ClerkClass, GetReply, KVClerk, KvraftImplementation, KVServerClass, KVServerNode, PutErr } from './types';

/** Go: ElectionTimeout in kvtest1 (the tester's notion of "one election"). */
export const electionTimeoutMs = 1000;
/** Go: linearizabilityCheckTimeout. distlab fails when the budget runs out (Go assumes OK). */
export const linearizabilityCheckMs = 1000;
const pollMs = 10;

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

  get(key: string): Promise<GetReply> {
    return recordedGet(this.tester, this.id, key, () => this.clerk().get(key));
  }

  put(key: string, value: string, version: number): Promise<PutErr> {
    return recordedPut(this.tester, this.id, { key, value, version }, () => this.clerk().put(key, value, version));
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

export class KvraftTester extends ClerkTester<KvraftImplementation, KvraftClient> {
  readonly group: ServerGroup;
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
