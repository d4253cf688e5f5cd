/**
 * The 4A tester (the Go lab's kvraft1/rsm/test.go and server.go, in virtual time): three
 * replicas of a counter state machine on the student's RSM over the student's Raft. The tester
 * submits Inc, Dec and Null requests straight to a replica's `submit` (as Go calls
 * `rsm.Submit`), and reads every replica's counter.
 *
 * Beyond Go: every request the tester submits carries a fresh tag, and each replica's counter
 * records the tags it applied, so the tester sees a request applied twice by one replica, a
 * request nobody submitted, and a `submit` that answers OK with another request's result.
 */
import type { NodeContext } from 'distlab';
import { formatSeconds } from 'distlab/check';
import { messageOf, runTester, Tester, TestFailure, type LabTest, type TestContext } from 'distlab/testing';
import { ServerGroup } from './group';
import type { KvraftImplementation, RaftNode, RSMNode, StateMachine, SubmitResult } from './types';

/** The course's per-test limit (120 s), in virtual ms. */
export const rsmTestVirtualMsMax = 120_000;
/** Replicas in every 4A test (Go: NSRV). */
export const rsmServers = 3;
/** Go's onePartition gives up after trying the servers in turn for this long. */
const oneMsMax = 10_000;
const oneRetrySleepMs = 50;
/** checkCounter: 30 polls, sleeping 10 ms doubling up to 1 s. */
const counterPollsMax = 30;
const counterSleepMsFirst = 10;
const counterSleepMsMax = 1000;

/**
 * One-way latency of every message: 1-5 ms, drawn per message. Some latency makes concurrent
 * submissions interleave and puts a price on every round trip (TestSpeed's 33 ms per operation
 * cannot be met by a Raft that waits for the next heartbeat to send a new entry).
 */
export const kvraftLatency = { msMin: 1, msMax: 5 } as const;
/** Events one test may run (a storm at one virtual instant ends here with a clear verdict). */
export const kvraftEventsMax = 3_000_000;

export type KvraftTest = LabTest<KvraftImplementation>;

/** World options of the lab-4 tests. */
export function kvraftWorld(options: { readonly unreliable: boolean }): KvraftTest['world'] {
  return { network: { reliable: !options.unreliable, latency: kvraftLatency }, eventsMax: kvraftEventsMax, traceEventsKeptMax: 200_000 };
}

/** The requests of the counter state machine (Go: Inc, Dec, Null), tagged by the tester. */
export type CounterRequest = { readonly type: 'inc' | 'dec' | 'null'; readonly tag: number };
/** What the counter answers: the counter after the request and the request's tag. */
export interface CounterReply {
  readonly n: number;
  readonly tag: number;
}

/**
 * The tester's state machine (Go: rsmSrv). It checks what the RSM applies: a tagged request
 * the tester made, never the same one twice.
 */
export class CounterMachine implements StateMachine {
  counter = 0;
  private readonly applied = new Set<number>();

  constructor(
    private readonly server: number,
    private readonly report: (message: string) => void,
  ) {}

  doOp(request: unknown): unknown {
    const req = request as Partial<CounterRequest> | null;
    if (req === null || typeof req !== 'object' || !['inc', 'dec', 'null'].includes(String(req.type)) || typeof req.tag !== 'number') {
      this.report(`server ${this.server}'s RSM called doOp(${short(request)}), which is not a request the tester submitted; pass submit()'s request to doOp unchanged`);
      return null;
    }
    if (this.applied.has(req.tag)) this.report(`server ${this.server} applied request #${req.tag} (${req.type}) twice: a log entry was applied more than once`);
    this.applied.add(req.tag);
    if (req.type === 'inc') this.counter++;
    if (req.type === 'dec') this.counter--;
    return { n: this.counter, tag: req.tag } satisfies CounterReply;
  }

  snapshot(): unknown {
    return { counter: this.counter };
  }

