/**
 * Reference Raft for distlab's Raft lab (parts 3A-3D): Figure 2 of the extended Raft paper,
 * fast log backup (XTerm/XIndex/XLen) and snapshots (InstallSnapshot, whole snapshot in one RPC).
 *
 * ONE SOURCE OF TRUTH. `npm run notebooks` (raft.notebook.md beside this file) splits this file at
 * its `// notebook:` markers into the code cells of labs/raft/raft.ipynb (and of the instructor
 * notebook raft.ipynb here), and strips every
 * `// BEGIN SOLUTION` ... `// END SOLUTION` region to produce the student skeleton
 * labs/raft/raft.ts. So: code outside a region must still compile and run once every region is
 * removed (each function declares its defaults first, the region computes, the return comes after).
 *
 * Two styles on purpose: the election fan-out and the timers are RxJS (`call$`, `mergeMap`,
 * `switchMap` over `timer(ms, ctx.scheduler)`); log replication is async/await (`await ctx.call`).
 */
import { BehaviorSubject, EMPTY, Subject, defer, filter, from, merge, mergeMap, repeat, startWith, switchMap, takeWhile, throttleTime, timer, type Observable } from 'rxjs';
import { assert, preEncodeItems, type NodeContext, type PreEncoded } from 'distlab';
import type { ApplyMessage, RaftConfig, RaftNode, RaftStatus, StartResult } from '../../../labs/raft/types';

// notebook: constants
/** The lab's rule: a leader sends at most 10 heartbeats per second. */
const heartbeatIntervalMs = 100;
/**
 * Election timeouts are drawn in [min, max]. Far above the heartbeat interval (a follower must
 * not time out between two heartbeats, even with one lost), far below the 5 s the tester
 * allows for a new leader (several split votes in a row must still fit).
 */
const electionTimeoutMsMin = 300;
const electionTimeoutMsMax = 600;
/**
 * Entries per AppendEntries at most: a far-behind follower catches up in a few round trips
 * instead of one huge message, and a lagging peer does not cost the whole log on every send.
 */
const entriesPerAppendMax = 100;
/**
 * Leaders save and send new commands at once, then at most once per this many ms while more
 * keep coming (RxJS `throttleTime`, leading and trailing edge): one save and one AppendEntries
 * per follower per batch instead of one per command, and an isolated command still goes out
 * immediately.
 */
const replicationBatchMs = 20;

type Role = 'follower' | 'candidate' | 'leader';

/** One log entry. Index 0 of the log is a sentinel: the last entry covered by the snapshot. */
interface LogEntry {
  readonly term: number;
  readonly command: unknown;
}

interface RequestVoteArgs {
  readonly term: number;
  readonly candidateId: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}

interface RequestVoteReply {
  readonly term: number;
  readonly voteGranted: boolean;
}

interface AppendEntriesArgs {
  readonly term: number;
  readonly leaderId: number;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly LogEntry[];
  readonly leaderCommit: number;
}

/**
 * Fast backup (the lab's suggested fields): on a mismatch the follower says which term
 * conflicts (xTerm) and where that term starts in its log (xIndex); if its log is too short,
 * xTerm is -1 and xLength is the next index it can accept.
 */
interface AppendEntriesReply {
  readonly term: number;
  readonly success: boolean;
  readonly xTerm: number;
  readonly xIndex: number;
  readonly xLength: number;
}

interface InstallSnapshotArgs {
  readonly term: number;
  readonly leaderId: number;
  readonly lastIncludedIndex: number;
  readonly lastIncludedTerm: number;
  readonly snapshot: unknown;
}

interface InstallSnapshotReply {
  readonly term: number;
}

// notebook: log 3B
/**
 * The log, with the snapshot offset hidden inside. `entries[0]` stands for the last entry the
 * snapshot covers (index `snapshotIndex`, its term kept, its command dropped), so `termAt` works
 * one entry before the first live one, which is what AppendEntries' consistency check needs.
 */
