/**
 * The Raft tester (the Go lab's config.go, in virtual time): it builds the peers, watches what
 * each one applies, and offers the helpers every test uses (checkOneLeader, one, wait, crash1,
 * start1, ...), with the original's thresholds. The generic half (time, the first failure,
 * `go`, the run loop) is distlab's `Tester`; Raft's safety properties are the named invariants
 * of `distlab/check`, watched on every run.
 *
 * Every failure is a TestFailure: one sentence naming what broke, where and when.
 */
import type { World } from 'distlab';
import { describeCommand, formatSeconds, raftInvariants, type RaftObservation } from 'distlab/check';
import { messageOf, runTester, Tester, TestFailure, type LabTest, type TestContext } from 'distlab/testing';
import type { ApplyMessage, RaftClass, RaftImplementation, RaftNode, RaftStatus, StartResult } from './types';

/** The tester's notion of one election (Go: RaftElectionTimeout). */
export const raftElectionTimeoutMs = 1000;
/** 3D: the tester snapshots after applying index i when (i + 1) % snapshotInterval === 0. */
export const snapshotInterval = 10;
/** 3D: persisted Raft state must stay below this many bytes (Go: MAXLOGSIZE). */
export const persistedStateBytesMax = 2000;
/** The course's per-test limit (120 s), in virtual ms. */
export const testVirtualMsMax = 120_000;

/** checkOneLeader: rounds, each sleeping 450-549 ms (≈ 5 s in all). */
const leaderCheckRoundsMax = 10;
const leaderCheckSleepMsMin = 450;
const leaderCheckSleepMsSpread = 100;
/** one(): a started command must commit within this window... */
const oneAgreementWindowMs = 2000;
/** ...and with retry, one() keeps trying this long in all. */
const oneTotalMsMax = 10_000;
const onePollMs = 20;
const oneNoLeaderSleepMs = 50;
/** wait(): polls with a sleep doubling from 10 ms up to 1 s. */
const waitPollsMax = 30;
const waitSleepMsFirst = 10;
const waitSleepMsMax = 1000;

export interface HarnessOptions {
  readonly servers: number;
  /** 3D: run the snapshotting applier (snapshot every `snapshotInterval` entries). */
  readonly snapshot: boolean;
}

/** The snapshot the tester hands to Raft (Go: gob of lastIncludedIndex and the applied commands). */
interface TesterSnapshot {
  readonly lastIncludedIndex: number;
  /** commands[i] is the command applied at index i (commands[0] is null). */
  readonly commands: readonly unknown[];
}

/**
 * Events one Raft test may run: 5x what the reference needs in the busiest test (churn, at most
 * ~40,000) and about twice what a Raft that saves and sends per command needs. A buggy peer that
 * retries without pause (a storm at one virtual instant, which the virtual-time limit cannot
 * see) is stopped here with a clear verdict within ~10 s of CPU (such storms carry full
 * AppendEntries, ~50 us per event) and ~250 MB, well inside Gradescope's 768 MB.
 */
export const raftEventsMax = 200_000;
/** Trace events kept in memory per test (older ones still count in the trace hash). */
export const raftTraceEventsKeptMax = 200_000;

/** World options every Raft test uses: long delays always on, as in the Go tests. */
export function raftWorld(options: { readonly unreliable: boolean }): LabTest<RaftImplementation>['world'] {
  return { network: { reliable: !options.unreliable, longDelays: true }, eventsMax: raftEventsMax, traceEventsKeptMax: raftTraceEventsKeptMax };
}

export { describeCommand };

export class RaftHarness extends Tester<RaftImplementation> {
  readonly n: number;
  readonly ids: readonly string[];
  readonly connected: boolean[];
  /** Per server: index -> command it applied (kept across its crashes, as in Go). */
  readonly logs: Map<number, unknown>[];
  readonly lastApplied: number[];
  maxIndex = 0;
  private readonly Raft: RaftClass;
  private leaderEverSeen = false;
  private termEverAboveZero = false;
  /** Raft's invariants (election safety, log matching, ...), fed by the trace and by this tester. */
  private readonly invariants: { readonly observe: (observation: RaftObservation) => void };

