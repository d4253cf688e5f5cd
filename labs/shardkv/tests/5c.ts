/**
 * Part 5C: several controllers at once. Only one can post each next configuration (a versioned
 * Put decides), a cut-off controller that comes back must not undo newer configurations, and
 * recovery rounds run while clerks keep using the service. The Go lab's shardkv1 5C tests, in
 * virtual time.
 */
import { configGids, describeConfig } from '../config-check';
import { seconds, type ShardkvTest, type ShardkvTester, type TestedCtrler } from '../harness';
import { firstGid } from '../types';
import { checkGets, checkPorcupine, clerkRunMaxRaftState, makeKeys, shardkvTest, spawnPutters, spreadPuts, waitFor } from './common';
import { killCtrler } from './5b';

/**
 * One controller's join of `gid` racing other controllers: the change may lose to another's.
 * Returns whether `gid` is in the configuration afterwards.
 */
async function joinRacing(h: ShardkvTester, sck: TestedCtrler, gid: number): Promise<boolean> {
  const servers = h.startGroup(gid);
  const before = await sck.query();
  const next = h.guardSync(sck.id, `joinBalance(config ${before.num}, { ${gid}: [...] })`, () => h.impl.joinBalance(before, { [gid]: servers }));
  h.checkChange(before, next, [...configGids(before), gid], `joinBalance(config ${before.num}, { ${gid}: [...] })`);
  await sck.changeConfigTo(next);
  return (await h.noteConfig(sck)).groups[String(gid)] !== undefined;
}

async function leaveRacing(h: ShardkvTester, sck: TestedCtrler, gid: number): Promise<void> {
  const before = await sck.query();
  if (before.groups[String(gid)] === undefined) return;
  const next = h.guardSync(sck.id, `leaveBalance(config ${before.num}, [${gid}])`, () => h.impl.leaveBalance(before, [gid]));
  h.checkChange(before, next, configGids(before).filter((member) => member !== gid), `leaveBalance(config ${before.num}, [${gid}])`);
  await sck.changeConfigTo(next);
  await h.noteConfig(sck);
}

/** concurCtrler: controllers at once (Go: N = 4), for this long (Go: NSEC = 2). */
const racingCtrlers = 4;
const racingMs = 2_000;

/**
 * Go's concurCtrler: controllers each loop over a fresh controller (initController first),
 * joining a new group and, if the join won, removing it again. Every configuration anyone reads
 * must be valid; afterwards, every value is intact.
 */
async function concurCtrler(h: ShardkvTester): Promise<void> {
  await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  let gid = firstGid;
  let stop = false;
  let running = racingCtrlers;
  for (let i = 0; i < racingCtrlers; i++) {
    void h
      .go(async () => {
        while (!stop) {
          const mine = ++gid;
          const sck = h.makeCtrler();
          await sck.initController();
          if (await joinRacing(h, sck, mine)) await leaveRacing(h, sck, mine);
        }
      })
      .finally(() => running--);
  }
  await h.sleep(racingMs);
  stop = true;
  await waitFor(h, () => running === 0, 30_000, `the ${running} racing controllers finishing their change`);
  const config = await h.noteConfig(h.makeCtrler());
  h.t.log(`after the race: ${describeConfig(config)} (groups 2..${gid} took part)`);
  await checkGets(h, ck, keys, values);
}

const TestConcurrentReliable5C = shardkvTest('TestConcurrentReliable5C', '5C', `${racingCtrlers} controllers join and leave new groups at once for ${racingMs / 1000} s: every configuration is valid, values survive`, {}, concurCtrler);

const TestAcquireLockConcurrentUnreliable5C = shardkvTest('TestAcquireLockConcurrentUnreliable5C', '5C', `${racingCtrlers} controllers join and leave new groups at once for ${racingMs / 1000} s on an unreliable network: every configuration is valid, values survive`, { unreliable: true }, concurCtrler);

/**
 * Go's TestPartitionControllerJoin5C, made stricter: the old controller is stuck joining a group
 * that is down and is cut off; a new controller finishes the join and then makes one more
 * change; when the old one comes back it must not undo that change.
 */
