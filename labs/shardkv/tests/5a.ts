/**
 * Part 5A: configurations, moving shards, serving only owned shards. The Go lab's shardkv1 5A
 * tests under their names, with their scenarios and thresholds, in virtual time, plus the
 * shardcfg test (TestBasic) run on the student's joinBalance / leaveBalance.
 */
import { checkConfig, configGids, describeConfig, fewestMoves } from '../config-check';
import { interGroupDelayMs, type ShardkvTest, type ShardkvTester } from '../harness';
import { firstGid, firstNum, key2shard, shardCount, type ShardConfig, type ShardkvImplementation } from '../types';
import { checkGet, checkGets, clerkRunMaxRaftState, checkPorcupine, checkShutdownSharding, makeKeys, shardkvTest, spawnPutters, spreadPuts, waitFor } from './common';

/** Runs a configuration function of the student's; a throw fails the test as a crash naming it. */
function configStep(h: ShardkvTester, what: string, step: () => ShardConfig): ShardConfig {
  return h.guardSync('tester', what, step);
}

const TestBasic = shardkvTest('TestBasic', '5A', "shardcfg: join 1, join 2, leave 1, leave 2 (and a run of 8 groups joining and leaving): balanced within one, the fewest shards moved, server lists kept", {}, async (h) => {
  const impl: ShardkvImplementation = h.impl;
  const servers = (gid: number) => [`s${gid}a`, `s${gid}b`, `s${gid}c`];
  let config = configStep(h, 'makeShardConfig()', () => impl.makeShardConfig());
  const problem = checkConfig(config, []);
  if (problem !== null) h.fail('safety', `makeShardConfig() gave ${JSON.stringify(config)}: ${problem}`);
  const steps: Array<{ readonly join: number } | { readonly leave: number }> = [{ join: 1 }, { join: 2 }, { leave: 1 }, { leave: 2 }];
  for (let gid = 1; gid <= 8; gid++) steps.push({ join: gid });
  for (let gid = 1; gid <= 8; gid += 2) steps.push({ leave: gid });
  for (const step of steps) {
    const before = config;
    const gids = 'join' in step ? [...configGids(before), step.join] : configGids(before).filter((gid) => gid !== step.leave);
    const what = 'join' in step ? `joinBalance(${describeConfig(before)}, { ${step.join}: [...] })` : `leaveBalance(${describeConfig(before)}, [${step.leave}])`;
    config = configStep(h, what, () => ('join' in step ? impl.joinBalance(before, { [step.join]: servers(step.join) }) : impl.leaveBalance(before, [step.leave])));
    h.checkChange(before, config, gids, what);
    for (const gid of gids) {
      if (JSON.stringify(config.groups[String(gid)]) !== JSON.stringify(servers(gid))) h.fail('safety', `${what} gave group ${gid} the servers ${JSON.stringify(config.groups[String(gid)])}; expected ${JSON.stringify(servers(gid))} (kept from its join)`);
    }
  }
});

const TestInitQuery5A = shardkvTest('TestInitQuery5A', '5A', 'initConfig then query: configuration 1, every shard on group 1', {}, async (h) => {
  const sck = await h.setupKVService();
  const config = await sck.query();
  if (config.num !== firstNum) h.fail('safety', `query() returned configuration ${config.num}; expected ${firstNum} after initConfig`);
  if (config.shards[0] !== firstGid) h.fail('safety', `query() puts shard 0 on group ${config.shards[0]}; expected group ${firstGid}`);
  const problem = checkConfig(config, [firstGid]);
  if (problem !== null) h.fail('safety', problem);
});

const TestStaticOneShardGroup5A = shardkvTest('TestStaticOneShardGroup5A', '5A', "one group owns every shard: 60 Puts, kill the group's Raft leader, every Get still returns its value", {}, async (h) => {
  await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  const leader = h.leaderOf(firstGid);
  if (leader !== null) h.world.crash(leader);
  await checkGets(h, ck, keys, values);
});

const TestJoinBasic5A = shardkvTest('TestJoinBasic5A', '5A', 'join group 2: the configuration number goes up by one with group 2 in it, values survive, and a group shut down stops (only) its shards', {}, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  const before = await sck.query();
  await h.joinGroups(sck, [2]);
  const after = await sck.query();
  if (after.num !== before.num + 1) h.fail('safety', `after joining group 2 the configuration is ${after.num}; expected ${before.num + 1}`);
  if (after.groups['2'] === undefined) h.fail('safety', `after joining group 2 it is not in configuration ${after.num}`);
  await checkGets(h, ck, keys, values);
  await checkShutdownSharding(h, firstGid, keys, values);
  await checkGets(h, ck, keys, values);
});

