/**
 * Hidden tests of lab 4 (instructor material, left out of the handout): situations the
 * course's tests leave to chance, made to happen on every seed.
 */
import type { KvraftTester } from '../../../labs/kvraft/kv-tester';
import { genericTest } from '../../../labs/kvraft/tests/kv';
import { kvraftWorld, type KvraftTest } from '../../../labs/kvraft/rsm-tester';
import { runKvraftTest } from '../../../labs/kvraft/kv-tester';

/**
 * One-way cuts that change every 300-600 ms while the clients run: a random client loses its
 * replies from the leader (it must move to another server and learn who leads), and a random
 * server stops hearing another. Never the same client twice in a row: the faults last until
 * every client has finished its operation, and a last waiting client cut from every leader in
 * every period could never finish (seed 61 of the reference did not, in 30 s). Always undone
 * at the end.
 */
async function asymmetricCuts(h: KvraftTester, stopped: () => boolean): Promise<void> {
  const cuts: Array<[string, string]> = [];
  const undo = (): void => {
    for (const [source, target] of cuts.splice(0)) h.world.network.uncut(source, target);
  };
  let lastCut: string | null = null;
  while (!stopped()) {
    undo();
    const leader = h.group.leader();
    const clients = h.clients.filter((client) => h.isWaiting(client) && client.id !== lastCut);
    lastCut = leader !== -1 && clients.length > 0 ? clients[h.randomInt(clients.length)].id : null;
    if (leader !== -1 && lastCut !== null) cuts.push([h.group.ids[leader], lastCut]);
    const a = h.randomInt(h.group.n);
    const b = (a + 1 + h.randomInt(h.group.n - 1)) % h.group.n;
    cuts.push([h.group.ids[a], h.group.ids[b]]);
    for (const [source, target] of cuts) h.world.network.cut(source, target);
    const until = h.now() + 300 + h.randomInt(300);
    while (!stopped() && h.now() < until) await h.sleep(10);
  }
  undo();
}

/**
 * Partitions the leader into the minority the moment it writes a snapshot (its persisted
 * snapshot grew), for 1.5 s each time, while the clients run.
 */
async function partitionAtSnapshot(h: KvraftTester, stopped: () => boolean): Promise<void> {
  let seen = h.group.ids.map((id) => h.world.persister(id).snapshotSize());
  while (!stopped()) {
    await h.sleep(5);
    const leader = h.group.leader();
    const sizes = h.group.ids.map((id) => h.world.persister(id).snapshotSize());
    const snapshotted = leader !== -1 && sizes[leader] !== seen[leader];
    seen = sizes;
    if (!snapshotted) continue;
    const { majority, minority } = h.group.majorityWithout(leader, (max) => h.randomInt(max));
    h.group.partition([majority, minority]);
    const until = h.now() + 1500;
    while (!stopped() && h.now() < until) await h.sleep(10);
    h.group.heal();
  }
}

/**
 * Server 2 of 3 is cut off while 60 keys are written (the others compact their logs), comes
 * back (InstallSnapshot) and is crashed and restarted 0-40 ms after each reconnection, so
 * snapshots arrive while it restarts; then the others are disconnected in turn until server 2
 * leads, and every key must read back from it.
 */
const HiddenLaggingServerLeadsAfterSnapshot4C: KvraftTest = {
  name: 'HiddenLaggingServerLeadsAfterSnapshot4C',
  part: '4C',
  description: 'a lagging server catches up by InstallSnapshot while being restarted, then leads: every key reads back',
  world: kvraftWorld({ unreliable: false }),
  virtualMsMax: 120_000,
  run: (t) =>
    runKvraftTest(t, { servers: 3, unreliable: false, maxRaftState: 1000 }, async (h) => {
      const ck = h.makeClient();
      h.group.disconnect(2);
      for (let i = 0; i < 60; i++) await ck.putAtLeastOnce(`k${i}`, `v${i}`, 0);
      for (let round = 0; round < 3; round++) {
        h.group.connect(2);
        await h.sleep(h.randomInt(40));
        h.group.crash(2);
        h.group.restart(2);
        await h.sleep(300);
      }
      await h.sleep(1000);
      for (let tries = 0; tries < 20 && h.group.leader() !== 2; tries++) {
        const leader = h.group.leader();
        if (leader !== -1) h.group.disconnect(leader);
        await h.sleep(1500);
        for (let i = 0; i < 3; i++) h.group.connect(i);
      }
      if (h.group.leader() !== 2) h.t.log('server 2 never led; the keys are still read back');
      for (let i = 0; i < 60; i += 7) await ck.checkGet(`k${i}`, `v${i}`, 1);
      h.checkLinearizable();
      h.t.countOps(70);
    }),
};

export const hiddenTests: readonly KvraftTest[] = [
  genericTest('HiddenDuplicatedDelayedRequests4B', '4B', { clients: 5, servers: 5, unreliable: true, randomKeys: true, network: { duplicateProbability: 0.3, longReordering: true } }),
  genericTest('HiddenAsymmetricPartitions4B', '4B', { clients: 5, servers: 5, partitions: true, faults: asymmetricCuts }),
  genericTest('HiddenLeaderPartitionedMidSnapshot4C', '4C', { clients: 5, servers: 5, partitions: true, maxRaftState: 1000, faults: partitionAtSnapshot }),
  HiddenLaggingServerLeadsAfterSnapshot4C,
];