class RaftLog {
  constructor(
    public snapshotIndex = 0,
    public entries: LogEntry[] = [{ term: 0, command: null }],
  ) {}

  get lastIndex(): number {
    return this.snapshotIndex + this.entries.length - 1;
  }

  get lastTerm(): number {
    return this.entries[this.entries.length - 1].term;
  }

  get snapshotTerm(): number {
    return this.entries[0].term;
  }

  /** Term of entry `index`, or -1 when it is before the snapshot or past the end. */
  termAt(index: number): number {
    if (index < this.snapshotIndex || index > this.lastIndex) return -1;
    return this.entries[index - this.snapshotIndex].term;
  }

  commandAt(index: number): unknown {
    assert(index > this.snapshotIndex && index <= this.lastIndex, `commandAt(${index}): outside the live log (${this.snapshotIndex}, ${this.lastIndex}]`);
    return this.entries[index - this.snapshotIndex].command;
  }

  append(entry: LogEntry): number {
    this.entries.push(entry);
    return this.lastIndex;
  }

  /** Entries from `index` to the end (`index` must be past the snapshot). */
  from(index: number): LogEntry[] {
    return this.entries.slice(index - this.snapshotIndex);
  }

  /**
   * Figure 2, AppendEntries rules 3 and 4: from `index` on, drop our entries that conflict
   * with `incoming` and append the ones we lack. Never truncates on a match: a stale, shorter
   * AppendEntries must not erase entries a newer one already added. Returns whether the log changed.
   */
  merge(index: number, incoming: readonly LogEntry[]): boolean {
    let changed = false;
    // BEGIN SOLUTION (3B)
    incoming.forEach((entry, offset) => {
      const at = index + offset;
      if (at <= this.snapshotIndex) return; // already in the snapshot, hence committed and equal
      if (at <= this.lastIndex && this.termAt(at) === entry.term) return;
      if (at <= this.lastIndex) this.entries.length = at - this.snapshotIndex; // conflict: cut here
      this.entries.push(entry);
      changed = true;
    });
    // END SOLUTION
    return changed;
  }

  /** First index of the run of entries sharing the term of entry `index` (for xIndex). */
  firstIndexOfTerm(index: number): number {
    let first = index;
    // BEGIN SOLUTION (3B)
    const term = this.termAt(index);
    while (first - 1 > this.snapshotIndex && this.termAt(first - 1) === term) first--;
    // END SOLUTION
    return first;
  }

  /** Last index holding `term`, or -1 (for the leader's side of fast backup). */
  lastIndexOfTerm(term: number): number {
    // BEGIN SOLUTION (3B)
    for (let index = this.lastIndex; index > this.snapshotIndex; index--) {
      const at = this.termAt(index);
      if (at === term) return index;
      if (at < term) return -1;
    }
    // END SOLUTION
    return -1;
  }

  /**
   * Discards everything up to and including `index`, which becomes the new sentinel. Keeps the
   * entries after it when our entry at `index` has `term` (Figure 13, rule 6); else empties the log.
   */
  compact(index: number, term: number): void {
    // BEGIN SOLUTION (3D)
    const keep = this.termAt(index) === term ? this.entries.slice(index - this.snapshotIndex + 1) : [];
    this.entries = [{ term, command: null }, ...keep];
    this.snapshotIndex = index;
    // END SOLUTION
  }
}

// notebook: persistence 3C
/**
 * What survives a crash (Figure 2: currentTerm, votedFor, log[]), plus where the snapshot ends.
 * The log is stored as two columns (terms, commands) rather than one object per entry: flat
 * arrays encode about four times faster.
 */
interface PersistentState {
  readonly currentTerm: number;
  readonly votedFor: number | null;
  readonly snapshotIndex: number;
  readonly terms: readonly number[];
  readonly commands: readonly unknown[];
}

/**
 * What `persist` and `restore` touch of a peer (RaftCore, below, has all of it). Declared
 * here, before RaftCore, because notebook cells can only use what earlier cells defined.
 */