  restore(snapshot: unknown): void {
    const counter = (snapshot as { counter?: unknown } | null)?.counter;
    if (typeof counter !== 'number') {
      this.report(`server ${this.server}'s RSM called restore(${short(snapshot)}), which is not a snapshot the state machine made; store snapshot()'s value unchanged`);
      return;
    }
    this.counter = counter;
    this.applied.clear();
  }
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What the tester keeps as the node object of a replica. */
interface RsmServerNode {
  readonly rsm: RSMNode;
  readonly counter: CounterMachine;
}

export class RsmTester extends Tester<KvraftImplementation> {
  readonly group: ServerGroup;
  /** Resolves the pending submits of an incarnation when it crashes (Go: Submit returns after Kill). */
  private readonly crashed = new Map<string, () => void>();
  private nextTag = 1;
  private lastLeader = 0;

  constructor(
    t: TestContext<KvraftImplementation>,
    readonly maxRaftState: number,
  ) {
    super(t);
    this.group = new ServerGroup(this.world, rsmServers, (node) => (node as RsmServerNode).rsm.raft());
    this.group.ids.forEach((id, me) => this.world.addNode(id, (ctx) => this.build(me, ctx)));
  }

  private build(me: number, ctx: NodeContext): RsmServerNode {
    const counter = new CounterMachine(me, (message) => this.record(this.failureAt('safety', message)));
    const { RSM, Raft } = this.t.impl;
    const rsm = new RSM(ctx, { peers: [...this.group.ids], me, maxRaftState: this.maxRaftState, stateMachine: counter, Raft });
    if (rsm === null || typeof rsm !== 'object' || typeof (rsm as Partial<RSMNode>).submit !== 'function') {
      throw new Error(`new RSM(ctx, { peers, me: ${me}, ... }) built an object without submit(request)`);
    }
    return { rsm, counter };
  }

  private node(i: number): RsmServerNode | null {
    return this.world.node<RsmServerNode>(this.group.ids[i]);
  }

  /** Server i's counter, or null while it is down. */
  counterOf(i: number): number | null {
    return this.node(i)?.counter.counter ?? null;
  }

  /** The Raft peer of server i, or null while it is down. */
  raftOf(i: number): RaftNode | null {
    const node = this.node(i);
    return node === null ? null : node.rsm.raft();
  }

  /** A new tagged request. */
  request(type: CounterRequest['type']): CounterRequest {
    return { type, tag: this.nextTag++ };
  }

  /**
   * Calls `submit(request)` on server i and checks the answer's shape. A crash of the server
   * ends the wait with ErrWrongLeader (Go: Submit returns once Raft is killed); a server that
   * is down answers ErrWrongLeader at once.
   */
  async submit(i: number, request: CounterRequest): Promise<SubmitResult> {
    const node = this.node(i);
    if (node === null) return { err: 'ErrWrongLeader' };
    const id = this.group.ids[i];
    const crashed = new Promise<null>((resolve) => this.onCrash(id, () => resolve(null)));
    let result: SubmitResult | null;
    try {
      result = await Promise.race([node.rsm.submit(request), crashed]);
    } catch (error) {
      if (error instanceof TestFailure) throw error;
      this.fail('crash', `RSM.submit(${short(request)}) on server ${i} threw ${messageOf(error)}; submit must resolve to { err: 'OK', value } or { err: 'ErrWrongLeader' }`);
    }
    if (result === null) return { err: 'ErrWrongLeader' };
    if (result?.err !== 'OK' && result?.err !== 'ErrWrongLeader') {
      this.fail('crash', `RSM.submit(${short(request)}) on server ${i} resolved to ${short(result)}; it must resolve to { err: 'OK', value } or { err: 'ErrWrongLeader' }`);
    }
    if (result.err === 'OK') this.checkReply(i, request, result.value);
    return result;
  }

  private checkReply(i: number, request: CounterRequest, value: unknown): void {
    if (request.type === 'null') return;
    const reply = value as Partial<CounterReply> | null;
    if (reply?.tag !== request.tag) {
      this.fail('safety', `RSM.submit(${request.type} #${request.tag}) on server ${i} answered OK with ${short(value)}, the result of another request; submit must answer with doOp's result for the request it submitted`);
    }
  }

  private onCrash(id: string, listener: () => void): void {
    const previous = this.crashed.get(id);
    this.crashed.set(id, () => {
      previous?.();
      listener();
    });
  }