  constructor(
    t: TestContext<RaftImplementation>,
    readonly options: HarnessOptions,
  ) {
    super(t);
    this.n = options.servers;
    this.Raft = t.impl.Raft;
    this.invariants = this.watch(raftInvariants);
    this.ids = Array.from({ length: this.n }, (_, index) => String(index));
    this.connected = this.ids.map(() => true);
    this.logs = this.ids.map(() => new Map<number, unknown>());
    this.lastApplied = this.ids.map(() => 0);
    this.ids.forEach((id, index) => this.world.addNode(id, (ctx) => this.build(index, ctx)));
    this.world.trace.events$.subscribe((event) => {
      if (event.type !== 'node.role') return;
      this.sawTerm(event.term, event.role === 'leader');
      this.invariants.observe({ kind: 'role', node: event.node, role: event.role, term: event.term, atMs: event.atMs });
    });
  }

  /** Remembers what the skeleton hint needs: did any server ever report a term above 0, or lead? */
  private sawTerm(term: number, isLeader: boolean): void {
    if (isLeader) this.leaderEverSeen = true;
    if (term > 0) this.termEverAboveZero = true;
  }

  /** A large random command (Go: rand.Int()), kept within safe integers. */
  randomCommand(): number {
    return this.world.random.int(0, 2 ** 31 - 1);
  }

  // ----- peers ---------------------------------------------------------------------------

  private build(index: number, ctx: Parameters<Parameters<World['addNode']>[1]>[0]): RaftNode {
    const rf = new this.Raft(ctx, { peers: [...this.ids], me: index });
    const apply$ = (rf as Partial<RaftNode> | null)?.apply$;
    if (apply$ === undefined || typeof (apply$ as { subscribe?: unknown }).subscribe !== 'function') {
      throw new Error(`new Raft(ctx, { peers, me: ${index} }) built an object without an apply$ Observable<ApplyMessage>; the tester subscribes to it right after construction`);
    }
    apply$.subscribe({
      next: (message) => this.applied(index, rf, message),
      error: (error: unknown) => this.record(this.failureAt('crash', `server ${index}'s apply$ errored: ${messageOf(error)}`)),
    });
    return rf;
  }

  /** The live Raft object of server i, or null while it is crashed. */
  raft(i: number): RaftNode | null {
    return this.world.node<RaftNode & object>(this.ids[i]);
  }

  /** `getState()` of server i (null when crashed), checked for shape. */
  getState(i: number): RaftStatus | null {
    const rf = this.raft(i);
    if (rf === null) return null;
    const status = this.callRaft(i, 'getState()', () => rf.getState());
    if (typeof status?.term !== 'number' || typeof status.isLeader !== 'boolean') {
      this.fail('crash', `Raft.getState() on server ${i} returned ${JSON.stringify(status)}; it must return { term: number, isLeader: boolean }`);
    }
    this.sawTerm(status.term, status.isLeader);
    if (status.isLeader) this.invariants.observe({ kind: 'role', node: this.ids[i] ?? String(i), role: 'leader', term: status.term, atMs: this.now() });
    return status;
  }

  /** `start(command)` on server i (null when crashed), checked for shape. */
  start(i: number, command: unknown): StartResult | null {
    const rf = this.raft(i);
    if (rf === null) return null;
    const result = this.callRaft(i, `start(${describeCommand(command)})`, () => rf.start(command));
    if (typeof result?.index !== 'number' || typeof result.term !== 'number' || typeof result.isLeader !== 'boolean') {
      this.fail('crash', `Raft.start() on server ${i} returned ${JSON.stringify(result)}; it must return { index: number, term: number, isLeader: boolean }`);
    }
    if (result.isLeader) {
      this.sawTerm(result.term, true);
      this.invariants.observe({ kind: 'start', node: this.ids[i] ?? String(i), term: result.term, index: result.index, command, atMs: this.now() });
    }
    return result;
  }