interface Durable {
  readonly ctx: NodeContext;
  currentTerm: number;
  votedFor: number | null;
  log: RaftLog;
  snapshotData: unknown;
  commitIndex: number;
  lastApplied: number;
  // BEGIN SOLUTION (3C)
  readonly savedRuns: SavedRun[];
  // END SOLUTION
}

// BEGIN SOLUTION (3C)
/**
 * Figure 2 asks for the whole state to be durable before each reply, but encoding the whole
 * log on every save costs time quadratic in its length (about a quarter of the CPU of lab 4's
 * busiest tests). Entries never change once in the log (a conflict cuts the log, compaction
 * rebuilds it), so the log is saved as runs of `savedRunEntries` entries, each encoded once
 * (`preEncodeItems`) and reused by every later save while the same entries sit at the same
 * positions; only the last, partial run is encoded each time. The saved text is exactly the
 * plain state's, so `restore` and the sizes the tester reads are unchanged.
 */
const savedRunEntries = 64;

/** One full run of log positions as last saved: the entries (compared by identity) and their encoded columns. */
interface SavedRun {
  readonly logEntries: readonly LogEntry[];
  readonly terms: PreEncoded;
  readonly commands: PreEncoded;
}

/** The run at positions [start, start + savedRunEntries) of the log: the saved one while its entries are still there. */
function savedRun(rf: Durable, start: number): SavedRun {
  const entries = rf.log.entries;
  const run = start / savedRunEntries;
  const saved = rf.savedRuns[run];
  if (saved !== undefined && saved.logEntries.every((entry, offset) => entries[start + offset] === entry)) return saved;
  const slice = entries.slice(start, start + savedRunEntries);
  const terms = preEncodeItems(slice.map((entry) => entry.term), 'state.terms');
  rf.savedRuns[run] = { logEntries: slice, terms, commands: preEncodeItems(slice.map((entry) => entry.command), 'state.commands') };
  return rf.savedRuns[run];
}
// END SOLUTION

/** Part 3C: write the persistent state (and the current snapshot, unchanged) to stable storage. */
function persist(rf: Durable): void {
  // BEGIN SOLUTION (3C)
  const entries = rf.log.entries;
  const settled = entries.length - (entries.length % savedRunEntries); // full runs; the rest is encoded afresh
  rf.savedRuns.length = settled / savedRunEntries;
  const termColumn: Array<number | PreEncoded> = [];
  const commandColumn: unknown[] = [];
  for (let start = 0; start < settled; start += savedRunEntries) {
    const run = savedRun(rf, start);
    termColumn.push(run.terms);
    commandColumn.push(run.commands);
  }
  for (let position = settled; position < entries.length; position++) {
    termColumn.push(entries[position].term);
    commandColumn.push(entries[position].command);
  }
  // Each run stands for its items once encoded, so this saves PersistentState's plain shape.
  const state: Record<keyof PersistentState, unknown> = {
    currentTerm: rf.currentTerm,
    votedFor: rf.votedFor,
    snapshotIndex: rf.log.snapshotIndex,
    terms: termColumn,
    commands: commandColumn,
  };
  rf.ctx.persister.save(state, rf.snapshotData);
  // END SOLUTION
}

/** Part 3C: restore what `persist` saved (called once, from the constructor). */
function restore(rf: Durable): void {
  // BEGIN SOLUTION (3C)
  const state = rf.ctx.persister.readState<PersistentState>();
  if (state === null) return;
  rf.currentTerm = state.currentTerm;
  rf.votedFor = state.votedFor;
  rf.log = new RaftLog(state.snapshotIndex, state.terms.map((term, at) => ({ term, command: state.commands[at] })));
  rf.snapshotData = rf.ctx.persister.readSnapshot();
  // The snapshot's commands were applied before the crash, and the tester reloads the
  // snapshot itself on restart: start applying right after it.
  rf.commitIndex = state.snapshotIndex;
  rf.lastApplied = state.snapshotIndex;
  // END SOLUTION
}

