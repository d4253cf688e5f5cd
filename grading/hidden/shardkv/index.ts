/**
 * Hidden shardkv scenarios: what the public suite lacks. Names say what is tested, never how:
 * the sources stay here, and failure sentences come from the public harness.
 *
 * Scripted scenarios steer the run by watching the trace (`whenEvent`): they act the moment a
 * shard RPC reaches a group, so the interleaving they need happens on every seed.
 */
import type { TraceEvent } from 'distlab';
import type { LabTest } from 'distlab/testing';
import { shardkvLatency, shardkvEventsMax, type ShardkvTester } from '../../../labs/shardkv/harness';
import { describeConfig } from '../../../labs/shardkv/config-check';
import { checkGet, checkGets, clerkRunMaxRaftState, makeKeys, shardkvTest, spawnPutters, spreadPuts, waitFor } from '../../../labs/shardkv/tests/common';
import { checkLinearizable } from '../../../labs/kvsrv/tests/kv';
import { firstGid, groupRpcNames, key2shard, type ShardkvImplementation } from '../../../labs/shardkv/types';

type ShardkvTest = LabTest<ShardkvImplementation>;

/** Runs `action` once, just after the first trace event that matches (as tester code, at the same virtual time). */
function whenEvent(h: ShardkvTester, matches: (event: TraceEvent) => boolean, action: (event: TraceEvent) => void): void {
  const subscription = h.world.trace.events$.subscribe((event) => {
    if (!matches(event)) return;
    subscription.unsubscribe();
    h.world.schedule(0, () => action(event));
  });
}

/** A request of `method` delivered to a server of group `gid`. */
function delivered(method: string, gid: number): (event: TraceEvent) => boolean {
  return (event) => event.type === 'net.deliver' && event.kind === 'request' && event.method === method && event.target.startsWith(`g${gid}-`);
}

/**
 * Every shard RPC may arrive twice (and late): groups leave and come back while clerks race
 * Puts. Installs and deletes for older configurations must change nothing.
 */
const HiddenDuplicatedShardRpcs: ShardkvTest = {
  ...shardkvTest('HiddenDuplicatedShardRpcs', '5A', 'requests are dropped and duplicated (30%) while groups join, leave and come back and clerks race Puts: late or repeated shard RPCs change nothing; values and history hold', { maxRaftState: clerkRunMaxRaftState }, async (h) => {
    const sck = await h.setupKVService();
    const ck = h.makeClient();
    const { keys, values } = await spreadPuts(h, ck, 20, 20, true);
    const racing = makeKeys(40).slice(20);
    const finished = spawnPutters(h, 3, racing, 8_000);
    await h.joinGroups(sck, [2, 3]);
    await h.leaveGroups(sck, [firstGid]);
    await h.joinGroups(sck, [firstGid]);
    await h.leaveGroups(sck, [2]);
    await h.joinGroups(sck, [2]);
    h.t.countOps(await finished);
    await checkGets(h, ck, keys, values);
    // A duplicate may apply first and the original then get ErrVersion (docs/kvsrv.md).
    checkLinearizable(h, 20_000, { errVersionUncertain: true });
  }),
  world: { network: { reliable: false, latency: shardkvLatency, duplicateProbability: 0.3 }, eventsMax: shardkvEventsMax, traceEventsKeptMax: 400_000, traceTimers: false },
};

/**
 * A controller stuck freezing shards at a down group is cut off; a new controller finishes its
 * change and then moves the shards back. When the old controller returns, its freezes and
 * installs are for an older configuration: the groups must refuse or ignore them.
 */
const HiddenStaleControllerReturns = shardkvTest('HiddenStaleControllerReturns', '5C', 'a cut-off controller comes back with freezes and installs for a configuration two changes old: every group keeps serving what it owns, values survive', {}, async (h) => {
  const sck0 = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  await h.joinGroups(sck0, [2]);
  const stale = h.makeCtrler();
  await stale.initController();
  const before = await stale.query();
  const target = h.guardSync(stale.id, 'leaveBalance', () => h.impl.leaveBalance(before, [2]));
  h.shutdownGroup(2);
  let staleDone = false;
  void h.go(async () => {
    await stale.changeConfigTo(target);
    staleDone = true;
  });
  await h.sleep(1_000);
  h.world.network.disconnect(stale.id);
  h.startGroup(2);
  const fresh = h.makeCtrler();
  await fresh.initController();
  await h.noteConfig(fresh);
  await h.joinGroups(fresh, [2]);
  const newest = await fresh.query();
  h.world.network.connect(stale.id);
  await waitFor(h, () => staleDone, 10_000, `the returning controller's changeConfigTo(${describeConfig(target)}) finishing`);
  await h.sleep(1_000);
  const now = await h.noteConfig(fresh);
  if (JSON.stringify(now) !== JSON.stringify(newest)) h.fail('safety', `the returning controller changed the configuration from ${describeConfig(newest)} to ${describeConfig(now)}`);
  let done = 0;
  keys.forEach((key, i) => void h.go(async () => (await checkGet(h, h.makeClient(), key, values[i]), void done++)));
  await waitFor(h, () => done === keys.length, 5_000, `Gets of all ${keys.length} keys after the old controller returned (${keys.length - done} still waiting: a group stopped serving a shard it owns?)`);
});