/** TestDeleteBasic5A: snapshot when the Raft state passes this many bytes (Go: MAXRAFTSTATE). */
const deleteMaxRaftState = 10_000;
/** Value size in TestDeleteBasic5A (Go: VALUESZ). */
const deleteValueBytes = 1_000;
/** Rounds of Gets of every key at most, waiting for every server to snapshot again. */
const deleteRoundsMax = 8;
/** How much more the two groups' snapshots may hold than group 1's alone before the join. */
const deleteSlackBytes = 10_000;

/** The largest snapshot among a group's servers (Go: ServerGrp.SnapshotSize). */
function snapshotBytes(h: ShardkvTester, gid: number): number {
  return Math.max(...(h.groups.get(gid) ?? []).map((id) => h.world.persister(id).snapshotSize()));
}

const TestDeleteBasic5A = shardkvTest(
  'TestDeleteBasic5A',
  '5A',
  `60 values of ${deleteValueBytes} bytes, join group 2, Gets until the servers snapshot again: both groups' snapshots together stay within group 1's before plus ${deleteSlackBytes} bytes (moved shards are deleted)`,
  { maxRaftState: deleteMaxRaftState },
  async (h) => {
    await h.setupKVService();
    const ck = h.makeClient();
    const { keys, values } = await spreadPuts(h, ck, undefined, deleteValueBytes);
    const before = snapshotBytes(h, firstGid);
    await h.joinGroups(h.makeCtrler(), [2]);
    // Go pushes 5 rounds of Gets "so that all peers snapshot"; here rounds go on (up to
    // `deleteRoundsMax`) until every server's latest snapshot is small enough, since how many
    // Gets a snapshot needs depends on the size of your log entries.
    let [one, two] = [snapshotBytes(h, firstGid), snapshotBytes(h, 2)];
    for (let round = 0; round < deleteRoundsMax && one + two > before + deleteSlackBytes; round++) {
      await checkGets(h, ck, keys, values);
      [one, two] = [snapshotBytes(h, firstGid), snapshotBytes(h, 2)];
    }
    h.t.log(`snapshot bytes: group 1 ${before} before the join; after: group 1 ${one}, group 2 ${two}`);
    if (one + two > before + deleteSlackBytes) {
      h.fail('safety', `after the join and ${deleteRoundsMax} rounds of Gets of every key, the snapshots hold ${one} (group 1) + ${two} (group 2) bytes, more than ${before} (group 1 before) + ${deleteSlackBytes}: group 1 must delete the shards it gave away`);
    }
  },
);

const TestJoinLeaveBasic5A = shardkvTest('TestJoinLeaveBasic5A', '5A', 'join group 2, group 1 leaves and shuts down, values survive; group 1 restarts and joins again', {}, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  await h.joinGroups(sck, [2]);
  await checkGets(h, ck, keys, values);
  await h.leaveGroups(sck, [firstGid]);
  h.shutdownGroup(firstGid);
  await checkGets(h, ck, keys, values);
  h.startGroup(firstGid);
  await h.joinGroups(sck, [firstGid]);
  await checkGets(h, ck, keys, values);
});

/** Groups beyond the first in the many-groups tests (Go: 8 groups in all). */
const manyGroups = [2, 3, 4, 5, 6, 7, 8];

function joinLeave(name: string, unreliable: boolean): ShardkvTest {
  return shardkvTest(name, '5A', `${manyGroups.length} groups join one by one, one shuts down while clerks read, all leave again${unreliable ? ', on an unreliable network' : ''}: values survive`, { unreliable }, async (h) => {
    const sck = await h.setupKVService();
    const ck = h.makeClient();
    const { keys, values } = await spreadPuts(h, ck);
    await h.joinGroups(sck, manyGroups);
    await checkShutdownSharding(h, manyGroups[0], keys, values);
    await checkGets(h, ck, keys, values);
    await h.leaveGroups(sck, manyGroups);
    await checkGets(h, ck, keys, values);
  });
}

const TestShutdown5A = shardkvTest('TestShutdown5A', '5A', 'three groups, every server shut down and restarted: values survive (no snapshots)', {}, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  await h.joinGroups(sck, [2, 3]);
  await checkShutdownSharding(h, 2, keys, values);
  for (const gid of [1, 2, 3]) h.shutdownGroup(gid);
  for (const gid of [1, 2, 3]) h.startGroup(gid);
  await checkGets(h, ck, keys, values);
});

/** TestProgressShutdown5A: a Get of a key on a live group must finish within this (Go: 2 s). */
const progressMs = 2_000;

