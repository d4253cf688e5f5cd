/** Part 3C: persistence. Scenarios and thresholds of the Go tests of the same names. */
import type { LabTest } from 'distlab/testing';
import { raftElectionTimeoutMs, raftWorld, runRaftTest, testVirtualMsMax, type RaftHarness } from '../harness';
import type { RaftImplementation } from '../types';

type RaftTest = LabTest<RaftImplementation>;

/** Figure 8 tests: iterations of start / sleep / crash or disconnect the leader. */
const figure8Iterations = 1000;
/** Figure8Unreliable: long reordering of replies from this iteration on. */
const figure8LongReorderingFrom = 200;
/** Churn: steps of 0.7 election timeouts each, and concurrent clients. */
const churnSteps = 20;
const churnClients = 3;
/** Churn clients poll for their command's commit with these sleeps before giving up on it. */
const churnPollSleepsMs = [10, 20, 50, 100, 200] as const;
/** UnreliableAgree: rounds of four concurrent one() plus one more. */
const unreliableAgreeRounds = 50;

/** Figure 2 (persistent state: currentTerm, votedFor, log[], saved before responding to RPCs). */
const TestPersist13C: RaftTest = {
  name: 'TestPersist13C',
  part: '3C',
  description: 'the log and term survive restarts of every peer, of the leader, and of a follower',
  world: raftWorld({ unreliable: false }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const servers = 3;
      await h.one(11, servers, true);
      // Crash and restart every peer.
      for (let i = 0; i < servers; i++) h.start1(i);
      for (let i = 0; i < servers; i++) {
        h.disconnect(i);
        h.connect(i);
      }
      await h.one(12, servers, true);
      const leader1 = await h.checkOneLeader();
      h.disconnect(leader1);
      h.start1(leader1);
      h.connect(leader1);
      await h.one(13, servers, true);
      const leader2 = await h.checkOneLeader();
      h.disconnect(leader2);
      await h.one(14, servers - 1, true);
      h.start1(leader2);
      h.connect(leader2);
      await h.wait(4, servers, -1); // leader2 must rejoin before i3 goes down
      const i3 = ((await h.checkOneLeader()) + 1) % servers;
      h.disconnect(i3);
      await h.one(15, servers - 1, true);
      h.start1(i3);
      h.connect(i3);
      await h.one(16, servers, true);
    }),
};

/** Figure 2 (persistent state) under overlapping crashes of minorities and majorities. */
const TestPersist23C: RaftTest = {
  name: 'TestPersist23C',
  part: '3C',
  description: 'five rounds of overlapping crashes of two and three peers of five lose nothing committed',
  world: raftWorld({ unreliable: false }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 5, snapshot: false }, async (h) => {
      const servers = 5;
      let index = 1;
      for (let round = 0; round < 5; round++) {
        await h.one(10 + index++, servers, true);
        const leader1 = await h.checkOneLeader();
        h.disconnect((leader1 + 1) % servers);
        h.disconnect((leader1 + 2) % servers);
        await h.one(10 + index++, servers - 2, true);
        h.disconnect(leader1);
        h.disconnect((leader1 + 3) % servers);
        h.disconnect((leader1 + 4) % servers);
        h.start1((leader1 + 1) % servers);
        h.start1((leader1 + 2) % servers);
        h.connect((leader1 + 1) % servers);
        h.connect((leader1 + 2) % servers);
        await h.sleep(raftElectionTimeoutMs);
        h.start1((leader1 + 3) % servers);
        h.connect((leader1 + 3) % servers);
        await h.one(10 + index++, servers - 2, true);
        h.connect((leader1 + 4) % servers);
        h.connect(leader1);
      }
      await h.one(1000, servers, true);
    }),
};

