/**
 * The shardkv tester (the Go lab's shardkv1/test.go, in virtual time): the lab-2 server that
 * stores configurations, shard groups of three servers each, controllers and clerks on their
 * own client nodes. Every Get and Put a clerk makes is a client operation in the trace (the same
 * input and output as lab 2's, so lab 2's linearizability check reads it); the tester's own
 * configuration changes go through the student's joinBalance / leaveBalance and are checked
 * (balanced, fewest moves) before they are handed to a controller.
 */
import type { NodeContext } from 'distlab';
import { recordedGet, recordedPut, seconds, shown } from '../kvsrv/harness';
import type { GetReply as KvGetReply } from '../kvsrv/types';
import { messageOf, runTester, Tester, TestFailure, type LabTest, type TestContext } from 'distlab/testing';
import { checkConfig, configGids, configShapeError, describeConfig, fewestMoves, movedShards } from './config-check';
import { oneGroupPerShard } from './ownership';
import { probedContext, recordNote } from './probe';
import { firstGid, type Err, type GetReply, type ShardClerkApi, type ShardConfig, type ShardCtrlerApi, type ShardkvImplementation, type ShardServerNode } from './types';

/** The course's per-test limit (120 s), in virtual ms. */
export const shardkvTestVirtualMsMax = 120_000;
/** Servers per shard group (Go: NSRV). */
export const groupServers = 3;
/** Keys the tests use (Go: NKEYS), "0" .. "59". */
export const keyCount = 60;
/** Pause between two group changes (Go: INTERGRPDELAY). */
export const interGroupDelayMs = 200;
/** The node of the lab-2 server that stores configurations. */
export const ctrlKvServer = 'ctrl-kv';
/** One-way latency of every message, drawn per message (lab 4's). */
export const shardkvLatency = { msMin: 1, msMax: 5 } as const;
/** Events one test may run (a storm at one virtual instant ends here with a clear verdict). */
export const shardkvEventsMax = 5_000_000;

export type ShardkvTest = LabTest<ShardkvImplementation>;

/** World options of a shardkv test. */
export function shardkvWorld(options: { readonly unreliable: boolean }): ShardkvTest['world'] {
  return { network: { reliable: !options.unreliable, latency: shardkvLatency }, eventsMax: shardkvEventsMax, traceEventsKeptMax: 400_000, traceTimers: false };
}

export { seconds, shown };

/** A clerk on its own client node, with its own controller for queries (Go: ts.MakeClerk). */
export class ShardClient {
  constructor(
    private readonly tester: ShardkvTester,
    readonly id: string,
  ) {}

  private clerk(): ShardClerkApi {
    const node = this.tester.world.node<{ clerk: ShardClerkApi }>(this.id);
    if (node === null) return this.tester.fail('crash', `client ${this.id} is down; the tester cannot use its clerk`);
    return node.clerk;
  }

  get(key: string): Promise<GetReply> {
    // The reply's err is checked at run time to be OK or ErrNoKey (lab 2's Get).
    return recordedGet(this.tester, this.id, key, () => this.clerk().get(key) as Promise<KvGetReply>) as Promise<GetReply>;
  }

  put(key: string, value: string, version: number): Promise<Err> {
    return recordedPut(this.tester, this.id, { key, value, version }, () => this.clerk().put(key, value, version));
  }
}

/** A controller on its own node, every call guarded (a throw fails the test naming the call). */
export class TestedCtrler {
  constructor(
    private readonly tester: ShardkvTester,
    readonly id: string,
  ) {}

  private ctrler(): ShardCtrlerApi {
    const node = this.tester.world.node<{ ctrler: ShardCtrlerApi }>(this.id);
    if (node === null) return this.tester.fail('crash', `controller ${this.id} is down; the tester cannot use it`);
    return node.ctrler;
  }

  initConfig(config: ShardConfig): Promise<void> {
    return this.tester.guard(this.id, `ShardCtrler.initConfig(${describeConfig(config)})`, () => this.ctrler().initConfig(config));
  }

  initController(): Promise<void> {
    return this.tester.guard(this.id, 'ShardCtrler.initController()', () => this.ctrler().initController());
  }

  changeConfigTo(config: ShardConfig): Promise<void> {
    return this.tester.guard(this.id, `ShardCtrler.changeConfigTo(${describeConfig(config)})`, () => this.ctrler().changeConfigTo(config));
  }

  async query(): Promise<ShardConfig> {
    const config = await this.tester.guard(this.id, 'ShardCtrler.query()', () => this.ctrler().query());
    const shape = configShapeError(config);
    if (shape !== null) this.tester.fail('crash', `ShardCtrler.query() on ${this.id} returned a malformed configuration: ${shape}`);
    return config;
  }
}

