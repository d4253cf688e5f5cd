/**
 * Buggy variants of the reference Raft (grading/solutions/raft/raft.ts), each one real student
 * mistake, written as exact text edits so they follow the reference as it evolves: an edit
 * whose `find` text no longer occurs exactly once makes the mutant runner fail loudly.
 */
import type { Mutant } from '../mutant';

const firstMutants: readonly Mutant[] = [
  {
    name: 'election-reset-every-rpc',
    mistake: 'the election timer is reset by every incoming RPC, including RequestVotes it refuses and stale leaders',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    edits: [
      {
        find: "filter((request) => (request.method === 'AppendEntries' || request.method === 'InstallSnapshot') && (request.args as { term: number }).term >= rf.currentTerm),",
        replace: 'filter(() => true),',
      },
    ],
  },
  {
    name: 'no-step-down-on-reply',
    mistake: 'a higher term in a reply (AppendEntries, RequestVote) does not make the leader or candidate step down',
    edits: [
      { find: '  if (reply.term > rf.currentTerm) return rf.becomeFollower(reply.term);\n', replace: '' },
      { find: '      if (result.value.term > rf.currentTerm) return rf.becomeFollower(result.value.term);\n', replace: '' },
    ],
  },
  {
    name: 'figure8-commit-rule',
    mistake: 'the leader commits entries of earlier terms by counting replicas (Figure 8)',
    caughtBy: ['HiddenFigure8Scripted3C'],
    edits: [{ find: '    if (rf.log.termAt(index) !== rf.currentTerm) return;\n', replace: '' }],
  },
  {
    name: 'votedfor-not-persisted',
    mistake: 'votedFor is not persisted, so a restarted peer can vote twice in a term',
    caughtBy: ['HiddenRestartedVoter3C', 'HiddenRestartsDuringElections3C', 'HiddenVoterRestarts3C'],
    edits: [{ find: '    votedFor: rf.votedFor,\n', replace: '    votedFor: null,\n' }],
  },
  {
    name: 'one-entry-backup',
    mistake: 'the leader backs nextIndex up one entry per rejection instead of one term',
    caughtBy: ['HiddenDivergentBackup3B', 'TestBackup3B'],
    edits: [
      {
        find: "  if (reply.xTerm === -1) next = reply.xLength;\n  else {\n    const last = rf.log.lastIndexOfTerm(reply.xTerm);\n    next = last === -1 ? reply.xIndex : last + 1;\n  }\n",
        replace: '  next = next - 1;\n',
      },
      { find: '  void replicateTo(rf, peer); // retry at once: fast backup needs about one round trip per term\n', replace: '' },
    ],
  },
  {
    name: 'stale-reply-acted-on',
    mistake: 'an AppendEntries reply from an earlier term updates matchIndex in the current term',
    caughtBy: ['HiddenLateReplies3C'],
    edits: [{ find: "  if (rf.role !== 'leader' || rf.currentTerm !== args.term) return; // a reply from an older term\n", replace: "  if (rf.role !== 'leader') return;\n" }],
  },
  {
    name: 'snapshot-index-off-by-one',
    mistake: 'compaction keeps the entry at the snapshot index, shifting every later index by one',
    caughtBy: ['HiddenSnapshotOverHeldEntries3D'],
    edits: [{ find: 'this.entries.slice(index - this.snapshotIndex + 1)', replace: 'this.entries.slice(index - this.snapshotIndex)' }],
  },
  {
    name: 'snapshot-not-restored',
    mistake: 'the snapshot is not read back on restart (and the next save overwrites it with nothing)',
    caughtBy: ['HiddenManyRestartsSnapshot3D'],
    edits: [{ find: '  rf.snapshotData = rf.ctx.persister.readSnapshot();\n', replace: '' }],
  },
  {
    name: 'heartbeats-too-frequent',
    mistake: 'the leader sends heartbeats every 10 ms, ten times the lab limit',
    caughtBy: ['TestCount3B'],
    edits: [{ find: 'const heartbeatIntervalMs = 100;', replace: 'const heartbeatIntervalMs = 10;' }],
  },
  {
    name: 'vote-without-up-to-date-check',
    mistake: 'votes are granted without the election restriction (candidate log at least as up to date)',
    // HiddenLateReplies3C catches it on every seed; HiddenDeposedLeaderSends3A on about one in four.
    caughtBy: ['HiddenLateReplies3C', 'HiddenDeposedLeaderSends3A'],
    edits: [
      {
        find: '  const upToDate = args.lastLogTerm > rf.log.lastTerm || (args.lastLogTerm === rf.log.lastTerm && args.lastLogIndex >= rf.log.lastIndex);\n',
        replace: '  const upToDate = true;\n',
      },
    ],
  },
  {
    name: 'apply-out-of-order',
    mistake: 'newly committed entries are applied newest first',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    edits: [
      {
        find: "  while (rf.lastApplied < rf.commitIndex) {\n    rf.lastApplied++;\n    rf.applied$.next({ type: 'command', index: rf.lastApplied, command: rf.log.commandAt(rf.lastApplied) });\n  }\n",
        replace:
          "  for (let index = rf.commitIndex; index > rf.lastApplied; index--) {\n    rf.applied$.next({ type: 'command', index, command: rf.log.commandAt(index) });\n  }\n  rf.lastApplied = rf.commitIndex;\n",
      },
    ],
  },
  {
    name: 'commit-index-backwards',
    mistake: 'a stale AppendEntries moves commitIndex backwards, and entries are applied again from there',
    caughtBy: ['HiddenCombinedFaultsSnapshot3D', 'HiddenManyRestartsSnapshot3D'],
    edits: [
      {
        find: '    setCommitIndex(rf, Math.min(args.leaderCommit, lastNewIndex));\n',
        replace: '    rf.commitIndex = Math.min(args.leaderCommit, lastNewIndex);\n    rf.lastApplied = Math.min(rf.lastApplied, rf.commitIndex);\n    applyCommitted(rf);\n',
      },
    ],
  },
  {
    name: 'commit-before-consistency-check',
    mistake: 'a follower advances commitIndex from leaderCommit before (and even when) the prevLogIndex/prevLogTerm check fails',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    edits: [
      {
        find: '  rf.becomeFollower(args.term); // a leader of our term: a candidate steps down too\n',
        replace: '  rf.becomeFollower(args.term); // a leader of our term: a candidate steps down too\n  setCommitIndex(rf, Math.min(args.leaderCommit, rf.log.lastIndex));\n',
      },
    ],
  },
  {
    name: 'truncate-on-every-append',
    mistake: 'AppendEntries truncates the log after prevLogIndex even when the entries match, so a stale short request erases newer entries',
    caughtBy: ['HiddenStaleAppendAfterNewer3B', 'HiddenLongLeaderIsolation3B', 'HiddenCrashDuringInstall3D'],
    edits: [
      {
        find: '      if (at <= this.lastIndex && this.termAt(at) === entry.term) return;\n      if (at <= this.lastIndex) this.entries.length = at - this.snapshotIndex; // conflict: cut here\n',
        replace: '      if (offset === 0) this.entries.length = Math.min(this.entries.length, at - this.snapshotIndex);\n',
      },
    ],
  },
];

