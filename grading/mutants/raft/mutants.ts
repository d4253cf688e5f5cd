/**
 * Buggy variants of the reference Raft (grading/solutions/raft/raft.ts), each one real student
 * mistake, written as exact text edits so they follow the reference as it evolves: an edit
 * whose `find` text no longer occurs exactly once makes the mutant runner fail loudly.
 */
import type { Mutant } from '../mutant';

export const raftMutants: readonly Mutant[] = [
  {
    name: 'election-reset-every-rpc',
    mistake: 'the election timer is reset by every incoming RPC, including RequestVotes it refuses and stale leaders',
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
    edits: [{ find: '    if (rf.log.termAt(index) !== rf.currentTerm) return;\n', replace: '' }],
  },
  {
    name: 'votedfor-not-persisted',
    mistake: 'votedFor is not persisted, so a restarted peer can vote twice in a term',
    edits: [{ find: '    votedFor: rf.votedFor,\n', replace: '    votedFor: null,\n' }],
  },
  {
    name: 'one-entry-backup',
    mistake: 'the leader backs nextIndex up one entry per rejection instead of one term',
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
    edits: [{ find: "  if (rf.role !== 'leader' || rf.currentTerm !== args.term) return; // a reply from an older term\n", replace: "  if (rf.role !== 'leader') return;\n" }],
  },
  {
    name: 'snapshot-index-off-by-one',
    mistake: 'compaction keeps the entry at the snapshot index, shifting every later index by one',
    edits: [{ find: 'this.entries.slice(index - this.snapshotIndex + 1)', replace: 'this.entries.slice(index - this.snapshotIndex)' }],
  },
  {
    name: 'snapshot-not-restored',
    mistake: 'the snapshot is not read back on restart (and the next save overwrites it with nothing)',
    edits: [{ find: '  rf.snapshotData = rf.ctx.persister.readSnapshot();\n', replace: '' }],
  },
  {
    name: 'heartbeats-too-frequent',
    mistake: 'the leader sends heartbeats every 10 ms, ten times the lab limit',
    edits: [{ find: 'const heartbeatIntervalMs = 100;', replace: 'const heartbeatIntervalMs = 10;' }],
  },
  {
    name: 'vote-without-up-to-date-check',
    mistake: 'votes are granted without the election restriction (candidate log at least as up to date)',
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
    edits: [
      {
        find: '      if (at <= this.lastIndex && this.termAt(at) === entry.term) return;\n      if (at <= this.lastIndex) this.entries.length = at - this.snapshotIndex; // conflict: cut here\n',
        replace: '      if (offset === 0) this.entries.length = Math.min(this.entries.length, at - this.snapshotIndex);\n',
      },
    ],
  },
];