/** The shardkv tester: distlab's `Tester` plus groups, controllers and clerks. */
export class ShardkvTester extends Tester<ShardkvImplementation> {
  readonly impl: ShardkvImplementation;
  /** Groups started so far (gid -> server node ids). */
  readonly groups = new Map<number, readonly string[]>();
  /** Calls into student code that have not returned yet: what and since when. */
  readonly pending = new Map<number, { readonly node: string; readonly what: string; readonly sinceMs: number }>();
  private calls = 0;
  private clients = 0;
  private ctrlers = 0;
  private readonly ownership = this.watch([oneGroupPerShard]);

  constructor(
    t: TestContext<ShardkvImplementation>,
    readonly maxRaftState: number,
  ) {
    super(t);
    this.impl = t.impl;
    const KVServer = this.impl.KVServer;
    this.world.addNode(ctrlKvServer, (ctx) => new KVServer(ctx));
    this.world.trace.events$.subscribe((event) => this.ownership.observe(event));
  }

  /** Server node ids of group `gid`: `g<gid>-0` .. `g<gid>-2`. */
  serversOf(gid: number): string[] {
    return Array.from({ length: groupServers }, (_, i) => `g${gid}-${i}`);
  }

  /** Starts (or restarts) every server of group `gid` (Go: StartServers). */
  startGroup(gid: number): readonly string[] {
    const servers = this.groups.get(gid);
    if (servers !== undefined) {
      for (const id of servers) if (!this.world.isUp(id)) this.world.restart(id);
      return servers;
    }
    const ids = this.serversOf(gid);
    const { ShardServer, RSM, Raft } = this.impl;
    ids.forEach((id, me) => {
      this.world.addNode(id, (ctx) => this.guardSync(id, `new ShardServer(ctx, { gid: ${gid}, me: ${me}, ... })`, () => new ShardServer(probedContext(ctx, gid, this.world), { gid, servers: ids, me, maxRaftState: this.maxRaftState, RSM, Raft })));
    });
    this.groups.set(gid, ids);
    return ids;
  }

  /** Crashes every server of group `gid` (Go: Shutdown); they keep what they persisted. */
  shutdownGroup(gid: number): void {
    for (const id of this.groups.get(gid) ?? []) if (this.world.isUp(id)) this.world.crash(id);
    this.world.note(`group ${gid} shut down`);
  }

  /** The group's servers' Raft leader, or null. */
  leaderOf(gid: number): string | null {
    for (const id of this.groups.get(gid) ?? []) {
      const server = this.world.node<ShardServerNode>(id);
      if (server !== null && server.rsm().raft().getState().isLeader) return id;
    }
    return null;
  }

  /** Persisted bytes (Raft state plus snapshot) of a group's servers, summed. */
  persistedBytes(gid: number): { state: number; snapshot: number } {
    let [state, snapshot] = [0, 0];
    for (const id of this.groups.get(gid) ?? []) {
      state += this.world.persister(id).stateSize();
      snapshot += this.world.persister(id).snapshotSize();
    }
    return { state, snapshot };
  }

  /** A controller on a node of its own (Go: ShardCtrler()). */
  makeCtrler(): TestedCtrler {
    const id = `ctl${this.ctrlers++}`;
    const { ShardCtrler, KVClerk } = this.impl;
    this.world.addNode(id, (ctx) => ({ ctrler: this.guardSync(id, 'new ShardCtrler(ctx, { kvServer, KVClerk })', () => new ShardCtrler(ctx, { kvServer: ctrlKvServer, KVClerk })) }));
    return new TestedCtrler(this, id);
  }

  /** A clerk on a node of its own, with its own controller to query (Go: MakeClerk). */
  makeClient(): ShardClient {
    const id = `c${this.clients++}`;
    const { ShardCtrler, Clerk, KVClerk } = this.impl;
    this.world.addNode(id, (ctx: NodeContext) =>
      this.guardSync(id, 'new Clerk(ctx, { ctrler })', () => {
        const ctrler = new ShardCtrler(ctx, { kvServer: ctrlKvServer, KVClerk });
        return { ctrler, clerk: new Clerk(ctx, { ctrler }) };
      }),
    );
    return new ShardClient(this, id);
  }

  /**
   * Go's setupKVService: the first group and the first configuration (every shard on it).
   * Returns the controller the test goes on with.
   */
  async setupKVService(): Promise<TestedCtrler> {
    const sck = this.makeCtrler();
    await sck.initController();
    const servers = this.startGroup(firstGid);
    const config = this.impl.joinBalance(this.impl.makeShardConfig(), { [firstGid]: servers });
    this.checkChange(this.impl.makeShardConfig(), config, [firstGid], 'joinBalance');
    await sck.initConfig(config);
    await this.noteConfig(sck);
    return sck;
  }

