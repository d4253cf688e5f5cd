/** Part 3B: log replication. Scenarios and thresholds of the Go tests of the same names. */
import type { LabTest } from 'distlab/testing';
import { raftElectionTimeoutMs, raftWorld, runRaftTest, testVirtualMsMax, type RaftHarness } from '../harness';
import type { RaftImplementation } from '../types';

type RaftTest = LabTest<RaftImplementation>;

const reliable = raftWorld({ unreliable: false });
/** TestRPCBytes3B: bytes allowed on top of sending each entry to each server once. */
const rpcBytesSlack = 50_000;
/** TestCount3B: RPCs allowed to elect the first leader. */
const electionRpcsMax = 30;
/** TestCount3B: tries when the term changes under the test. */
const countTriesMax = 5;
/** TestCount3B: RPCs allowed in one idle second (≈ 10 heartbeats per second per follower, three times over). */
const idleRpcsMax = 3 * 20;

function randomString(h: RaftHarness, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[h.randomInt(alphabet.length)];
  return text;
}

/** Fails unless nothing is committed at `index` (used when no majority is connected). */
function checkNotCommitted(h: RaftHarness, index: number, command: unknown): void {
  const { count } = h.nCommitted(index);
  if (count > 0) h.fail('safety', `${count} servers committed ${String(command)} at index ${index}, but no majority was connected`);
}

/** Figure 2 (leaders; AppendEntries receiver, rules 1-5): commands replicate and commit in order. */
const TestBasicAgree3B: RaftTest = {
  name: 'TestBasicAgree3B',
  part: '3B',
  description: 'three commands commit on all three peers at indexes 1, 2 and 3, and nothing commits before Start()',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      for (let index = 1; index <= 3; index++) {
        const { count } = h.nCommitted(index);
        if (count > 0) h.fail('safety', `${count} servers committed index ${index} before Start() was called for it`);
        const got = await h.one(index * 100, 3, false);
        if (got !== index) h.fail('safety', `Start(${index * 100}) committed at index ${got}, but index ${index} was expected`);
      }
    }),
};

/** Figure 2 (leaders: send entries from nextIndex): each entry goes to each follower about once. */
const TestRPCBytes3B: RaftTest = {
  name: 'TestRPCBytes3B',
  part: '3B',
  description: 'ten 5000-byte commands cost at most 3 x their size + 50 kB of RPC traffic: each entry goes to each follower about once',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      await h.one(99, 3, false);
      const bytes0 = h.bytesTotal();
      let sent = 0;
      for (let index = 2; index < 12; index++) {
        const command = randomString(h, 5000);
        const got = await h.one(command, 3, false);
        if (got !== index) h.fail('safety', `a 5000-byte command committed at index ${got}, but index ${index} was expected`);
        sent += command.length;
      }
      const got = h.bytesTotal() - bytes0;
      const expected = 3 * sent;
      if (got > expected + rpcBytesSlack) h.fail('liveness', `too many RPC bytes: ${got} for ${sent} bytes of commands (limit ${expected + rpcBytesSlack}); send each entry to each follower about once`);
    }),
};

/** Figure 2 (leaders: commit only with a majority): no commit without a majority. */
const TestFollowerFailure3B: RaftTest = {
  name: 'TestFollowerFailure3B',
  part: '3B',
  description: 'the leader and one follower commit without the other; a leader alone commits nothing',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const servers = 3;
      await h.one(101, servers, false);
      const leader1 = await h.checkOneLeader();
      h.disconnect((leader1 + 1) % servers);
      // The leader and the remaining follower agree despite the disconnected follower.
      await h.one(102, servers - 1, false);
      await h.sleep(raftElectionTimeoutMs);
      await h.one(103, servers - 1, false);
      // Disconnect the remaining follower.
      const leader2 = await h.checkOneLeader();
      h.disconnect((leader2 + 1) % servers);
      h.disconnect((leader2 + 2) % servers);
      const result = h.start(leader2, 104);
      if (result === null || !result.isLeader) return h.fail('liveness', `leader ${leader2} rejected Start(104)`);
      if (result.index !== 4) h.fail('safety', `leader ${leader2} put Start(104) at index ${result.index}, expected 4`);
      await h.sleep(2 * raftElectionTimeoutMs);
      checkNotCommitted(h, result.index, 104);
    }),
};

/** §5.2-5.3 (a new leader after a failure; commit only with a majority). */
const TestLeaderFailure3B: RaftTest = {
  name: 'TestLeaderFailure3B',
  part: '3B',
  description: 'the two peers left after a leader failure elect a leader and commit; one peer alone commits nothing',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const servers = 3;
      await h.one(101, servers, false);
      const leader1 = await h.checkOneLeader();
      h.disconnect(leader1);
      // The remaining followers elect a new leader.
      await h.one(102, servers - 1, false);
      await h.sleep(raftElectionTimeoutMs);
      await h.one(103, servers - 1, false);
      const leader2 = await h.checkOneLeader();
      h.disconnect(leader2);
      for (let i = 0; i < servers; i++) h.start(i, 104);
      await h.sleep(2 * raftElectionTimeoutMs);
      checkNotCommitted(h, 4, 104);
    }),
};

