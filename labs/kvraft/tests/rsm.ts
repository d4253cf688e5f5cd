/**
 * Part 4A (and TestSnapshot4C): the Go lab's kvraft1/rsm tests under their names, with their
 * scenarios and thresholds, in virtual time. Three replicas of a counter; the tester submits
 * straight to a replica's RSM.
 */
import { kvraftWorld, rsmServers, rsmTestVirtualMsMax, runRsmTest, type KvraftTest, type RsmTester } from '../rsm-tester';

/** Fails unless the Inc produced `expected`. */
function expectCounter(h: RsmTester, got: number, expected: number, what: string): void {
  if (got !== expected) h.fail('safety', `${what} returned counter ${got}; expected ${expected}`);
}

function rsmTest(name: string, part: string, description: string, maxRaftState: number, body: (h: RsmTester) => Promise<void>): KvraftTest {
  return {
    name,
    part,
    description,
    world: kvraftWorld({ unreliable: false }),
    virtualMsMax: rsmTestVirtualMsMax,
    run: (t) => runRsmTest(t, maxRaftState, body),
  };
}

const TestBasic4A = rsmTest('TestBasic4A', '4A', '10 sequential Incs: each returns the next counter value, and all 3 replicas reach it', -1, async (h) => {
  for (let i = 0; i < 10; i++) {
    expectCounter(h, await h.oneInc(), i + 1, `Inc number ${i + 1}`);
    await h.checkCounter(i + 1, rsmServers);
  }
  h.t.countOps(10);
});

const TestConcurrent4A = rsmTest('TestConcurrent4A', '4A', '50 concurrent Incs: all 3 replicas reach 51', -1, async (h) => {
  await h.oneInc();
  const tasks = Array.from({ length: 50 }, () => h.go(async () => void (await h.oneInc())));
  await h.waitAll(tasks, 30_000, 'concurrent Incs');
  await h.checkCounter(51, rsmServers);
  h.t.countOps(51);
});

const TestLeaderFailure4A = rsmTest('TestLeaderFailure4A', '4A', 'Inc; disconnect the leader; Inc reaches the 2 others; reconnect: all 3 reach it', -1, async (h) => {
  const first = await h.oneInc();
  await h.checkCounter(first, rsmServers);
  const leader = h.group.leader();
  if (leader === -1) h.fail('liveness', 'no server says it leads after an Inc succeeded');
  h.group.disconnect(leader);
  const second = await h.oneInc();
  await h.checkCounter(second, rsmServers - 1);
  h.group.connect(leader);
  await h.checkCounter(second, rsmServers);
  h.t.countOps(2);
});

/** Decs submitted to the leader once it is in the minority. */
const minorityDecs = 100;

const TestLeaderPartition4A = rsmTest(
  'TestLeaderPartition4A',
  '4A',
  `the leader is partitioned into the minority with ${minorityDecs} pending Decs: none returns OK within 1 s; after healing every one returns within 1 s; the replicas agree`,
  -1,
  async (h) => {
    const first = await h.oneInc();
    await h.checkCounter(first, rsmServers);
    const leader = h.group.leader();
    if (leader === -1) h.fail('liveness', 'no server says it leads after an Inc succeeded');
    const { majority, minority } = h.group.majorityWithout(leader, (max) => h.randomInt(max));
    h.group.partition([majority, minority]);
    let returned = 0;
    const decs = Array.from({ length: minorityDecs }, () =>
      h.go(async () => {
        const result = await h.submit(leader, h.request('dec'));
        if (result.err === 'OK') h.fail('safety', `a Dec submitted to server ${leader}, the old leader cut off in the minority, returned OK: it cannot have committed`);
        returned++;
      }),
    );
    const majorityInc = await h.oneInc(majority);
    await h.sleep(1000);
    if (returned > 0) h.t.log(`${returned} Decs in the minority returned ErrWrongLeader before the heal`);
    h.group.heal();
    await h.waitAll(decs, 1000, `Decs submitted to the old leader (server ${leader})`);
    await h.checkCounter(majorityInc, rsmServers);
    h.t.countOps(2 + minorityDecs);
  },
);