  /** Crashes server i; its pending submits end with ErrWrongLeader. */
  crash(i: number): void {
    const id = this.group.ids[i];
    this.group.crash(i);
    const listeners = this.crashed.get(id);
    this.crashed.delete(id);
    listeners?.();
  }

  shutdown(): void {
    for (let i = 0; i < rsmServers; i++) this.crash(i);
  }

  startServers(): void {
    this.group.startServers();
  }

  /**
   * Go's onePartition: tries every connected server (in `only`, if given) in turn, starting
   * with the last leader, until one answers OK; gives up after 10 s (null).
   */
  async onePartition(request: () => CounterRequest, only: readonly number[] | null = null): Promise<SubmitResult | null> {
    const startedMs = this.now();
    while (this.now() - startedMs < oneMsMax) {
      let index = this.lastLeader;
      for (let tries = 0; tries < rsmServers; tries++) {
        if (this.group.isConnected(index) && this.group.isUp(index) && (only === null || only.includes(index))) {
          const result = await this.submit(index, request());
          if (result.err === 'OK') {
            this.lastLeader = index;
            return result;
          }
        }
        index = (index + 1) % rsmServers;
      }
      await this.sleep(oneRetrySleepMs);
    }
    return null;
  }

  /** Go's oneInc: an Inc that must succeed within 10 s; returns the counter it produced. */
  async oneInc(only: readonly number[] | null = null): Promise<number> {
    const result = await this.onePartition(() => this.request('inc'), only);
    if (result === null) this.fail('liveness', `no server answered OK to an Inc within ${oneMsMax / 1000} s${this.leaderHint()}`);
    return (result.value as CounterReply).n;
  }

  /** Go's oneNull: a Null that may give up after 10 s. */
  async oneNull(): Promise<SubmitResult | null> {
    return this.onePartition(() => this.request('null'));
  }

  private leaderHint(): string {
    const leader = this.group.leader();
    if (leader !== -1) return ` (server ${leader} says it leads: does its RSM answer once the request is applied?)`;
    return ' (no connected server says it leads: is Raft electing a leader?)';
  }

  /** Go's checkCounter: at least `servers` servers reach counter value `value`, polling up to ~20 s. */
  async checkCounter(value: number, servers: number): Promise<void> {
    let sleepMs = counterSleepMsFirst;
    let count = 0;
    for (let poll = 0; poll < counterPollsMax; poll++) {
      count = this.countValue(value);
      if (count >= servers) return;
      await this.sleep(sleepMs);
      if (sleepMs < counterSleepMsMax) sleepMs = Math.min(counterSleepMsMax, sleepMs * 2);
    }
    const seen = this.group.ids.map((_, i) => `server ${i}: ${this.counterOf(i) ?? 'down'}`).join(', ');
    this.fail('liveness', `checkCounter: only ${count} servers have counter ${value} instead of ${servers} (${seen})`);
  }

  private countValue(value: number): number {
    return this.group.ids.filter((_, i) => this.counterOf(i) === value).length;
  }

  /** Waits for the concurrent tasks in `tasks` to end, failing if they take longer than `msMax`. */
  async waitAll(tasks: ReadonlyArray<Promise<void>>, msMax: number, what: string): Promise<void> {
    let running = tasks.length;
    for (const task of tasks) void task.finally(() => running--);
    const deadline = this.now() + msMax;
    while (running > 0 && this.failure === null && this.now() < deadline) await this.sleep(10);
    if (this.failure !== null) throw this.failure;
    if (running > 0) this.fail('liveness', `${running} of ${tasks.length} ${what} did not return within ${formatSeconds(msMax, 3)}`);
  }
}

/** Runs a 4A test body in virtual time (distlab's `runTester`). */
export async function runRsmTest(t: TestContext<KvraftImplementation>, maxRaftState: number, body: (h: RsmTester) => Promise<void>): Promise<void> {
  const h = await runTester(t, new RsmTester(t, maxRaftState), body);
  t.log(`Passed -- ${formatSeconds(h.now(), 3)} virtual, ${rsmServers} servers, ${h.world.stats.rpcsTotal} RPCs`);
}
