/** Part 3A: leader election. Scenarios and thresholds of the Go tests of the same names. */
import type { LabTest } from 'distlab/testing';
import { raftElectionTimeoutMs, raftWorld, runRaftTest, testVirtualMsMax } from '../harness';
import type { RaftImplementation } from '../types';

type RaftTest = LabTest<RaftImplementation>;

/** Figure 2 (Rules for Servers, candidates): three peers elect one leader and keep it while nothing fails. */
const TestInitialElection3A: RaftTest = {
  name: 'TestInitialElection3A',
  part: '3A',
  description: 'three peers elect a leader within 5 s, agree on its term, and keep it for 2 s without failures',
  world: raftWorld({ unreliable: false }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      await h.checkOneLeader();
      // Let followers learn of the election, then all must agree on the term.
      await h.sleep(50);
      const term1 = h.checkTerms();
      if (term1 < 1) h.fail('liveness', `the term is ${term1} after an election, but should be at least 1`);
      // Without failures the leader and term should stay (a changed term is only a warning in Go).
      await h.sleep(2 * raftElectionTimeoutMs);
      const term2 = h.checkTerms();
      if (term1 !== term2) t.log(`warning: term changed from ${term1} to ${term2} even though there were no failures`);
      await h.checkOneLeader();
    }),
};

/** Figure 2 (candidates, §5.2): a lost leader is replaced; no leader without a majority. */
const TestReElection3A: RaftTest = {
  name: 'TestReElection3A',
  part: '3A',
  description: 'a new leader is elected when the leader is cut off, none without a majority, and one again when a majority returns',
  world: raftWorld({ unreliable: false }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const servers = 3;
      const leader1 = await h.checkOneLeader();
      // If the leader disconnects, a new one should be elected.
      h.disconnect(leader1);
      await h.checkOneLeader();
      // If the old leader rejoins, that should not disturb the new leader.
      h.connect(leader1);
      const leader2 = await h.checkOneLeader();
      // Without a quorum, no new leader should be elected.
      h.disconnect(leader2);
      h.disconnect((leader2 + 1) % servers);
      await h.sleep(2 * raftElectionTimeoutMs);
      h.checkNoLeader();
      // When a quorum arises, it should elect a leader.
      h.connect((leader2 + 1) % servers);
      await h.checkOneLeader();
      // The last node rejoining should not prevent a leader from existing.
      h.connect(leader2);
      await h.checkOneLeader();
    }),
};

/** §5.2: seven peers, three random ones cut off nine times: the rest keep or elect a leader. */
const TestManyElections3A: RaftTest = {
  name: 'TestManyElections3A',
  part: '3A',
  description: 'seven peers with three random ones disconnected, nine times: there is always exactly one leader',
  world: raftWorld({ unreliable: false }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 7, snapshot: false }, async (h) => {
      const servers = 7;
      await h.checkOneLeader();
      for (let round = 1; round < 10; round++) {
        const cut = [h.randomInt(servers), h.randomInt(servers), h.randomInt(servers)];
        cut.forEach((i) => h.disconnect(i));
        // Either the current leader is still connected, or the remaining four elect a new one.
        await h.checkOneLeader();
        cut.forEach((i) => h.connect(i));
      }
      await h.checkOneLeader();
    }),
};

export const tests3A: readonly RaftTest[] = [TestInitialElection3A, TestReElection3A, TestManyElections3A];