// notebook: core 3A
/**
 * A peer's state (Figure 2) and its role changes. Role changes happen only through the
 * becomeX() methods, which assert the move is legal and record it (`ctx.role`) for the
 * role/term timeline.
 */
class RaftCore {
  readonly ctx: NodeContext;
  readonly peers: readonly string[];
  readonly me: number;

  // Persistent state (saved by `persist` before answering any RPC that depends on it).
  currentTerm = 0;
  votedFor: number | null = null;
  log = new RaftLog();
  snapshotData: unknown = null;
  // BEGIN SOLUTION (3C)
  /** What `persist` encoded of the log before, to reuse (see savedRunEntries). */
  readonly savedRuns: SavedRun[] = [];
  // END SOLUTION

  // Volatile state.
  role: Role = 'follower';
  commitIndex = 0;
  lastApplied = 0;
  nextIndex: number[] = [];
  matchIndex: number[] = [];
  /** Leaders: whether an AppendEntries to each peer awaits its reply (new entries then wait for it). */
  appending: boolean[] = [];

  /** The current role, for streams that depend on it (the leader's heartbeats). */
  readonly role$ = new BehaviorSubject<Role>('follower');
  /** Votes this peer granted: each one postpones its own election. */
  readonly votesGranted$ = new Subject<void>();
  /** Committed commands and installed snapshots, in order (the tester's apply channel). */
  readonly applied$ = new Subject<ApplyMessage>();
  /** Leaders: commands appended by start() and not yet saved and sent. */
  readonly appended$ = new Subject<void>();

  constructor(ctx: NodeContext, config: RaftConfig) {
    this.ctx = ctx;
    this.peers = config.peers;
    this.me = config.me;
    restore(this);
    ctx.role(this.role, this.currentTerm);
  }

  get majority(): number {
    return Math.floor(this.peers.length / 2) + 1;
  }

  /** Figure 2, all servers: a higher term (or, for a candidate, a leader of its term) makes us a follower. */
  becomeFollower(term: number): void {
    assert(term >= this.currentTerm, `node ${this.me}: becomeFollower(${term}) below current term ${this.currentTerm}`);
    assert(!(this.role === 'leader' && term === this.currentTerm), `node ${this.me}: invalid transition [leader -> follower] in the same term ${term}`);
    if (this.role === 'follower' && term === this.currentTerm) return;
    if (term > this.currentTerm) {
      this.currentTerm = term;
      this.votedFor = null;
      persist(this);
    }
    this.changeRole('follower');
  }

  /** Figure 2, followers and candidates: an election timeout starts a new term with our own vote. */
  becomeCandidate(): void {
    assert(this.role !== 'leader', `node ${this.me}: invalid transition [leader -> candidate]`);
    this.currentTerm++;
    this.votedFor = this.me;
    persist(this);
    this.changeRole('candidate');
  }

  /** Figure 2, candidates: votes from a majority make us leader; reinitialise nextIndex and matchIndex. */
  becomeLeader(): void {
    assert(this.role === 'candidate', `node ${this.me}: invalid transition [${this.role} -> leader]`);
    this.nextIndex = this.peers.map(() => this.log.lastIndex + 1);
    this.matchIndex = this.peers.map(() => 0);
    this.matchIndex[this.me] = this.log.lastIndex;
    this.appending = this.peers.map(() => false);
    this.changeRole('leader');
  }

  private changeRole(role: Role): void {
    this.role = role;
    this.ctx.role(role, this.currentTerm);
    this.role$.next(role);
  }
}

// notebook: election 3A
/** A fresh random election timeout (from the world's seeded source, so runs replay). */
function electionTimeoutMs(rf: RaftCore): number {
  return rf.ctx.randomInt(electionTimeoutMsMin, electionTimeoutMsMax);
}