/** Figure 2 (persistent state) and §5.4.1: a restarted leader and a stale follower form a majority. */
const TestPersist33C: RaftTest = {
  name: 'TestPersist33C',
  part: '3C',
  description: 'a restarted leader and a stale follower commit together after the other peer crashes',
  world: raftWorld({ unreliable: false }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 3, snapshot: false }, async (h) => {
      const servers = 3;
      await h.one(101, 3, true);
      const leader = await h.checkOneLeader();
      h.disconnect((leader + 2) % servers);
      await h.one(102, 2, true);
      h.crash1(leader);
      h.crash1((leader + 1) % servers);
      h.connect((leader + 2) % servers);
      h.start1(leader);
      h.connect(leader);
      await h.one(103, 2, true);
      h.start1((leader + 1) % servers);
      h.connect((leader + 1) % servers);
      await h.one(104, servers, true);
    }),
};

/** Go's Figure 8 sleep: 10% of the time up to half an election timeout, else 0-12 ms. */
function figure8SleepMs(h: RaftHarness): number {
  if (h.randomInt(1000) < 100) return h.randomInt(raftElectionTimeoutMs / 2);
  return h.randomInt(13);
}

/** Figure 8 / §5.4.2: a leader commits only entries of its own term by counting replicas. */
const TestFigure83C: RaftTest = {
  name: 'TestFigure83C',
  part: '3C',
  description: 'Figure 8: leaders crash right after Start() 1000 times; no two peers commit different commands at an index',
  world: raftWorld({ unreliable: false }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 5, snapshot: false }, async (h) => {
      const servers = 5;
      await h.one(h.randomCommand(), 1, true);
      let up = servers;
      for (let iteration = 0; iteration < figure8Iterations; iteration++) {
        let leader = -1;
        for (let i = 0; i < servers; i++) {
          if (h.start(i, h.randomCommand())?.isLeader) leader = i;
        }
        await h.sleep(figure8SleepMs(h));
        if (leader !== -1) {
          h.crash1(leader);
          up--;
        }
        if (up < 3) {
          const s = h.randomInt(servers);
          if (!h.isUp(s)) {
            h.start1(s);
            h.connect(s);
            up++;
          }
        }
      }
      for (let i = 0; i < servers; i++) {
        if (!h.isUp(i)) {
          h.start1(i);
          h.connect(i);
        }
      }
      await h.one(h.randomCommand(), servers, true);
    }),
};

/** Figure 2 (leaders: retry AppendEntries indefinitely) on a network that drops 10% of requests and replies. */
const TestUnreliableAgree3C: RaftTest = {
  name: 'TestUnreliableAgree3C',
  part: '3C',
  description: 'on an unreliable network, 49 rounds of five concurrent commands all commit',
  world: raftWorld({ unreliable: true }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 5, snapshot: false }, async (h) => {
      const servers = 5;
      const tasks: Promise<void>[] = [];
      for (let round = 1; round < unreliableAgreeRounds; round++) {
        for (let j = 0; j < 4; j++) {
          tasks.push(h.go(async () => void (await h.one(100 * round + j, 1, true))));
        }
        await h.one(round, 1, true);
      }
      h.setUnreliable(false);
      await Promise.all(tasks);
      await h.one(100, servers, true);
    }),
};

/** Figure 8 / §5.4.2 with reordered, delayed and lost messages: needs stale-reply checks and fast backup. */
const TestFigure8Unreliable3C: RaftTest = {
  name: 'TestFigure8Unreliable3C',
  part: '3C',
  description: 'Figure 8 on an unreliable network with long reordering: leaders cut off 1000 times; all five agree at the end',
  world: raftWorld({ unreliable: true }),
  virtualMsMax: testVirtualMsMax,
  run: (t) =>
    runRaftTest(t, { servers: 5, snapshot: false }, async (h) => {
      const servers = 5;
      await h.one(h.randomInt(10_000), 1, true);
      let up = servers;
      for (let iteration = 0; iteration < figure8Iterations; iteration++) {
        if (iteration === figure8LongReorderingFrom) h.setLongReordering(true);
        let leader = -1;
        for (let i = 0; i < servers; i++) {
          if (h.start(i, h.randomInt(10_000))?.isLeader && h.connected[i]) leader = i;
        }
        await h.sleep(figure8SleepMs(h));
        if (leader !== -1 && h.randomInt(1000) < raftElectionTimeoutMs / 2) {
          h.disconnect(leader);
          up--;
        }
        if (up < 3) {
          const s = h.randomInt(servers);
          if (!h.connected[s]) {
            h.connect(s);
            up++;
          }
        }
      }
      for (let i = 0; i < servers; i++) if (!h.connected[i]) h.connect(i);
      await h.one(h.randomInt(10_000), servers, true);
    }),
};