  /** Fails unless `next` is a valid, balanced successor of `before` with groups `gids`, moving the fewest shards. */
  checkChange(before: ShardConfig, next: ShardConfig, gids: readonly number[], what: string): void {
    const problem = checkConfig(next, gids);
    if (problem !== null) this.fail('safety', `${what} gave ${JSON.stringify(next)}: ${problem}`);
    if (next.num !== before.num + 1) this.fail('safety', `${what} numbered the new configuration ${next.num}; the one after ${before.num} is ${before.num + 1}`);
    const moved = movedShards(before, next).length;
    const fewest = fewestMoves(before, gids);
    if (moved !== fewest) this.fail('safety', `${what} moved ${moved} shards from ${describeConfig(before)} to ${describeConfig(next)}; a balanced configuration needs only ${fewest} to move`);
  }

  /** Records the current configuration as a note (the ownership picture draws it). */
  async noteConfig(sck: TestedCtrler): Promise<ShardConfig> {
    const config = await sck.query();
    const problem = checkConfig(config, configGids(config));
    if (problem !== null) this.fail('safety', `ShardCtrler.query() on ${sck.id} returned an invalid configuration: ${problem}`);
    recordNote(this.world, { kind: 'config', num: config.num, shards: config.shards });
    return config;
  }

  /** Starts groups `gids` and joins them one by one, `interGroupDelayMs` apart (Go: joinGroups). */
  async joinGroups(sck: TestedCtrler, gids: readonly number[]): Promise<void> {
    for (const gid of gids) {
      const servers = this.startGroup(gid);
      const before = await sck.query();
      const next = this.guardSync(sck.id, `joinBalance(config ${before.num}, { ${gid}: [...] })`, () => this.impl.joinBalance(before, { [gid]: servers }));
      this.checkChange(before, next, [...configGids(before), gid], `joinBalance(config ${before.num}, { ${gid}: [...] })`);
      await sck.changeConfigTo(next);
      await this.expectConfig(sck, next, `joining group ${gid}`);
      await this.sleep(interGroupDelayMs);
    }
  }

  /** Leaves groups `gids` one by one, `interGroupDelayMs` apart (Go: leaveGroups); the groups keep running. */
  async leaveGroups(sck: TestedCtrler, gids: readonly number[]): Promise<void> {
    for (const gid of gids) {
      const before = await sck.query();
      const next = this.guardSync(sck.id, `leaveBalance(config ${before.num}, [${gid}])`, () => this.impl.leaveBalance(before, [gid]));
      this.checkChange(before, next, configGids(before).filter((member) => member !== gid), `leaveBalance(config ${before.num}, [${gid}])`);
      await sck.changeConfigTo(next);
      await this.expectConfig(sck, next, `group ${gid} leaving`);
      await this.sleep(interGroupDelayMs);
    }
  }

  /** After changeConfigTo returned, the current configuration must be `next`. */
  async expectConfig(sck: TestedCtrler, next: ShardConfig, what: string): Promise<void> {
    const now = await this.noteConfig(sck);
    if (JSON.stringify(now) !== JSON.stringify(next)) this.fail('safety', `after ${what}, changeConfigTo(${describeConfig(next)}) returned but the current configuration is ${describeConfig(now)}`);
  }

  /** Awaits a call into student code; a throw becomes a failure naming the node and the call. */
  async guard<T>(node: string, what: string, body: () => Promise<T>): Promise<T> {
    const slot = this.calls++;
    this.pending.set(slot, { node, what: `${what} on ${node}`, sinceMs: this.now() });
    try {
      return await body();
    } catch (error) {
      if (error instanceof TestFailure) throw error;
      this.fail('crash', `${what} on ${node} threw ${messageOf(error)}`);
    } finally {
      this.pending.delete(slot);
    }
  }

  /** Runs student code that returns at once (a constructor, joinBalance); a throw fails the test naming it. */
  guardSync<T>(node: string, what: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof TestFailure) throw error;
      // Recorded as well: a throw inside a node factory reaches the world, not the test body.
      const failure = this.failureAt('crash', `${what} on ${node} threw ${messageOf(error)}`);
      this.record(failure);
      throw failure;
    }
  }

  override waitingDetail(): string {
    // A controller the test cut off or crashed on purpose waits forever; it is not the news.
    const live = [...this.pending.values()].filter((call) => this.world.isUp(call.node) && this.world.network.isConnected(call.node));
    const waiting = live.map((call) => `${call.what} has not returned since ${seconds(call.sinceMs)}`);
    if (waiting.length === 0) return '';
    return `: ${waiting.slice(0, 3).join('; ')}${waiting.length > 3 ? ` (and ${waiting.length - 3} more)` : ''}`;
  }
}

/** Runs a shardkv test body inside the world (distlab's `runTester`). */
export async function runShardkvTest(t: TestContext<ShardkvImplementation>, body: (h: ShardkvTester) => Promise<void>, maxRaftState = -1): Promise<ShardkvTester> {
  return runTester(t, new ShardkvTester(t, maxRaftState), body);
}
