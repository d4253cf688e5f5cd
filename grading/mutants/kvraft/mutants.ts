/**
 * Buggy variants of the reference lab 4 (grading/solutions/kvraft/kvraft.ts), each one real
 * student mistake, written as exact text edits so they follow the reference as it evolves: an
 * edit whose `find` text no longer occurs exactly once makes the mutant runner fail loudly.
 * `caughtBy` names the tests aimed at each (the quick CI check runs those on seed 1).
 */
import type { Mutant } from '../mutant';

export const kvraftMutants: readonly Mutant[] = [
  {
    name: 'rsm-no-leadership-check',
    mistake: 'the RSM never notices that it lost its term: a deposed leader cut off from the majority keeps its callers waiting forever',
    edits: [{ find: '    interval(leadershipCheckMs, ctx.scheduler).subscribe(() => this.checkLeadership());\n', replace: '' }],
    caughtBy: ['TestLeaderPartition4A'],
  },
  {
    name: 'rsm-reply-from-another-entry',
    mistake: 'the RSM answers OK with whatever entry was applied at the index, even when another leader put a different request there',
    edits: [{ find: "      waiting.resolve(waiting.id === op.id ? { err: 'OK', value } : wrongLeader);", replace: "      waiting.resolve({ err: 'OK', value });" }],
    caughtBy: ['TestLeaderPartition4A'],
  },
  {
    name: 'rsm-reply-before-commit',
    mistake: 'submit answers as soon as Raft accepted the request, before it is committed and applied',
    edits: [{ find: '    return new Promise((resolve) => this.pending.set(index, { id, term, resolve }));', replace: "    return Promise.resolve({ err: 'OK', value: null });" }],
    caughtBy: ['TestBasic4A'],
  },
  {
    name: 'rsm-no-restore-at-start',
    mistake: 'a restarted replica does not restore its state machine from the persisted snapshot',
    edits: [{ find: '    if (snapshot !== null) this.install(snapshot);\n', replace: '' }],
    caughtBy: ['TestSnapshot4C'],
  },
  {
    name: 'rsm-never-snapshots',
    mistake: 'the RSM never asks Raft to compact its log',
    edits: [{ find: '    if (maxRaftState < 0 || this.ctx.persister.stateSize() < maxRaftState) return;', replace: '    return;' }],
    caughtBy: ['TestSnapshot4C'],
  },
  {
    name: 'server-reads-locally',
    mistake: 'the leader answers a Get from its own map without going through the log: a deposed leader serves stale values',
    edits: [
      {
        find: "    return (await this.submit({ kind: 'get', key: args.key })) as GetRpcReply;",
        replace: "    if (!this.replicated.raft().getState().isLeader) return { err: 'ErrWrongLeader' };\n    return this.doOp({ kind: 'get', key: args.key }) as GetRpcReply;",
      },
    ],
    caughtBy: ['TestOnePartition4B'],
  },
  {
    name: 'new-key-version-zero',
    mistake: 'a Put that creates a key stores version 0 instead of 1 (lab 2: a new key gets version 1)',
    edits: [{ find: '      this.data.set(req.key, { value: req.value, version: 1 });', replace: '      this.data.set(req.key, { value: req.value, version: 0 });' }],
    caughtBy: ['TestBasic4B', 'TestSnapshotRPC4C'],
  },
  {
    name: 'server-ignores-version',
    mistake: 'the state machine installs every Put on an existing key, whatever its version',
    edits: [{ find: "    if (entry.version !== req.version) return { err: 'ErrVersion' };\n", replace: '' }],
    caughtBy: ['TestConcurrent4B'],
  },
  {
    name: 'snapshot-without-data',
    mistake: "the snapshot leaves out the key/value map, so a server restarted from it forgets every key",
    edits: [{ find: '    return [...this.data].map(([key, { value, version }]) => [key, value, version]);', replace: '    return [];' }],
    caughtBy: ['TestSnapshotRecover4C'],
  },
  {
    name: 'clerk-never-errmaybe',
    mistake: 'the Clerk returns ErrVersion for a resent Put, though its first copy may have applied',
    edits: [{ find: "      if (reply !== null) return reply.err === 'ErrVersion' && resent ? 'ErrMaybe' : (reply.err as PutErr);", replace: '      if (reply !== null) return reply.err as PutErr;' }],
    caughtBy: ['TestUnreliable4B', 'TestPersistConcurrentUnreliable4B'],
  },
];
