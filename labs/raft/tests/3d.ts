/** Part 3D: log compaction (snapshots). Scenarios and thresholds of the Go tests of the same names. */
import type { LabTest } from 'distlab/testing';
import { persistedStateBytesMax, raftWorld, runRaftTest, snapshotInterval, testVirtualMsMax, type RaftHarness } from '../harness';
import type { RaftImplementation } from '../types';

type RaftTest = LabTest<RaftImplementation>;

const snapshotIterations = 30;
const allCrashRounds = 5;

/** Go: SnapShotInterval/2 + rand % SnapShotInterval commands, "perhaps enough to get a snapshot". */
function commandsPerRound(h: RaftHarness): number {
  return snapshotInterval / 2 + h.randomInt(snapshotInterval);
}

function checkLogSize(h: RaftHarness): void {
  const size = h.logSize();
  if (size >= persistedStateBytesMax) {
    h.fail('liveness', `persisted Raft state is ${size} bytes, over the ${persistedStateBytesMax}-byte limit: discard log entries covered by snapshots`);
  }
}

/**
 * Go's snapcommon: 30 rounds of commands with a victim peer disconnected or crashed, or none.
 * Figure 13 (InstallSnapshot receiver, rules 1-8) and §7 (log compaction).
 */
function snapshotTest(name: string, description: string, options: { disconnect: boolean; reliable: boolean; crash: boolean }): RaftTest {
  return {
    name,
    part: '3D',
    description,
    world: raftWorld({ unreliable: !options.reliable }),
    virtualMsMax: testVirtualMsMax,
    run: (t) =>
      runRaftTest(t, { servers: 3, snapshot: true }, async (h) => {
        const servers = 3;
        await h.one(h.randomCommand(), servers, true);
        let leader1 = await h.checkOneLeader();
        for (let i = 0; i < snapshotIterations; i++) {
          let victim = (leader1 + 1) % servers;
          let sender = leader1;
          if (i % 3 === 1) {
            sender = (leader1 + 1) % servers;
            victim = leader1;
          }
          if (options.disconnect) {
            h.disconnect(victim);
            await h.one(h.randomCommand(), servers - 1, true);
          }
          if (options.crash) {
            h.crash1(victim);
            await h.one(h.randomCommand(), servers - 1, true);
          }
          // Perhaps send enough to get a snapshot.
          const count = commandsPerRound(h);
          for (let k = 0; k < count; k++) h.start(sender, h.randomCommand());
          // Let the appliers catch up; without faults all followers must, so no InstallSnapshot is needed.
          await h.one(h.randomCommand(), options.disconnect || options.crash ? servers - 1 : servers, true);
          checkLogSize(h);
          if (options.disconnect) {
            // A follower that may be behind needs a snapshot to catch up.
            h.connect(victim);
            await h.one(h.randomCommand(), servers, true);
            leader1 = await h.checkOneLeader();
          }
          if (options.crash) {
            h.start1(victim);
            h.connect(victim);
            await h.one(h.randomCommand(), servers, true);
            leader1 = await h.checkOneLeader();
          }
        }
      }),
  };
}

function crashAll(h: RaftHarness): void {
  for (let i = 0; i < h.n; i++) h.crash1(i);
}

function reviveAll(h: RaftHarness): void {
  for (let i = 0; i < h.n; i++) {
    h.start1(i);
    h.connect(i);
  }
}

const TestSnapshotAllCrash3D: RaftTest = {
  name: 'TestSnapshotAllCrash3D',
  part: '3D',
  description: 'after every peer crashes and restarts from its snapshot, the next index never goes backwards',
  world: raftWorld({ unreliable: true }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: true }, async (h) => {
      const servers = 3;
      await h.one(h.randomCommand(), servers, true);
      for (let round = 0; round < allCrashRounds; round++) {
        const count = commandsPerRound(h);
        for (let k = 0; k < count; k++) await h.one(h.randomCommand(), servers, true);
        const index1 = await h.one(h.randomCommand(), servers, true);
        crashAll(h);
        reviveAll(h);
        const index2 = await h.one(h.randomCommand(), servers, true);
        if (index2 < index1 + 1) h.fail('safety', `the log index went backwards after all peers restarted: ${index1} before, ${index2} after`);
      }
    }),
};

const TestSnapshotInit3D: RaftTest = {
  name: 'TestSnapshotInit3D',
  part: '3D',
  description: 'a restarted peer keeps its snapshot, so later persists do not lose it',
  world: raftWorld({ unreliable: true }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: true }, async (h) => {
      const servers = 3;
      await h.one(h.randomCommand(), servers, true);
      // Enough commands to make a snapshot.
      for (let k = 0; k < snapshotInterval + 1; k++) await h.one(h.randomCommand(), servers, true);
      crashAll(h);
      reviveAll(h);
      // A single command, so something is written back to storage.
      await h.one(h.randomCommand(), servers, true);
      crashAll(h);
      reviveAll(h);
      // Another command, to trigger the bug if the snapshot was lost.
      await h.one(h.randomCommand(), servers, true);
    }),
};

export const tests3D: readonly RaftTest[] = [
  snapshotTest('TestSnapshotBasic3D', 'snapshots keep the persisted state under 2000 bytes while commands commit', { disconnect: false, reliable: true, crash: false }),
  snapshotTest('TestSnapshotInstall3D', 'a disconnected peer catches up through InstallSnapshot', { disconnect: true, reliable: true, crash: false }),
  snapshotTest('TestSnapshotInstallUnreliable3D', 'a disconnected peer catches up through InstallSnapshot on an unreliable network', { disconnect: true, reliable: false, crash: false }),
  snapshotTest('TestSnapshotInstallCrash3D', 'a crashed peer restarts from its snapshot and catches up', { disconnect: false, reliable: true, crash: true }),
  snapshotTest('TestSnapshotInstallUnCrash3D', 'a crashed peer restarts from its snapshot and catches up on an unreliable network', { disconnect: false, reliable: false, crash: true }),
  TestSnapshotAllCrash3D,
  TestSnapshotInit3D,
];
