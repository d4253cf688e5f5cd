/**
 * Part 5B: configuration changes that wait for a group that is down, and a new controller that
 * finishes what an old one left half done. The Go lab's shardkv1 5B tests, in virtual time.
 */
import { describeConfig } from '../config-check';
import { seconds, type ShardClient, type ShardkvTest, type ShardkvTester } from '../harness';
import { firstGid } from '../types';
import { checkGets, shardkvTest, spreadPuts, waitFor } from './common';

/** How long a change must stay blocked on a down group, and may take once it is back (Go: NSEC = 2). */
const blockedMs = 2_000;

/** Runs `change` as a concurrent task; the returned function says whether it finished. */
function started(h: ShardkvTester, change: () => Promise<void>): () => boolean {
  let done = false;
  void h.go(async () => {
    await change();
    done = true;
  });
  return () => done;
}

const TestJoinLeave5B = shardkvTest('TestJoinLeave5B', '5B', `a join waits while group 1 is down and finishes within ${blockedMs / 1000} s of its restart; a leave of group 1 waits while group 2 is down and finishes within ${blockedMs / 1000} s of its restart`, {}, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  const before = await sck.query();
  h.shutdownGroup(firstGid);
  const joined = started(h, () => h.joinGroups(sck, [2]));
  await h.sleep(blockedMs);
  if (joined()) h.fail('safety', `joining group 2 finished while group ${firstGid}, which holds every shard, was down: the shards cannot have moved`);
  h.startGroup(firstGid);
  await waitFor(h, joined, blockedMs, `joining group 2 after group ${firstGid} restarted`);
  const after = await sck.query();
  if (after.num !== before.num + 1) h.fail('safety', `after joining group 2 the configuration is ${describeConfig(after)}; expected number ${before.num + 1}`);
  h.shutdownGroup(2);
  const left = started(h, () => h.leaveGroups(sck, [firstGid]));
  await h.sleep(blockedMs);
  if (left()) h.fail('safety', `group ${firstGid} leaving finished while group 2, which must receive its shards, was down`);
  h.startGroup(2);
  await waitFor(h, left, blockedMs, `group ${firstGid} leaving after group 2 restarted`);
  h.shutdownGroup(firstGid);
  await checkGets(h, ck, keys, values);
});

/** killCtrler: the old controller runs for a random 0-1 s before group 1 shuts down, then 2 s more. */
const ctrlerRunMsMax = 1_000;
const ctrlerStuckMs = 2_000;

/**
 * Go's killCtrler, one round: a controller joins and leaves new groups in a loop; group 1 shuts
 * down at a random moment, so a change gets stuck; the controller is cut off; group 1 restarts,
 * and a new controller's initController must finish the stuck change (the new group is in the
 * configuration if it was joining, out if it was leaving). Values must survive.
 */
export async function killCtrler(h: ShardkvTester, ck: ShardClient, keys: readonly string[], values: readonly string[], nextGid: () => number): Promise<void> {
  const sck = h.makeCtrler();
  await sck.initController();
  const { num } = await sck.query();
  let phase = 'join' as 'join' | 'leave';
  let gid = 0;
  const used: number[] = [];
  let deposed = false;
  // The old controller: its calls fail or hang once it is cut off; that is expected, not a test failure.
  void (async () => {
    try {
      while (!deposed) {
        gid = nextGid();
        used.push(gid);
        phase = 'join';
        await h.joinGroups(sck, [gid]);
        if (deposed) return;
        phase = 'leave';
        await h.leaveGroups(sck, [gid]);
      }
    } catch (error) {
      if (!deposed) h.record(h.asFailure(error));
    }
  })();
  await h.sleep(h.randomInt(ctrlerRunMsMax));
  h.shutdownGroup(firstGid);
  await h.sleep(ctrlerStuckMs);
  deposed = true;
  h.world.network.disconnect(sck.id);
  h.startGroup(firstGid);
  const recovering = h.makeCtrler();
  await recovering.initController();
  const config = await h.noteConfig(recovering);
  h.t.log(`${sck.id} was ${phase === 'join' ? 'joining' : 'leaving'} group ${gid}; ${recovering.id} recovered ${describeConfig(config)} at ${seconds(h.now())}`);
  if (config.num <= num) h.fail('safety', `a new controller's initController left the configuration at ${config.num}; the cut-off controller had started a change from ${num} (it was ${phase === 'join' ? 'joining' : 'leaving'} group ${gid}), which must be finished`);
  const present = config.groups[String(gid)] !== undefined;
  if (phase === 'join' && !present) h.fail('safety', `the cut-off controller was joining group ${gid}, but after initController it is not in ${describeConfig(config)}: the half-done join must be finished`);
  if (phase === 'leave' && present) h.fail('safety', `the cut-off controller was removing group ${gid}, but after initController it is still in ${describeConfig(config)}: the half-done leave must be finished`);
  if (present) await h.leaveGroups(recovering, [gid]);
  for (const stopped of used) h.shutdownGroup(stopped);
  h.world.crash(sck.id);
  await checkGets(h, ck, keys, values);
}

/** Rounds of killCtrler in TestRecoverCtrler5B (Go: NPARTITION). */
const recoverRounds = 5;

const TestRecoverCtrler5B = shardkvTest('TestRecoverCtrler5B', '5B', `${recoverRounds} times: a controller is cut off in the middle of a join or leave with group 1 down; a new controller's initController finishes the change`, {}, async (h) => {
  await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  let gid = 1;
  for (let round = 0; round < recoverRounds; round++) await killCtrler(h, ck, keys, values, () => ++gid);
});

export const tests5B: readonly ShardkvTest[] = [TestJoinLeave5B, TestRecoverCtrler5B];