/**
 * One rule of the Raft paper each (Figure 2, Figure 13, section 7), broken the way a student
 * would break it. The first five are the bug classes of issue 18, which the public tests and
 * the older hidden scenarios missed; grading/hidden/raft/targeted.ts aims a scenario at each.
 */
const ruleMutants: readonly Mutant[] = [
  {
    name: 'stale-append-resets-timer',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    mistake: 'an AppendEntries or InstallSnapshot from an older term (a deposed leader) resets the election timer',
    edits: [{ find: "(request.args as { term: number }).term >= rf.currentTerm),", replace: '(request.args as { term: number }).term >= 0),' }],
  },
  {
    name: 'vote-does-not-reset-timer',
    caughtBy: ['HiddenElectionSettles3A'],
    mistake: 'granting a vote does not restart the election timer (Figure 2, followers)',
    edits: [{ find: '  resets$ = merge(fromLeader$, rf.votesGranted$);', replace: '  resets$ = merge(fromLeader$);' }],
  },
  {
    name: 'install-snapshot-drops-matching-entries',
    caughtBy: ['HiddenSnapshotOverHeldEntries3D'],
    mistake: 'InstallSnapshot discards the whole log, even the entries after the snapshot that match (Figure 13, rule 6)',
    edits: [{ find: '  rf.log.compact(args.lastIncludedIndex, args.lastIncludedTerm);', replace: '  rf.log = new RaftLog(args.lastIncludedIndex, [{ term: args.lastIncludedTerm, command: null }]);' }],
  },
  {
    name: 'install-snapshot-not-newer',
    caughtBy: ['HiddenSnapshotOverHeldEntries3D'],
    mistake: 'InstallSnapshot installs and applies a snapshot at or below what was already committed and applied',
    edits: [{ find: '  if (args.lastIncludedIndex <= rf.commitIndex) return { term: rf.currentTerm }; // nothing new\n', replace: '' }],
  },
  {
    name: 'snapshot-not-persisted',
    caughtBy: ['HiddenIdleAfterSnapshot3D'],
    mistake: 'snapshot() trims the log in memory but does not persist (the trimmed state and the snapshot reach disk only with a later save)',
    edits: [{ find: '  rf.snapshotData = snapshot;\n  persist(rf);', replace: '  rf.snapshotData = snapshot;' }],
  },
  {
    name: 'append-entries-from-stale-term',
    mistake: 'AppendEntries from an older term is not refused (Figure 2, AppendEntries rule 1): a deposed leader still writes into logs',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    edits: [
      {
        find: '  if (args.term < rf.currentTerm) return { term: rf.currentTerm, success, xTerm, xIndex, xLength };\n  rf.becomeFollower(args.term);',
        replace: "  if (args.term > rf.currentTerm || rf.role !== 'leader') rf.becomeFollower(Math.max(args.term, rf.currentTerm));",
      },
    ],
  },
  {
    name: 'higher-term-request-no-step-down',
    mistake: 'a RequestVote with a higher term updates the term but a leader stays leader (Figure 2, all servers: convert to follower)',
    caughtBy: ['HiddenRestartedVoter3C', 'HiddenFigure8Scripted3C', 'HiddenLateReplies3C'],
    edits: [{ find: '  if (args.term > rf.currentTerm) rf.becomeFollower(args.term);', replace: '  if (args.term > rf.currentTerm) {\n    rf.currentTerm = args.term;\n    rf.votedFor = null;\n    persist(rf);\n  }' }],
  },
  {
    name: 'votedfor-kept-in-new-term',
    mistake: 'moving to a higher term keeps votedFor from the old term, so the peer cannot vote in the new one',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    edits: [{ find: '      this.votedFor = null;\n', replace: '' }],
  },
  {
    name: 'term-not-persisted',
    mistake: 'currentTerm is not persisted (a restarted peer starts again from term 0)',
    caughtBy: ['HiddenRestartedVoter3C', 'HiddenRestartsDuringElections3C'],
    edits: [{ find: '    currentTerm: rf.currentTerm,', replace: '    currentTerm: 0,' }],
  },
  {
    name: 'appended-entries-not-persisted',
    mistake: 'a follower acknowledges new entries without persisting them (Figure 2: persist before responding)',
    caughtBy: ['HiddenManyRestarts3C'],
    edits: [{ find: 'if (rf.log.merge(args.prevLogIndex + 1, args.entries)) persist(rf);', replace: 'rf.log.merge(args.prevLogIndex + 1, args.entries);' }],
  },
  {
    name: 'match-index-kept-across-terms',
    mistake: 'a new leader keeps matchIndex from an earlier leadership instead of reinitialising it to 0',
    caughtBy: ['HiddenFigure8Scripted3C', 'HiddenLateReplies3C'],
    edits: [{ find: 'this.matchIndex = this.peers.map(() => 0);', replace: 'this.matchIndex = this.peers.map((_, peer) => this.matchIndex[peer] ?? 0);' }],
  },
  {
    name: 'commit-without-majority',
    mistake: 'the leader commits an entry stored on one server fewer than a majority',
    caughtBy: ['HiddenLateReplies3C', 'HiddenFigure8Scripted3C'],
    edits: [{ find: 'if (replicas >= rf.majority)', replace: 'if (replicas >= rf.majority - 1)' }],
  },
  {
    name: 'election-timeout-not-random',
    mistake: 'every election timeout is the same length (section 5.2: randomised timeouts), so split votes repeat',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    edits: [{ find: 'rf.ctx.randomInt(electionTimeoutMsMin, electionTimeoutMsMax)', replace: 'rf.ctx.randomInt(electionTimeoutMsMin, electionTimeoutMsMin)' }],
  },
  {
    name: 'candidate-does-not-count-own-vote',
    mistake: 'a candidate does not count its own vote, so it needs a majority of the others',
    caughtBy: ['HiddenDeposedLeaderSends3A'],
    edits: [{ find: 'let votes = 1;', replace: 'let votes = 0;' }],
  },
];

/** Every Raft mutant (the module's only array export: `mutantsOf('raft')` takes it). */
export const raftMutants: readonly Mutant[] = [...firstMutants, ...ruleMutants];