const TestProgressShutdown5A = shardkvTest('TestProgressShutdown5A', '5A', `four groups, two shut down: every Get of a key on a live group finishes within ${progressMs / 1000} s`, {}, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  await h.joinGroups(sck, [2, 3, 4]);
  const config = await sck.query();
  h.shutdownGroup(1);
  h.shutdownGroup(3);
  const live = keys.flatMap((key, i) => ([1, 3].includes(config.shards[key2shard(key)]) ? [] : [i]));
  let done = 0;
  for (const i of live) {
    const reader = h.makeClient();
    void h.go(async () => {
      await checkGet(h, reader, keys[i], values[i]);
      done++;
    });
  }
  await waitFor(h, () => done === live.length, progressMs, `Gets of the ${live.length} keys on groups 2 and 4 (${live.length - done} still waiting)`);
  h.t.countOps(live.length);
});

/** TestProgressJoin5A: Gets of unmoved shards needed within `progressJoinMs` while a group joins and leaves. */
const progressJoinGets = 100;
const progressJoinMs = 4_000;

/** The keys whose shard stays on the same group when `gid` joins `config` and leaves again. */
function unmovedKeys(h: ShardkvTester, config: ShardConfig, gid: number, servers: readonly string[]): number[] {
  const joined = configStep(h, 'joinBalance', () => h.impl.joinBalance(config, { [gid]: servers }));
  const stays = new Set(Array.from({ length: shardCount }, (_, s) => s).filter((s) => joined.shards[s] === config.shards[s]));
  return makeKeys().flatMap((key, i) => (stays.has(key2shard(key)) ? [i] : []));
}

const TestProgressJoin5A = shardkvTest('TestProgressJoin5A', '5A', `a group joins and leaves over and over: at least ${progressJoinGets} Gets of shards that do not move finish within ${progressJoinMs / 1000} s`, {}, async (h) => {
  const sck = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  await h.joinGroups(sck, [2, 3]);
  const config = await sck.query();
  const mover = 4;
  const steady = unmovedKeys(h, config, mover, h.serversOf(mover));
  if (steady.length === 0) h.fail('safety', `joining group ${mover} to ${describeConfig(config)} moves every key's shard; a balanced join moves only ${fewestMoves(config, [...configGids(config), mover])} shards`);
  let stop = false;
  void h.go(async () => {
    while (!stop) {
      await h.joinGroups(sck, [mover]);
      if (!stop) await h.leaveGroups(sck, [mover]);
    }
  });
  let gets = 0;
  const readers = Array.from({ length: 5 }, () => h.makeClient());
  for (const reader of readers) {
    void h.go(async () => {
      while (!stop) {
        const i = steady[h.randomInt(steady.length)];
        await checkGet(h, reader, keys[i], values[i]);
        gets++;
      }
    });
  }
  await h.sleep(progressJoinMs);
  stop = true;
  h.t.countOps(gets);
  if (gets < progressJoinGets) h.fail('liveness', `only ${gets} Gets of shards that never move finished in ${progressJoinMs / 1000} s while group ${mover} joined and left (at least ${progressJoinGets} needed): a shard that stays must keep being served during moves`);
  await h.sleep(interGroupDelayMs);
});

/** The concurrent-clerk tests: clerks race Puts for this long while groups join and leave (Go: 20 s). */
const concurrentMs = 20_000;

function concurrentClerk(name: string, clerks: number, unreliable: boolean): ShardkvTest {
  return shardkvTest(name, '5A', `${clerks} clerk${clerks > 1 ? 's' : ''} race versioned Puts on 60 keys for ${concurrentMs / 1000} s while ${manyGroups.length} groups join and leave${unreliable ? ' (unreliable network)' : ''}: the history is linearizable`, { unreliable, maxRaftState: clerkRunMaxRaftState }, async (h) => {
    const sck = await h.setupKVService();
    const finished = spawnPutters(h, clerks, makeKeys(), concurrentMs);
    await h.joinGroups(sck, manyGroups);
    await h.leaveGroups(sck, manyGroups);
    h.t.countOps(await finished);
    checkPorcupine(h);
  });
}

export const tests5A: readonly ShardkvTest[] = [
  TestBasic,
  TestInitQuery5A,
  TestStaticOneShardGroup5A,
  TestJoinBasic5A,
  TestDeleteBasic5A,
  TestJoinLeaveBasic5A,
  joinLeave('TestManyJoinLeaveReliable5A', false),
  joinLeave('TestManyJoinLeaveUnreliable5A', true),
  TestShutdown5A,
  TestProgressShutdown5A,
  TestProgressJoin5A,
  concurrentClerk('TestOneConcurrentClerkReliable5A', 1, false),
  concurrentClerk('TestManyConcurrentClerkReliable5A', 10, false),
  concurrentClerk('TestOneConcurrentClerkUnreliable5A', 1, true),
  concurrentClerk('TestManyConcurrentClerkUnreliable5A', 10, true),
];