/** Figure 2, RequestVote receiver. Persists a granted vote before the reply leaves. */
function handleRequestVote(rf: RaftCore, args: RequestVoteArgs): RequestVoteReply {
  let voteGranted = false;
  // BEGIN SOLUTION (3A)
  if (args.term > rf.currentTerm) rf.becomeFollower(args.term);
  // Election restriction (§5.4.1): the candidate's log must be at least as up to date as ours.
  const upToDate = args.lastLogTerm > rf.log.lastTerm || (args.lastLogTerm === rf.log.lastTerm && args.lastLogIndex >= rf.log.lastIndex);
  const free = rf.votedFor === null || rf.votedFor === args.candidateId;
  voteGranted = args.term === rf.currentTerm && free && upToDate;
  if (voteGranted) {
    if (rf.votedFor !== args.candidateId) {
      rf.votedFor = args.candidateId;
      persist(rf);
    }
    rf.votesGranted$.next();
  }
  // END SOLUTION
  return { term: rf.currentTerm, voteGranted };
}

/**
 * Figure 2, candidates: start an election and ask every peer for its vote, in parallel.
 * RxJS style: one `call$` per peer merged into one stream of replies, counted as they come;
 * `takeWhile` stops listening (and cancels the rest) once this election is over.
 */
function startElection(rf: RaftCore): void {
  // BEGIN SOLUTION (3A)
  rf.becomeCandidate();
  const term = rf.currentTerm;
  const args: RequestVoteArgs = { term, candidateId: rf.me, lastLogIndex: rf.log.lastIndex, lastLogTerm: rf.log.lastTerm };
  let votes = 1;
  const others = rf.peers.filter((_, index) => index !== rf.me);
  from(others)
    .pipe(
      mergeMap((peer) => rf.ctx.call$<RequestVoteReply>(peer, 'RequestVote', args)),
      takeWhile(() => rf.role === 'candidate' && rf.currentTerm === term),
    )
    .subscribe((result) => {
      if (!result.ok) return;
      if (result.value.term > rf.currentTerm) return rf.becomeFollower(result.value.term);
      if (!result.value.voteGranted || rf.role !== 'candidate' || rf.currentTerm !== term) return;
      if (++votes === rf.majority) rf.becomeLeader();
    });
  // END SOLUTION
}

/**
 * What postpones an election: an AppendEntries or InstallSnapshot from a current leader (its
 * term is at least ours) and every vote we grant. Any other traffic (stale leaders, candidates
 * we refuse) must not, or a disruptive peer could keep us from ever electing a leader.
 */
function electionResets$(rf: RaftCore): Observable<unknown> {
  let resets$: Observable<unknown> = EMPTY;
  // BEGIN SOLUTION (3A)
  const fromLeader$ = rf.ctx.requests$.pipe(
    filter((request) => (request.method === 'AppendEntries' || request.method === 'InstallSnapshot') && (request.args as { term: number }).term >= rf.currentTerm),
  );
  resets$ = merge(fromLeader$, rf.votesGranted$);
  // END SOLUTION
  return resets$;
}

/**
 * The election timer: re-armed with a new random timeout by every reset (`switchMap` drops the
 * old timer), and again after each timeout (`repeat`). A leader ignores it.
 */
function electionTimeouts$(rf: RaftCore): Observable<unknown> {
  return electionResets$(rf).pipe(
    startWith(null),
    switchMap(() => defer(() => timer(electionTimeoutMs(rf), rf.ctx.scheduler)).pipe(repeat())),
  );
}