/** Go's opening of both restart tests: 101 Incs, every server down for 1 s, the next Inc returns 102. */
async function incsThenReplay(h: RsmTester): Promise<void> {
  await h.oneInc();
  for (let i = 0; i < 100; i++) await h.oneInc();
  await h.checkCounter(101, rsmServers);
  h.shutdown();
  await h.sleep(1000);
  h.startServers();
  expectCounter(h, await h.oneInc(), 102, 'the first Inc after restarting every server');
  await h.sleep(1000);
}

const TestRestartReplay4A = rsmTest('TestRestartReplay4A', '4A', '100 Incs; every server crashes and restarts: the next Inc returns 102 (the log is replayed)', -1, async (h) => {
  await incsThenReplay(h);
  await h.checkCounter(102, rsmServers);
  h.t.countOps(102);
});

/** Concurrent Nulls, then a shutdown 20 ms later: every submit must end (Go: within 11 s). */
async function nullsThenShutdown(h: RsmTester): Promise<void> {
  const nulls = Array.from({ length: 100 }, () => h.go(async () => void (await h.oneNull())));
  await h.sleep(20);
  h.shutdown();
  await h.waitAll(nulls, 11_000, 'Null submissions after the shutdown');
}

const TestShutdown4A = rsmTest('TestShutdown4A', '4A', '100 concurrent Nulls, every server crashes 20 ms later: every submission returns within 11 s; after a restart an Inc works', -1, async (h) => {
  await nullsThenShutdown(h);
  h.startServers();
  const n = await h.oneInc();
  expectCounter(h, n, 1, 'the first Inc after the restart');
  await h.checkCounter(1, rsmServers);
  h.t.countOps(101);
});

const TestRestartSubmit4A = rsmTest(
  'TestRestartSubmit4A',
  '4A',
  '101 Incs, restart, an Inc, 100 Nulls cut short by a crash, restart again: requests from before a crash are never confused with later ones',
  -1,
  async (h) => {
    await incsThenReplay(h);
    await nullsThenShutdown(h);
    h.startServers();
    expectCounter(h, await h.oneInc(), 103, 'the first Inc after the second restart');
    await h.checkCounter(103, rsmServers);
    h.t.countOps(203);
  },
);

/** TestSnapshot4C's maxraftstate and the bound on the persisted Raft state (Go: 2 x maxraftstate). */
const snapshotMaxRaftState = 1000;

const TestSnapshot4C = rsmTest(
  'TestSnapshot4C',
  '4C',
  `maxRaftState ${snapshotMaxRaftState}, 100 Incs: the persisted Raft state stays within ${2 * snapshotMaxRaftState} bytes; every server restarts from its snapshot and the next Inc returns 101`,
  snapshotMaxRaftState,
  async (h) => {
    for (let i = 0; i < 100; i++) await h.oneInc();
    await h.checkCounter(100, rsmServers);
    const size = h.group.logSize();
    if (size > 2 * snapshotMaxRaftState) h.fail('safety', `logs were not trimmed: a server persists ${size} bytes of Raft state, more than 2 x maxRaftState (${2 * snapshotMaxRaftState}); snapshot once ctx.persister.stateSize() reaches maxRaftState`);
    h.shutdown();
    h.startServers();
    expectCounter(h, await h.oneInc(), 101, 'the first Inc after restarting from snapshots');
    await h.checkCounter(101, rsmServers);
    h.t.countOps(101);
  },
);

export const rsmTests: readonly KvraftTest[] = [TestBasic4A, TestConcurrent4A, TestLeaderFailure4A, TestLeaderPartition4A, TestRestartReplay4A, TestShutdown4A, TestRestartSubmit4A];
export const rsmSnapshotTests: readonly KvraftTest[] = [TestSnapshot4C];