/** A configuration change racing with a group's leader change: the source's leader crashes as a FreezeShard reaches it. */
const HiddenMoveDuringLeaderChange = shardkvTest('HiddenMoveDuringLeaderChange', '5A', "the server of group 1 that receives the first FreezeShard crashes on the spot and restarts 1 s later, while clerks race Puts: the join finishes, values and history hold", { maxRaftState: clerkRunMaxRaftState }, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck, 20);
  whenEvent(h, delivered(groupRpcNames.freezeShard, firstGid), (event) => {
    const victim = event.type === 'net.deliver' ? event.target : h.serversOf(firstGid)[0];
    h.world.crash(victim);
    h.world.schedule(1_000, () => h.world.restart(victim));
  });
  const finished = spawnPutters(h, 3, makeKeys(40).slice(20), 4_000);
  await h.joinGroups(sck, [2]);
  h.t.countOps(await finished);
  await checkGets(h, ck, keys, values);
  checkLinearizable(h, 20_000);
});

/**
 * A frozen shard whose destination crashes: group 2 goes down as the first InstallShard reaches
 * it. The join waits; meanwhile shards that stay on group 1 keep serving; once group 2 restarts
 * the join finishes.
 */
const HiddenDestinationCrashesMidMove = shardkvTest('HiddenDestinationCrashesMidMove', '5B', 'group 2 shuts down as the first InstallShard reaches it: the join waits for it, shards that stay on group 1 keep serving meanwhile (at least 50 Gets in 2 s), the join finishes after the restart', {}, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  const before = await sck.query();
  const planned = h.impl.joinBalance(before, { 2: h.serversOf(2) });
  const staying = keys.flatMap((key, i) => (planned.shards[key2shard(key)] === firstGid ? [i] : []));
  whenEvent(h, delivered(groupRpcNames.installShard, 2), () => h.shutdownGroup(2));
  let joined = false;
  void h.go(async () => {
    await h.joinGroups(sck, [2]);
    joined = true;
  });
  await waitFor(h, () => !h.world.isUp(h.serversOf(2)[0]), 10_000, 'an InstallShard reaching group 2');
  let gets = 0;
  const reader = h.makeClient();
  const until = h.now() + 2_000;
  while (h.now() < until && staying.length > 0) {
    const i = staying[gets % staying.length];
    await checkGet(h, reader, keys[i], values[i]);
    gets++;
  }
  if (joined) h.fail('safety', 'the join finished while group 2, which must receive shards, was down');
  if (gets < 50) h.fail('liveness', `only ${gets} Gets of shards that stay on group 1 finished in 2 s while a move to the down group 2 was stuck (at least 50 needed): unaffected shards must keep serving`);
  h.t.log(`${gets} Gets of unmoved shards in 2 s during the stuck move`);
  h.startGroup(2);
  await waitFor(h, () => joined, 5_000, 'the join of group 2 after it restarted');
  await checkGets(h, ck, keys, values);
});

/** A reply of `method` sent by a server of group `gid`. */
function replied(method: string, gid: number): (event: TraceEvent) => boolean {
  return (event) => event.type === 'net.send' && event.kind === 'reply' && event.method === method && event.source.startsWith(`g${gid}-`);
}

/**
 * A controller removing group 2 gets stuck at `stuckAt` (the group it must reach next shuts down
 * the moment the previous step is acknowledged) and is cut off. A new controller finishes the
 * change, a clerk writes new values, and (for a stuck delete) the shards go back to group 2. Then
 * the old controller returns: its install (or delete) is for an older configuration and must
 * change nothing; every key keeps its newest value.
 */