// notebook: replication 3B
/** Figure 2, AppendEntries receiver (with fast backup). Persists new entries before the reply leaves. */
function handleAppendEntries(rf: RaftCore, args: AppendEntriesArgs): AppendEntriesReply {
  let success = false;
  let xTerm = -1;
  let xIndex = -1;
  let xLength = -1;
  // BEGIN SOLUTION (3B)
  if (args.term < rf.currentTerm) return { term: rf.currentTerm, success, xTerm, xIndex, xLength };
  rf.becomeFollower(args.term); // a leader of our term: a candidate steps down too
  if (args.prevLogIndex < rf.log.snapshotIndex) {
    xLength = rf.log.snapshotIndex + 1; // we compacted past prevLogIndex: resume after our snapshot
  } else if (args.prevLogIndex > rf.log.lastIndex) {
    xLength = rf.log.lastIndex + 1;
  } else if (rf.log.termAt(args.prevLogIndex) !== args.prevLogTerm) {
    xTerm = rf.log.termAt(args.prevLogIndex);
    xIndex = rf.log.firstIndexOfTerm(args.prevLogIndex);
  } else {
    success = true;
    if (rf.log.merge(args.prevLogIndex + 1, args.entries)) persist(rf);
    const lastNewIndex = args.prevLogIndex + args.entries.length;
    setCommitIndex(rf, Math.min(args.leaderCommit, lastNewIndex));
  }
  // END SOLUTION
  return { term: rf.currentTerm, success, xTerm, xIndex, xLength };
}

/** Raises commitIndex (never lowers it) and applies what became committed. */
function setCommitIndex(rf: RaftCore, index: number): void {
  if (index <= rf.commitIndex) return;
  rf.commitIndex = index;
  rf.ctx.metric('commitIndex', index);
  applyCommitted(rf);
}

/** Figure 2, all servers: apply log[lastApplied + 1 .. commitIndex], in order, once each. */
function applyCommitted(rf: RaftCore): void {
  // BEGIN SOLUTION (3B)
  while (rf.lastApplied < rf.commitIndex) {
    rf.lastApplied++;
    rf.applied$.next({ type: 'command', index: rf.lastApplied, command: rf.log.commandAt(rf.lastApplied) });
  }
  // END SOLUTION
}

/**
 * Figure 2, leaders: commit the highest N that a majority has replicated, but only if log[N]
 * is from the current term (the Figure 8 rule: never commit an older term's entry by counting).
 */
function advanceCommitIndex(rf: RaftCore): void {
  // BEGIN SOLUTION (3B)
  for (let index = rf.log.lastIndex; index > rf.commitIndex; index--) {
    if (rf.log.termAt(index) !== rf.currentTerm) return;
    const replicas = rf.matchIndex.filter((match) => match >= index).length;
    if (replicas >= rf.majority) return setCommitIndex(rf, index);
  }
  // END SOLUTION
}

/**
 * Leaders: send every follower what it lacks (or a heartbeat when it lacks nothing). New
 * entries skip a follower whose last AppendEntries is still out (its reply sends the rest);
 * heartbeats always go, so a lost reply delays a follower by one heartbeat at most.
 */
function broadcastAppendEntries(rf: RaftCore, heartbeat: boolean): void {
  rf.peers.forEach((_, peer) => {
    if (peer !== rf.me && (heartbeat || !rf.appending[peer])) void replicateTo(rf, peer);
  });
}

/**
 * One AppendEntries to `peer`, async/await style. After `await` the world may have changed
 * (a new term, a step-down): the reply handler checks that the reply still matters.
 */
async function replicateTo(rf: RaftCore, peer: number): Promise<void> {
  // BEGIN SOLUTION (3B)
  if (rf.role !== 'leader') return;
  const next = rf.nextIndex[peer];
  if (next <= rf.log.snapshotIndex) return sendSnapshot(rf, peer);
  const args: AppendEntriesArgs = {
    term: rf.currentTerm,
    leaderId: rf.me,
    prevLogIndex: next - 1,
    prevLogTerm: rf.log.termAt(next - 1),
    entries: rf.log.from(next).slice(0, entriesPerAppendMax),
    leaderCommit: rf.commitIndex,
  };
  rf.appending[peer] = true;
  const result = await rf.ctx.call<AppendEntriesReply>(rf.peers[peer], 'AppendEntries', args);
  rf.appending[peer] = false;
  if (result.ok) handleAppendEntriesReply(rf, peer, args, result.value);
  // END SOLUTION
}