const TestPartitionControllerJoin5C = shardkvTest('TestPartitionControllerJoin5C', '5C', 'a controller stuck joining a down group is cut off; a new one finishes the join and moves on; the old one reconnects and must not post an older configuration', {}, async (h) => {
  const sck0 = await h.setupKVService();
  const ck = h.makeClient();
  const { keys, values } = await spreadPuts(h, ck);
  const sck = h.makeCtrler();
  await sck.initController();
  const gid = 2;
  const servers = h.startGroup(gid);
  h.shutdownGroup(gid);
  const before = await sck.query();
  const target = h.guardSync(sck.id, 'joinBalance', () => h.impl.joinBalance(before, { [gid]: servers }));
  h.checkChange(before, target, [...configGids(before), gid], `joinBalance(config ${before.num}, { ${gid}: [...] })`);
  let oldDone = false;
  void h.go(async () => {
    await sck.changeConfigTo(target);
    oldDone = true;
  });
  await h.sleep(1_000);
  if (oldDone) h.fail('safety', `changeConfigTo(${describeConfig(target)}) returned while group ${gid}, which must receive shards, was down`);
  h.world.network.disconnect(sck.id);
  await h.sleep(1_000);
  h.startGroup(gid);
  const recovering = h.makeCtrler();
  await recovering.initController();
  const recovered = await h.noteConfig(recovering);
  if (recovered.groups[String(gid)] === undefined) h.fail('safety', `a new controller's initController did not finish the cut-off controller's join of group ${gid}: the configuration is ${describeConfig(recovered)}`);
  await h.leaveGroups(recovering, [firstGid]);
  const newest = await sck0.query();
  h.world.network.connect(sck.id);
  await waitFor(h, () => oldDone, 10_000, `the reconnected controller's changeConfigTo(${describeConfig(target)}) returning`);
  const final = await h.noteConfig(sck0);
  if (JSON.stringify(final) !== JSON.stringify(newest)) h.fail('safety', `the reconnected controller changed the configuration from ${describeConfig(newest)} to ${describeConfig(final)} at ${seconds(h.now())}: a controller that was superseded must not post its configuration`);
  await checkGets(h, ck, keys, values);
});

/** The partition-recovery tests' clerks run this long (Go: 60 s), 5 of them. */
const recoveryClerkMs = 60_000;
const recoveryClerks = 5;

function partitionRecovery(name: string, unreliable: boolean, rounds: number, clerks: number): ShardkvTest {
  const withClerks = clerks > 0 ? `, while ${clerks} clerks race Puts for ${recoveryClerkMs / 1000} s (the history must be linearizable)` : '';
  return shardkvTest(name, '5C', `${rounds} rounds of a controller cut off mid-change and a new one recovering${unreliable ? ' on an unreliable network' : ''}${withClerks}`, { unreliable, maxRaftState: clerks > 0 ? clerkRunMaxRaftState : -1 }, async (h) => {
    await h.setupKVService();
    const ck = h.makeClient();
    const { keys, values } = clerks > 0 ? { keys: [], values: [] } : await spreadPuts(h, ck);
    const finished = clerks > 0 ? spawnPutters(h, clerks, makeKeys(), recoveryClerkMs) : Promise.resolve(0);
    let gid = firstGid;
    for (let round = 0; round < rounds; round++) await killCtrler(h, ck, keys, values, () => ++gid);
    h.t.countOps(await finished);
    if (clerks > 0) checkPorcupine(h);
  });
}

export const tests5C: readonly ShardkvTest[] = [
  TestConcurrentReliable5C,
  TestAcquireLockConcurrentUnreliable5C,
  TestPartitionControllerJoin5C,
  partitionRecovery('TestPartitionRecoveryReliableNoClerk5C', false, 5, 0),
  partitionRecovery('TestPartitionRecoveryUnreliableNoClerk5C', true, 3, 0),
  partitionRecovery('TestPartitionRecoveryReliableClerks5C', false, 5, recoveryClerks),
  partitionRecovery('TestPartitionRecoveryUnreliableClerks5C', true, 3, recoveryClerks),
];
