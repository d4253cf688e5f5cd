/**
 * Buggy variants of the shardkv reference (grading/solutions/shardkv/*.ts), each one real student
 * mistake, written as exact text edits so they follow the reference as it evolves: an edit
 * whose `find` text no longer occurs exactly once makes the mutant runner fail loudly.
 * `caughtBy` names the tests aimed at each mistake (CI runs those on one seed).
 */
import type { Mutant } from '../mutant';

export const shardkvMutants: readonly Mutant[] = [
  {
    name: 'serves-frozen-shard',
    mistake: 'FreezeShard hands the shard over but the group keeps serving it',
    edits: [{ file: 'group.ts', find: "status: shard.status === 'serving' ? 'frozen' : shard.status", replace: 'status: shard.status' }],
    caughtBy: ['TestJoinBasic5A', 'HiddenMoveDuringLeaderChange'],
  },
  {
    name: 'serves-any-shard',
    mistake: 'the group answers Gets and Puts of any key, whether or not it owns the shard',
    edits: [
      { file: 'group.ts', find: "    if (shard.status !== 'serving') return { value: '', version: 0, err: 'ErrWrongGroup' };\n", replace: '' },
      { file: 'group.ts', find: "    if (shard.status !== 'serving') return { err: 'ErrWrongGroup' };\n", replace: '' },
    ],
    caughtBy: ['TestJoinBasic5A', 'HiddenMoveDuringLeaderChange'],
  },
  {
    name: 'freeze-not-fenced',
    mistake: 'FreezeShard does not compare configuration numbers, so a superseded controller can freeze a shard its group owns in a newer configuration',
    edits: [{ file: 'group.ts', find: "    if (num < shard.num || (num === shard.num && shard.status === 'serving')) return { state: '', num: shard.num, err: 'ErrWrongGroup' };\n", replace: '' }],
    caughtBy: ['HiddenStaleControllerReturns'],
  },
  {
    name: 'install-not-fenced',
    mistake: 'InstallShard installs whatever arrives, so a late or duplicated install overwrites newer data',
    edits: [{ file: 'group.ts', find: "    if (num <= this.shards[index].num) return { err: 'OK' };\n", replace: '' }],
    caughtBy: ['HiddenStaleInstallArrives'],
  },
  {
    name: 'delete-not-fenced',
    mistake: 'DeleteShard deletes the shard whatever its state, so a late or duplicated delete wipes a shard the group got back',
    edits: [{ file: 'group.ts', find: "    if (num >= shard.num && shard.status === 'frozen') this.shards[index]", replace: '    this.shards[index]' }],
    caughtBy: ['HiddenStaleDeleteArrives'],
  },
  {
    name: 'never-deletes',
    mistake: 'DeleteShard does nothing: a group keeps every shard it ever gave away',
    edits: [{ file: 'group.ts', find: "    if (num >= shard.num && shard.status === 'frozen') this.shards[index] = { num, status: 'absent', data: {} };\n", replace: '' }],
    caughtBy: ['TestDeleteBasic5A'],
  },
  {
    name: 'freeze-loses-data',
    mistake: 'FreezeShard returns an empty shard instead of its keys, so a move loses them',
    edits: [{ file: 'group.ts', find: "    return { state: JSON.stringify(shard.data), num, err: 'OK' };", replace: "    return { state: '{}', num, err: 'OK' };" }],
    caughtBy: ['TestJoinBasic5A'],
  },
  {
    name: 'unbalanced-join',
    mistake: 'the group with the most shards takes every leftover shard, so group sizes can differ by more than one',
    edits: [{ file: 'shardcfg.ts', find: 'base + (rank < shardCount % gids.length ? 1 : 0)', replace: 'base + (rank === 0 ? shardCount % gids.length : 0)' }],
    caughtBy: ['TestBasic'],
  },
  {
    name: 'rebalance-moves-everything',
    mistake: 'rebalancing deals every shard out again from scratch: balanced, but far more shards move than needed',
    edits: [{ file: 'shardcfg.ts', find: 'current.forEach((gid, shard) => (held.get(gid) ?? free).push(shard));', replace: 'current.forEach((_gid, shard) => free.push(shard));' }],
    caughtBy: ['TestBasic'],
  },
  {
    name: 'no-recovery',
    mistake: 'initController does not finish the change an earlier controller claimed, so a half-done change stays half done',
    edits: [{ file: 'ctrler.ts', find: '    if (now.config !== null && next.config !== null && next.config.num === now.config.num + 1) await this.finish(now, next.config);\n', replace: '' }],
    caughtBy: ['TestRecoverCtrler5B'],
  },
  {
    name: 'no-claim',
    mistake: 'changeConfigTo moves shards without first claiming the next number with a versioned Put, so two controllers both move shards for the same number',
    edits: [
      { file: 'ctrler.ts', find: '    if (next.config !== null && next.config.num >= target.num) return; // another controller has this number\n', replace: '' },
      { file: 'ctrler.ts', find: '    if (!(await this.claim(target, next.version))) return;\n', replace: '    void next;\n' },
    ],
    caughtBy: ['TestRecoverCtrler5B', 'TestConcurrentReliable5C'],
  },
  {
    name: 'clerk-keeps-stale-config',
    mistake: 'the Clerk never reads the configuration again, so it keeps asking a group that gave the shard away',
    edits: [{ file: 'clerk.ts', find: '    this.config = null;\n', replace: '' }],
    caughtBy: ['TestJoinBasic5A'],
  },
  {
    name: 'clerk-errversion-after-resend',
    mistake: 'the Clerk returns ErrVersion for a resent Put, though an earlier copy may have been applied (it must say ErrMaybe)',
    edits: [{ file: 'clerk.ts', find: "answer.reply.err === 'ErrVersion' && uncertain ? 'ErrMaybe' : answer.reply.err", replace: 'answer.reply.err' }],
    caughtBy: ['HiddenPutReplyLost'],
  },
];