function handleAppendEntriesReply(rf: RaftCore, peer: number, args: AppendEntriesArgs, reply: AppendEntriesReply): void {
  // BEGIN SOLUTION (3B)
  if (reply.term > rf.currentTerm) return rf.becomeFollower(reply.term);
  if (rf.role !== 'leader' || rf.currentTerm !== args.term) return; // a reply from an older term
  if (reply.success) {
    // Replies can arrive out of order: only ever move matchIndex forward.
    rf.matchIndex[peer] = Math.max(rf.matchIndex[peer], args.prevLogIndex + args.entries.length);
    rf.nextIndex[peer] = Math.max(rf.nextIndex[peer], rf.matchIndex[peer] + 1);
    advanceCommitIndex(rf);
    if (rf.nextIndex[peer] <= rf.log.lastIndex) void replicateTo(rf, peer); // the rest, or what came meanwhile
    return;
  }
  rf.nextIndex[peer] = backupIndex(rf, peer, reply);
  void replicateTo(rf, peer); // retry at once: fast backup needs about one round trip per term
  // END SOLUTION
}

/** Leaders: a follower needs entries we discarded, so send the snapshot instead. */
async function sendSnapshot(rf: RaftCore, peer: number): Promise<void> {
  // BEGIN SOLUTION (3D)
  const args: InstallSnapshotArgs = {
    term: rf.currentTerm,
    leaderId: rf.me,
    lastIncludedIndex: rf.log.snapshotIndex,
    lastIncludedTerm: rf.log.snapshotTerm,
    snapshot: rf.snapshotData,
  };
  const result = await rf.ctx.call<InstallSnapshotReply>(rf.peers[peer], 'InstallSnapshot', args);
  if (!result.ok) return;
  if (result.value.term > rf.currentTerm) return rf.becomeFollower(result.value.term);
  if (rf.role !== 'leader' || rf.currentTerm !== args.term) return;
  rf.matchIndex[peer] = Math.max(rf.matchIndex[peer], args.lastIncludedIndex);
  rf.nextIndex[peer] = Math.max(rf.nextIndex[peer], rf.matchIndex[peer] + 1);
  // END SOLUTION
}

/** Where to resume after a rejection, from the follower's xTerm/xIndex/xLength. */
function backupIndex(rf: RaftCore, peer: number, reply: AppendEntriesReply): number {
  let next = rf.nextIndex[peer];
  // BEGIN SOLUTION (3B)
  if (reply.xTerm === -1) next = reply.xLength;
  else {
    const last = rf.log.lastIndexOfTerm(reply.xTerm);
    next = last === -1 ? reply.xIndex : last + 1;
  }
  next = Math.min(Math.max(next, rf.matchIndex[peer] + 1), rf.log.lastIndex + 1);
  // END SOLUTION
  return next;
}

/**
 * The tester's Start(): leaders append the command and return at once; `flushAppended` saves
 * and sends it (now, or with the next batch). Start() promises no durability, so this is safe as long as
 * the leader counts itself toward a majority only for entries it has saved.
 */
function appendCommand(rf: RaftCore, command: unknown): StartResult {
  let index = -1;
  // BEGIN SOLUTION (3B)
  if (rf.role !== 'leader') return { index, term: rf.currentTerm, isLeader: false };
  index = rf.log.append({ term: rf.currentTerm, command });
  rf.appended$.next();
  // END SOLUTION
  return { index, term: rf.currentTerm, isLeader: rf.role === 'leader' };
}

/** Leaders: save the appended batch, count ourselves as holding it, and send it. */
function flushAppended(rf: RaftCore): void {
  // BEGIN SOLUTION (3B)
  if (rf.role !== 'leader' || rf.matchIndex[rf.me] === rf.log.lastIndex) return;
  persist(rf);
  rf.matchIndex[rf.me] = rf.log.lastIndex;
  advanceCommitIndex(rf); // a one-peer cluster commits here
  broadcastAppendEntries(rf, false);
  // END SOLUTION
}