  private callRaft<T>(i: number, what: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof TestFailure) throw error;
      this.fail('crash', `Raft.${what} on server ${i} threw ${messageOf(error)}`);
    }
  }

  // ----- the appliers ----------------------------------------------------------------------

  private applied(i: number, rf: RaftNode, message: ApplyMessage): void {
    if (this.world.node(this.ids[i]) !== rf) return; // a message from a crashed incarnation
    if (message?.type === 'snapshot') {
      if (this.options.snapshot) this.ingestSnapshot(i, message.snapshot, message.index);
      return;
    }
    if (message?.type !== 'command' || !Number.isSafeInteger(message.index)) {
      this.applyError(`server ${i} sent ${JSON.stringify(message)} on apply$; expected { type: 'command', index, command } or { type: 'snapshot', index, term, snapshot }`);
      return;
    }
    if (this.options.snapshot && message.index !== this.lastApplied[i] + 1) {
      this.applyError(`server ${i} apply out of order: expected index ${this.lastApplied[i] + 1}, got ${message.index}`);
    }
    const previousKnown = this.checkLogs(i, message.index, message.command);
    if (message.index > 1 && !previousKnown) this.applyError(`server ${i} apply out of order: applied index ${message.index} before index ${message.index - 1}`);
    this.lastApplied[i] = message.index;
    if (this.options.snapshot && (message.index + 1) % snapshotInterval === 0) this.snapshotLater(i, rf, message.index);
  }

  /** Records server i's command at index (the invariants report a conflicting commit). Returns whether index-1 was known. */
  private checkLogs(i: number, index: number, command: unknown): boolean {
    this.invariants.observe({ kind: 'apply', node: this.ids[i] ?? String(i), index, command, atMs: this.now() });
    const previousKnown = this.logs[i].has(index - 1);
    this.logs[i].set(index, command);
    if (index > this.maxIndex) this.maxIndex = index;
    return previousKnown;
  }

  /** Hands Raft a snapshot of server i's applied commands, as the Go applier does, one event later. */
  private snapshotLater(i: number, rf: RaftNode, index: number): void {
    const commands: unknown[] = [];
    for (let at = 0; at <= index; at++) commands.push(this.logs[i].get(at) ?? null);
    const snapshot: TesterSnapshot = { lastIncludedIndex: index, commands };
    this.world.schedule(0, () => {
      if (this.world.node(this.ids[i]) !== rf) return;
      try {
        rf.snapshot(index, snapshot);
      } catch (error) {
        this.record(this.failureAt('crash', `Raft.snapshot(${index}) on server ${i} threw ${messageOf(error)}`));
      }
    });
  }

  /** Replaces server i's applied commands by a snapshot's (Go: ingestSnap). */
  private ingestSnapshot(i: number, data: unknown, index: number): void {
    const snapshot = data as Partial<TesterSnapshot> | null;
    if (snapshot === null || typeof snapshot !== 'object' || typeof snapshot.lastIncludedIndex !== 'number' || !Array.isArray(snapshot.commands)) {
      this.applyError(`server ${i} delivered a snapshot that is not the one the tester gave to snapshot() (got ${describeCommand(JSON.stringify(data))}); store and send it unchanged`);
      return;
    }
    if (index !== -1 && index !== snapshot.lastIncludedIndex) {
      this.applyError(`server ${i} delivered a snapshot message with index ${index}, but the snapshot covers up to index ${snapshot.lastIncludedIndex}`);
      return;
    }
    this.logs[i] = new Map(snapshot.commands.map((command, at) => [at, command] as const).filter(([at]) => at > 0));
    this.lastApplied[i] = snapshot.lastIncludedIndex;
  }

  private applyError(message: string): void {
    this.record(this.failureAt('safety', message));
  }

  // ----- network, crash and restart (Go: connect, disconnect, crash1, start1) ---------------

  connect(i: number): void {
    this.connected[i] = true;
    this.world.network.connect(this.ids[i]);
  }

  disconnect(i: number): void {
    this.connected[i] = false;
    this.world.network.disconnect(this.ids[i]);
  }

  setUnreliable(unreliable: boolean): void {
    this.world.network.configure({ reliable: !unreliable });
  }

  setLongReordering(longReordering: boolean): void {
    this.world.network.configure({ longReordering });
  }

  /** Crashes server i: cut off, memory gone, persisted state kept. */
  crash1(i: number): void {
    this.disconnect(i);
    this.world.crash(this.ids[i]);
  }

  /** (Re)starts server i from its persisted state; reloads its snapshot into the applier first. Leaves it disconnected. */
  start1(i: number): void {
    this.crash1(i);
    this.lastApplied[i] = 0;
    const snapshot = this.world.persister(this.ids[i]).readSnapshot();
    if (snapshot !== null) this.ingestSnapshot(i, snapshot, -1);
    this.world.restart(this.ids[i]);
  }

  isUp(i: number): boolean {
    return this.world.isUp(this.ids[i]);
  }

  // ----- counters --------------------------------------------------------------------------

  /** RPC requests delivered to server i (Go: rpcCount). */
  rpcCount(i: number): number {
    return this.world.stats.rpcsReceived.get(this.ids[i]) ?? 0;
  }

  bytesTotal(): number {
    return this.world.stats.bytesTotal;
  }

  /** Largest persisted Raft state over all servers, in bytes (Go: LogSize). */
  logSize(): number {
    return Math.max(...this.ids.map((id) => this.world.persister(id).stateSize()));
  }

  // ----- checks ----------------------------------------------------------------------------

  /** Waits (≈ 5 s at most) for exactly one leader in the highest term among connected servers. */
  async checkOneLeader(): Promise<number> {
    const startedMs = this.now();
    for (let round = 0; round < leaderCheckRoundsMax; round++) {
      await this.sleep(leaderCheckSleepMsMin + this.randomInt(leaderCheckSleepMsSpread));
      const leaders = new Map<number, number[]>();
      for (let i = 0; i < this.n; i++) {
        const status = this.connected[i] ? this.getState(i) : null;
        if (status?.isLeader) leaders.set(status.term, [...(leaders.get(status.term) ?? []), i]);
      }
      let lastTermWithLeader = -1;
      for (const [term, servers] of leaders) {
        if (servers.length > 1) this.fail('safety', `term ${term} has ${servers.length} leaders (servers ${servers.join(' and ')})`);
        lastTermWithLeader = Math.max(lastTermWithLeader, term);
      }
      if (leaders.size > 0) return (leaders.get(lastTermWithLeader) ?? [-1])[0];
    }
    this.fail('liveness', `expected one leader, got none: no connected server reported isLeader in getState() for ${formatSeconds(this.now() - startedMs, 3)}${this.skeletonHint()}`);
  }

  /**
   * Why no leader, when the history says: terms come from the trace's role events, getState()
   * and start() as they happened, and from asking every live server now (so the hint holds for
   * an implementation that records no roles).
   */
  private skeletonHint(): string {
    for (let i = 0; i < this.n; i++) {
      const rf = this.raft(i);
      try {
        const status = rf?.getState();
        if (typeof status?.term === 'number') this.sawTerm(status.term, false);
      } catch {
        // A getState() that throws says nothing about terms; the failure itself is reported elsewhere.
      }
    }
    if (this.leaderEverSeen) return '';
    if (!this.termEverAboveZero) return ' (every server still reports term 0: is the election code still unimplemented?)';
    return ' (terms rise but no election is ever won: check vote counting and the election timeout)';
  }

  /** All connected servers agree on the term; returns it. */
  checkTerms(): number {
    let term = -1;
    for (let i = 0; i < this.n; i++) {
      const status = this.connected[i] ? this.getState(i) : null;
      if (status === null) continue;
      if (term === -1) term = status.term;
      else if (term !== status.term) this.fail('liveness', `servers disagree on term: server ${i} is in term ${status.term}, another connected server in term ${term}`);
    }
    return term;
  }

  /** No connected server believes it is the leader. */
  checkNoLeader(): void {
    for (let i = 0; i < this.n; i++) {
      const status = this.connected[i] ? this.getState(i) : null;
      if (status?.isLeader) this.fail('safety', `expected no leader among connected servers (no majority is connected), but server ${i} claims to lead term ${status.term}`);
    }
  }

  /** How many servers applied index, and what (fails on an applier error or a mismatch). */
  nCommitted(index: number): { count: number; command: unknown } {
    if (this.failure !== null) throw this.failure;
    let count = 0;
    let command: unknown = null;
    this.logs.forEach((log, i) => {
      if (!log.has(index)) return;
      const applied = log.get(index);
      if (count > 0 && applied !== command) {
        this.fail('safety', `committed values do not match at index ${index}: ${describeCommand(command)} and, on server ${i}, ${describeCommand(applied)}`);
      }
      count++;
      command = applied;
    });
    return { count, command };
  }

  /**
   * Go's one(): submits `command` to whichever connected server is leader and waits for at
   * least `expectedServers` servers to apply it. Without retry, fails after the first 2 s
   * window; with retry, keeps trying for 10 s. Returns the index.
   */
  async one(command: unknown, expectedServers: number, retry: boolean): Promise<number> {
    const startedMs = this.now();
    let starts = 0;
    let lastIndex = -1;
    while (this.now() - startedMs < oneTotalMsMax) {
      let index = -1;
      for (let tries = 0; tries < this.n; tries++) {
        starts = (starts + 1) % this.n;
        const result = this.connected[starts] ? this.start(starts, command) : null;
        if (result?.isLeader) {
          index = result.index;
          break;
        }
      }
      if (index === -1) {
        await this.sleep(oneNoLeaderSleepMs);
        continue;
      }
      lastIndex = index;
      const windowStartMs = this.now();
      while (this.now() - windowStartMs < oneAgreementWindowMs) {
        const committed = this.nCommitted(index);
        if (committed.count > 0 && committed.count >= expectedServers && committed.command === command) return index;
        await this.sleep(onePollMs);
      }
      if (!retry) this.fail('liveness', `one(${describeCommand(command)}) failed to reach agreement: ${this.commitStatus(index, expectedServers)} within 2 s of Start()`);
    }
    const why = lastIndex === -1 ? `no connected server accepted Start() as leader for 10 s${this.skeletonHint()}` : `${this.commitStatus(lastIndex, expectedServers)} after 10 s of retries`;
    this.fail('liveness', `one(${describeCommand(command)}) failed to reach agreement: ${why}`);
  }

  private commitStatus(index: number, expectedServers: number): string {
    const appliedBy = this.logs.map((log, i) => (log.get(index) !== undefined ? i : -1)).filter((i) => i >= 0);
    const committed = this.nCommitted(index);
    const what = committed.count === 0 ? 'no server applied' : `servers ${appliedBy.join(', ')} applied ${describeCommand(committed.command)} at`;
    return `${what} index ${index} (wanted ${expectedServers} servers)`;
  }

  /**
   * Go's wait(): waits for `n` servers to apply index; returns the command, or -1 when some
   * server moved past `startTerm` (then nothing can be promised).
   */
  async wait(index: number, n: number, startTerm: number): Promise<unknown> {
    let sleepMs = waitSleepMsFirst;
    for (let polls = 0; polls < waitPollsMax; polls++) {
      if (this.nCommitted(index).count >= n) break;
      await this.sleep(sleepMs);
      if (sleepMs < waitSleepMsMax) sleepMs *= 2;
      if (startTerm > -1) {
        for (let i = 0; i < this.n; i++) {
          const status = this.getState(i);
          if (status !== null && status.term > startTerm) return -1;
        }
      }
    }
    const committed = this.nCommitted(index);
    if (committed.count < n) this.fail('liveness', `only ${committed.count} servers applied index ${index}; wanted ${n}`);
    return committed.command;
  }

  /** The pass line's numbers, as the Go tester prints them. */
  summary(): string {
    // Every RPC sent, as the Go tester's rpcTotal() and as the run's outcome (#RPCs) count them,
    // so the log line and the report header never disagree; rpcCount(i) counts deliveries.
    const rpcs = this.world.stats.rpcsTotal;
    return `Passed -- ${formatSeconds(this.now(), 3)} virtual, ${this.n} peers, ${rpcs} RPCs, ${this.bytesTotal()} bytes, ${this.maxIndex} commands`;
  }
}

/**
 * Runs a Raft test body inside the world (distlab's `runTester`): builds the harness, runs
 * `body` as tester code in virtual time, and ends at the first failure (from the body, an
 * applier, an invariant or a concurrent task) or when the body returns.
 */
export async function runRaftTest(
  t: TestContext<RaftImplementation>,
  options: HarnessOptions,
  body: (h: RaftHarness) => Promise<void>,
): Promise<void> {
  const h = await runTester(t, new RaftHarness(t, options), body);
  t.countOps(h.maxIndex);
  t.log(h.summary());
}