/** Figure 2 (leaders: on rejection decrement nextIndex and retry): a rejoined follower catches up. */
const TestFailAgree3B: RaftTest = {
  name: 'TestFailAgree3B',
  part: '3B',
  description: 'a follower disconnected while four entries commit catches up when it reconnects',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const servers = 3;
      await h.one(101, servers, false);
      const leader = await h.checkOneLeader();
      h.disconnect((leader + 1) % servers);
      await h.one(102, servers - 1, false);
      await h.one(103, servers - 1, false);
      await h.sleep(raftElectionTimeoutMs);
      await h.one(104, servers - 1, false);
      await h.one(105, servers - 1, false);
      h.connect((leader + 1) % servers);
      // All three keep the earlier agreements and agree on new commands.
      await h.one(106, servers, true);
      await h.sleep(raftElectionTimeoutMs);
      await h.one(107, servers, true);
    }),
};

/** Figure 2 (commit rule) and §5.4.1 (election restriction): uncommitted entries may be lost, committed ones never. */
const TestFailNoAgree3B: RaftTest = {
  name: 'TestFailNoAgree3B',
  part: '3B',
  description: 'with three of five followers cut off nothing commits; after repair the cluster agrees again',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 5, snapshot: false }, async (h) => {
      const servers = 5;
      await h.one(10, servers, false);
      const leader = await h.checkOneLeader();
      for (let k = 1; k <= 3; k++) h.disconnect((leader + k) % servers);
      const result = h.start(leader, 20);
      if (result === null || !result.isLeader) return h.fail('liveness', `leader ${leader} rejected Start(20)`);
      if (result.index !== 2) h.fail('safety', `leader ${leader} put Start(20) at index ${result.index}, expected 2`);
      await h.sleep(2 * raftElectionTimeoutMs);
      checkNotCommitted(h, result.index, 20);
      for (let k = 1; k <= 3; k++) h.connect((leader + k) % servers);
      // The disconnected majority may have elected a leader of its own, forgetting index 2.
      const leader2 = await h.checkOneLeader();
      const result2 = h.start(leader2, 30);
      if (result2 === null || !result2.isLeader) return h.fail('liveness', `leader ${leader2} rejected Start(30)`);
      if (result2.index < 2 || result2.index > 3) h.fail('safety', `leader ${leader2} put Start(30) at index ${result2.index}, expected 2 or 3`);
      await h.one(1000, servers, true);
    }),
};

/** Figure 2 (leaders: append, then replicate): concurrent Start() calls in one term all commit. */
const TestConcurrentStarts3B: RaftTest = {
  name: 'TestConcurrentStarts3B',
  part: '3B',
  description: 'five Start() calls at once in one term all commit',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      for (let attempt = 0; attempt < countTriesMax; attempt++) {
        if (attempt > 0) await h.sleep(3000); // give the peers time to settle
        if (await concurrentStartsOnce(h)) return;
      }
      h.fail('liveness', `the term changed in each of ${countTriesMax} attempts to start five commands concurrently`);
    }),
};

/** One attempt of TestConcurrentStarts3B; false when the term changed under it. */
async function concurrentStartsOnce(h: RaftHarness): Promise<boolean> {
  const servers = 3;
  const leader = await h.checkOneLeader();
  const first = h.start(leader, 1);
  if (!first?.isLeader) return false;
  const indexes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const result = h.start(leader, 100 + i);
    if (result?.isLeader && result.term === first.term) indexes.push(result.index);
  }
  for (let j = 0; j < servers; j++) {
    if (h.getState(j)?.term !== first.term) return false;
  }
  const commands: unknown[] = [];
  for (const index of indexes) {
    const command = await h.wait(index, servers, first.term);
    if (command === -1) return false; // peers moved to a later term: nothing can be promised
    commands.push(command);
  }
  for (let i = 0; i < 5; i++) {
    if (!commands.includes(100 + i)) h.fail('liveness', `command ${100 + i} is missing from the committed commands ${commands.join(', ')}`);
  }
  return true;
}

/** Figure 2 (AppendEntries receiver, rule 3: delete conflicting entries): an old leader's entries are overwritten. */
const TestRejoin3B: RaftTest = {
  name: 'TestRejoin3B',
  part: '3B',
  description: "a partitioned leader's uncommitted entries are overwritten when it rejoins",
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const servers = 3;
      await h.one(101, servers, true);
      const leader1 = await h.checkOneLeader();
      h.disconnect(leader1);
      // The old leader tries to agree on some entries.
      h.start(leader1, 102);
      h.start(leader1, 103);
      h.start(leader1, 104);
      // The new leader commits, also at index 2.
      await h.one(103, 2, true);
      const leader2 = await h.checkOneLeader();
      h.disconnect(leader2);
      h.connect(leader1);
      await h.one(104, 2, true);
      h.connect(leader2);
      await h.one(105, servers, true);
    }),
};