// notebook: snapshots 3D
/** Part 3D: the service snapshotted everything up to `index`; drop those entries and persist. */
function takeSnapshot(rf: RaftCore, index: number, snapshot: unknown): void {
  // BEGIN SOLUTION (3D)
  // Stale (we already have a newer snapshot) or not yet applied: ignore.
  if (index <= rf.log.snapshotIndex || index > rf.lastApplied) return;
  rf.log.compact(index, rf.log.termAt(index));
  rf.snapshotData = snapshot;
  persist(rf);
  // END SOLUTION
}

/** Figure 13, InstallSnapshot receiver (whole snapshot in one RPC, no offsets). */
function handleInstallSnapshot(rf: RaftCore, args: InstallSnapshotArgs): InstallSnapshotReply {
  // BEGIN SOLUTION (3D)
  if (args.term < rf.currentTerm) return { term: rf.currentTerm };
  rf.becomeFollower(args.term);
  if (args.lastIncludedIndex <= rf.commitIndex) return { term: rf.currentTerm }; // nothing new
  rf.log.compact(args.lastIncludedIndex, args.lastIncludedTerm);
  rf.snapshotData = args.snapshot;
  rf.commitIndex = args.lastIncludedIndex;
  rf.lastApplied = args.lastIncludedIndex;
  persist(rf);
  rf.ctx.metric('commitIndex', rf.commitIndex);
  rf.applied$.next({ type: 'snapshot', index: args.lastIncludedIndex, term: args.lastIncludedTerm, snapshot: args.snapshot });
  // END SOLUTION
  return { term: rf.currentTerm };
}

// notebook: node
/**
 * A Raft peer: the state above plus its wiring to the world. The constructor serves the RPCs
 * and starts two streams, both on `ctx.scheduler` so they run in virtual time and die with a
 * crash: the election timer, and the leader's heartbeats (`switchMap` over the role: a new
 * role cancels the old heartbeat timer).
 */
class Raft extends RaftCore implements RaftNode {
  readonly apply$: Observable<ApplyMessage>;

  constructor(ctx: NodeContext, config: RaftConfig) {
    super(ctx, config);
    this.apply$ = this.applied$.asObservable();
    ctx.serve('RequestVote', (args: RequestVoteArgs) => handleRequestVote(this, args));
    ctx.serve('AppendEntries', (args: AppendEntriesArgs) => handleAppendEntries(this, args));
    ctx.serve('InstallSnapshot', (args: InstallSnapshotArgs) => handleInstallSnapshot(this, args));
    electionTimeouts$(this).subscribe(() => {
      if (this.role !== 'leader') startElection(this);
    });
    this.role$
      .pipe(switchMap((role) => (role === 'leader' ? timer(0, heartbeatIntervalMs, ctx.scheduler) : EMPTY)))
      .subscribe(() => broadcastAppendEntries(this, true));
    this.appended$.pipe(throttleTime(replicationBatchMs, ctx.scheduler, { leading: true, trailing: true })).subscribe(() => flushAppended(this));
  }

  start(command: unknown): StartResult {
    return appendCommand(this, command);
  }

  getState(): RaftStatus {
    return { term: this.currentTerm, isLeader: this.role === 'leader' };
  }

  snapshot(index: number, snapshot: unknown): void {
    takeSnapshot(this, index, snapshot);
  }
}

// notebook: end
export { Raft, RaftCore, RaftLog, electionTimeouts$, heartbeatIntervalMs, electionTimeoutMsMin, electionTimeoutMsMax };
export type { AppendEntriesArgs, AppendEntriesReply, InstallSnapshotArgs, InstallSnapshotReply, LogEntry, PersistentState, RequestVoteArgs, RequestVoteReply, Role };