/** A churn client: keeps starting random commands on every peer; returns those it saw committed. */
async function churnClient(h: RaftHarness, me: number, stopped: () => boolean): Promise<number[]> {
  const values: number[] = [];
  while (!stopped()) {
    const x = h.randomCommand();
    let index = -1;
    for (let i = 0; i < h.n; i++) {
      const result = h.start(i, x);
      if (result?.isLeader) index = result.index;
    }
    if (index === -1) {
      await h.sleep(79 + me * 17);
      continue;
    }
    // Maybe the leader commits our value, maybe not; do not wait forever.
    for (const sleepMs of churnPollSleepsMs) {
      const { count, command } = h.nCommitted(index);
      if (count > 0) {
        if (typeof command !== 'number') h.fail('safety', `index ${index} committed ${String(command)}, which no client started (wrong command type)`);
        if (command === x) values.push(x);
        break;
      }
      await h.sleep(sleepMs);
    }
  }
  return values;
}

function churnTest(name: string, unreliable: boolean): RaftTest {
  return {
    name,
    part: '3C',
    description: `${unreliable ? 'on an unreliable network, ' : ''}peers are disconnected, crashed and restarted at random while three clients submit commands; every command a client saw committed stays`,
    world: raftWorld({ unreliable }),
    virtualMsMax: testVirtualMsMax,
    run: (t) =>
      runRaftTest(t, { servers: 5, snapshot: false }, async (h) => {
        const servers = 5;
        let stop = false;
        const clients = Array.from({ length: churnClients }, (_, me) => {
          let values: number[] | null = null;
          const done = h.go(async () => void (values = await churnClient(h, me, () => stop)));
          return done.then(() => values);
        });
        for (let step = 0; step < churnSteps; step++) {
          if (h.randomInt(1000) < 200) h.disconnect(h.randomInt(servers));
          if (h.randomInt(1000) < 500) {
            const i = h.randomInt(servers);
            if (!h.isUp(i)) h.start1(i);
            h.connect(i);
          }
          if (h.randomInt(1000) < 200) {
            const i = h.randomInt(servers);
            if (h.isUp(i)) h.crash1(i);
          }
          // Crashes and restarts infrequent enough that the peers can still make progress.
          await h.sleep((raftElectionTimeoutMs * 7) / 10);
        }
        await h.sleep(raftElectionTimeoutMs);
        h.setUnreliable(false);
        for (let i = 0; i < servers; i++) {
          if (!h.isUp(i)) h.start1(i);
          h.connect(i);
        }
        stop = true;
        const values: number[] = [];
        for (const client of clients) {
          const seen = await client;
          if (seen === null) return h.fail('liveness', 'a churn client failed before returning its committed values');
          values.push(...seen);
        }
        await h.sleep(raftElectionTimeoutMs);
        const lastIndex = await h.one(h.randomCommand(), servers, true);
        const really = new Set<unknown>();
        for (let index = 1; index <= lastIndex; index++) really.add(await h.wait(index, servers, -1));
        for (const value of values) {
          if (!really.has(value)) h.fail('safety', `command ${value} was seen committed by a client but is missing from the final log (indexes 1-${lastIndex})`);
        }
      }),
  };
}

export const tests3C: readonly RaftTest[] = [
  TestPersist13C,
  TestPersist23C,
  TestPersist33C,
  TestFigure83C,
  TestUnreliableAgree3C,
  TestFigure8Unreliable3C,
  churnTest('TestReliableChurn3C', false),
  churnTest('TestUnreliableChurn3C', true),
];