async function staleStep(h: ShardkvTester, stuckAt: 'install' | 'delete'): Promise<void> {
  const sck0 = await h.setupKVService();
  const ck = h.makeClient();
  const { keys } = await spreadPuts(h, ck);
  await h.joinGroups(sck0, [2]);
  const stale = h.makeCtrler();
  await stale.initController();
  const before = await stale.query();
  const target = h.guardSync(stale.id, 'leaveBalance', () => h.impl.leaveBalance(before, [2]));
  const [acknowledged, down] = stuckAt === 'install' ? [replied(groupRpcNames.freezeShard, 2), firstGid] : [replied(groupRpcNames.installShard, firstGid), 2];
  whenEvent(h, acknowledged, () => h.shutdownGroup(down));
  let staleDone = false;
  void h.go(async () => {
    await stale.changeConfigTo(target);
    staleDone = true;
  });
  await waitFor(h, () => !h.world.isUp(h.serversOf(down)[0]), 10_000, `group ${down} shutting down as the old controller's moves are acknowledged`);
  await h.sleep(1_000);
  h.world.network.disconnect(stale.id);
  h.startGroup(down);
  const fresh = h.makeCtrler();
  await fresh.initController();
  await h.noteConfig(fresh);
  const latest: string[] = [];
  for (const key of keys) {
    const { version } = await ck.get(key);
    latest.push(`new-${key}`);
    if ((await ck.put(key, `new-${key}`, version)) !== 'OK') h.fail('safety', `Put(${JSON.stringify(key)}, …, ${version}) with the version just read did not return OK`);
  }
  if (stuckAt === 'delete') await h.joinGroups(fresh, [2]);
  h.world.network.connect(stale.id);
  await waitFor(h, () => staleDone, 10_000, `the returning controller's changeConfigTo(${describeConfig(target)}) finishing`);
  await h.sleep(1_000);
  await checkGets(h, ck, keys, latest);
}

const HiddenStaleInstallArrives = shardkvTest('HiddenStaleInstallArrives', '5C', "a cut-off controller's InstallShard with old data arrives after a new controller finished the move and clerks wrote new values: it changes nothing", {}, (h) => staleStep(h, 'install'));

const HiddenStaleDeleteArrives = shardkvTest('HiddenStaleDeleteArrives', '5C', "a cut-off controller's DeleteShard arrives after the shard came back to that group in a newer configuration: it changes nothing", {}, (h) => staleStep(h, 'delete'));

/**
 * A Put is applied but its reply is lost: the link from the group's server back to the clerk is
 * cut as the Put arrives. The Clerk's resend finds the version moved on: it must say ErrMaybe.
 */
const HiddenPutReplyLost = shardkvTest('HiddenPutReplyLost', '5A', "a Put's reply is lost after the group applied it: the resend gets ErrVersion, so the Clerk must return ErrMaybe (or OK), never ErrVersion", {}, async (h) => {
  await h.setupKVService();
  const ck = h.makeClient();
  await spreadPuts(h, ck, 10);
  for (let round = 0; round < 5; round++) {
    const key = String(round);
    const { version } = await ck.get(key);
    whenEvent(h, (event) => event.type === 'net.deliver' && event.kind === 'request' && event.method === groupRpcNames.put && event.source === ck.id, (event) => {
      if (event.type !== 'net.deliver') return;
      h.world.network.cut(event.target, ck.id);
      h.world.schedule(1_000, () => h.world.network.uncut(event.target, ck.id));
    });
    const err = await ck.put(key, `v${round}`, version);
    const after = await ck.get(key);
    if (after.value === `v${round}` && err === 'ErrVersion') h.fail('safety', `Put(${JSON.stringify(key)}, "v${round}", ${version}) returned ErrVersion, but its value is there at version ${after.version}: its first copy was applied and the reply lost, so the resend's ErrVersion means ErrMaybe`);
    if (after.value !== `v${round}`) h.fail('safety', `Put(${JSON.stringify(key)}, "v${round}", ${version}) returned ${err}, but Get returned ${JSON.stringify(after.value)}: the only Put of that version was lost`);
  }
});

export const hiddenTests: readonly ShardkvTest[] = [
  HiddenDuplicatedShardRpcs,
  HiddenStaleControllerReturns,
  HiddenStaleInstallArrives,
  HiddenStaleDeleteArrives,
  HiddenMoveDuringLeaderChange,
  HiddenDestinationCrashesMidMove,
  HiddenPutReplyLost,
];