/** Figure 2 (nextIndex backup) with the fast backup of §5.3: conflicting suffixes are skipped quickly. */
const TestBackup3B: RaftTest = {
  name: 'TestBackup3B',
  part: '3B',
  description: 'leaders back up quickly over incorrect follower logs (50 conflicting entries at a time)',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 5, snapshot: false }, async (h) => {
      const servers = 5;
      await h.one(h.randomCommand(), servers, true);
      // Put the leader and one follower in a partition.
      const leader1 = await h.checkOneLeader();
      for (let k = 2; k <= 4; k++) h.disconnect((leader1 + k) % servers);
      // Lots of commands that will not commit.
      for (let i = 0; i < 50; i++) h.start(leader1, h.randomCommand());
      await h.sleep(raftElectionTimeoutMs / 2);
      h.disconnect(leader1);
      h.disconnect((leader1 + 1) % servers);
      // The other partition recovers and commits lots of commands.
      for (let k = 2; k <= 4; k++) h.connect((leader1 + k) % servers);
      for (let i = 0; i < 50; i++) await h.one(h.randomCommand(), 3, true);
      // Another partitioned leader and one follower.
      const leader2 = await h.checkOneLeader();
      let other = (leader1 + 2) % servers;
      if (leader2 === other) other = (leader2 + 1) % servers;
      h.disconnect(other);
      for (let i = 0; i < 50; i++) h.start(leader2, h.randomCommand());
      await h.sleep(raftElectionTimeoutMs / 2);
      // Bring the original leader back.
      for (let i = 0; i < servers; i++) h.disconnect(i);
      h.connect(leader1);
      h.connect((leader1 + 1) % servers);
      h.connect(other);
      for (let i = 0; i < 50; i++) await h.one(h.randomCommand(), 3, true);
      for (let i = 0; i < servers; i++) h.connect(i);
      await h.one(h.randomCommand(), servers, true);
    }),
};

/** The lab's rules: elections and agreement take few RPCs; at most 10 heartbeats per second. */
const TestCount3B: RaftTest = {
  name: 'TestCount3B',
  part: '3B',
  description: 'an election takes 1-30 RPCs, agreeing on 11 entries at most 42, and an idle second at most 60',
  world: reliable,
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const rpcs = () => [0, 1, 2].reduce((sum, i) => sum + h.rpcCount(i), 0);
      await h.checkOneLeader();
      const electionRpcs = rpcs();
      if (electionRpcs > electionRpcsMax || electionRpcs < 1) {
        h.fail('liveness', `too many or too few RPCs (${electionRpcs}) to elect the first leader; expected 1 to ${electionRpcsMax}`);
      }
      let total2 = -1;
      for (let attempt = 0; attempt < countTriesMax && total2 === -1; attempt++) {
        if (attempt > 0) await h.sleep(3000);
        total2 = await countAgreementRpcs(h, rpcs);
      }
      if (total2 === -1) h.fail('liveness', `the term changed in each of ${countTriesMax} attempts to count agreement RPCs`);
      await h.sleep(raftElectionTimeoutMs);
      const idle = rpcs() - total2;
      if (idle > idleRpcsMax) h.fail('liveness', `too many RPCs (${idle}) for 1 second of idleness; at most ${idleRpcsMax} (send at most 10 heartbeats per second)`);
    }),
};

/** One attempt of TestCount3B's agreement count: the RPC total after, or -1 when the term changed. */
async function countAgreementRpcs(h: RaftHarness, rpcs: () => number): Promise<number> {
  const servers = 3;
  const iterations = 10;
  const leader = await h.checkOneLeader();
  const total1 = rpcs();
  const first = h.start(leader, 1);
  if (!first?.isLeader) return -1;
  const commands: number[] = [];
  for (let i = 1; i < iterations + 2; i++) {
    const command = h.world.random.int(0, 2 ** 31 - 1);
    commands.push(command);
    const result = h.start(leader, command);
    if (!result?.isLeader || result.term !== first.term) return -1;
    if (result.index !== first.index + i) h.fail('safety', `Start() on leader ${leader} returned index ${result.index}, expected ${first.index + i}`);
  }
  for (let i = 1; i < iterations + 1; i++) {
    const command = await h.wait(first.index + i, servers, first.term);
    if (command === -1) return -1;
    if (command !== commands[i - 1]) h.fail('safety', `wrong value ${String(command)} committed at index ${first.index + i}; expected ${commands[i - 1]}`);
  }
  for (let j = 0; j < servers; j++) if (h.getState(j)?.term !== first.term) return -1;
  const total2 = rpcs();
  const limit = (iterations + 1 + 3) * 3;
  if (total2 - total1 > limit) h.fail('liveness', `too many RPCs (${total2 - total1}) to agree on ${iterations + 1} entries; at most ${limit}`);
  return total2;
}

export const tests3B: readonly RaftTest[] = [
  TestBasicAgree3B,
  TestRPCBytes3B,
  TestFollowerFailure3B,
  TestLeaderFailure3B,
  TestFailAgree3B,
  TestFailNoAgree3B,
  TestConcurrentStarts3B,
  TestRejoin3B,
  TestBackup3B,
  TestCount3B,
];
