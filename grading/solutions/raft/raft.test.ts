import { describe, expect, it } from 'vitest';
import { World, encode, type NodeContext } from 'distlab';
import { runTest } from 'distlab/testing';
import { Raft as ReferenceRaft, RaftCore, type PersistentState } from './raft';
import { raftLab } from '../../../labs/raft/lab';
import { Raft as SkeletonRaft } from '../../../labs/raft/raft';
import type { RaftConfig } from '../../../labs/raft/types';

const reference = { Raft: ReferenceRaft };
const skeleton = { Raft: SkeletonRaft };
const seeds = [1, 2];

function test(name: string) {
  const found = raftLab.tests.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no test ${name}`);
  return found;
}

describe('Raft lab: the catalogue', () => {
  it('has the 28 Go tests of 3A-3D under their names, in part order', () => {
    expect(raftLab.parts).toEqual(['3A', '3B', '3C', '3D']);
    expect(raftLab.tests.map((candidate) => candidate.part).join('')).toBe(`${'3A'.repeat(3)}${'3B'.repeat(10)}${'3C'.repeat(8)}${'3D'.repeat(7)}`);
    expect(raftLab.tests[0].name).toBe('TestInitialElection3A');
    expect(raftLab.tests.at(-1)?.name).toBe('TestSnapshotInit3D');
    expect(new Set(raftLab.tests.map((candidate) => candidate.name)).size).toBe(28);
  });

  it('implementationFrom: names the missing export and what is expected', () => {
    expect(() => raftLab.implementationFrom({ Raf: ReferenceRaft })).toThrow(/export named Raft.*exports Raf/);
    expect(() => raftLab.implementationFrom({ Raft: 3 })).toThrow(/must be a class/);
    expect(() => raftLab.implementationFrom({ Raft: class {} })).toThrow(/lacks the methods start, getState, snapshot/);
    expect(raftLab.implementationFrom({ Raft: ReferenceRaft }).Raft).toBe(ReferenceRaft);
  });
});

describe('Raft lab: the reference passes every test', () => {
  for (const labTest of raftLab.tests) {
    it(`${labTest.name} (seeds ${seeds.join(', ')})`, async () => {
      for (const seed of seeds) {
        const { outcome } = await runTest(raftLab, labTest, reference, seed);
        expect(outcome.failure ?? 'passed', `${labTest.name} seed ${seed}`).toBe('passed');
      }
    });
  }
});

describe('Raft lab: determinism', () => {
  for (const name of ['TestReElection3A', 'TestFigure8Unreliable3C', 'TestSnapshotInstallUnCrash3D']) {
    it(`${name}: same seed, same trace hash`, async () => {
      const first = await runTest(raftLab, test(name), reference, 3);
      const second = await runTest(raftLab, test(name), reference, 3);
      const other = await runTest(raftLab, test(name), reference, 4);
      expect(second.outcome.traceHash).toBe(first.outcome.traceHash);
      expect(other.outcome.traceHash).not.toBe(first.outcome.traceHash);
    });
  }
});

describe('Raft lab: the skeleton fails every test fast, with one sentence', () => {
  it('fails all 28 without throwing', async () => {
    for (const labTest of raftLab.tests) {
      const { outcome } = await runTest(raftLab, labTest, skeleton, 1);
      expect(outcome.passed, labTest.name).toBe(false);
      expect(outcome.kind, labTest.name).toBe('liveness');
      expect(outcome.failure, labTest.name).toMatch(/^[^\n]{20,400}$/);
      expect(outcome.failure, labTest.name).toMatch(/leader|agreement/);
      expect(outcome.wallMs, labTest.name).toBeLessThan(5_000);
    }
  });
});

describe('Raft lab: broken variants fail the test aimed at them', () => {
  it('a Raft that never persists fails TestPersist13C', async () => {
    class ForgetfulRaft extends ReferenceRaft {
      constructor(ctx: NodeContext, config: RaftConfig) {
        super({ ...ctx, persister: { ...ctx.persister, save: () => {} } }, config);
      }
    }
    const { outcome } = await runTest(raftLab, test('TestPersist13C'), { Raft: ForgetfulRaft }, 1);
    expect(outcome.passed).toBe(false);
    expect(outcome.failure).toMatch(/agreement|log matching|state machine safety|out of order/);
  });

  it('a Raft that ignores snapshot() fails TestSnapshotBasic3D on the 2000-byte bound', async () => {
    class HoardingRaft extends ReferenceRaft {
      override snapshot(): void {}
    }
    const { outcome } = await runTest(raftLab, test('TestSnapshotBasic3D'), { Raft: HoardingRaft }, 1);
    expect(outcome.passed).toBe(false);
    expect(outcome.failure).toMatch(/persisted Raft state is \d+ bytes, over the 2000-byte limit/);
  });

  it('a Raft whose constructor throws fails with the node and the error, not a runner crash', async () => {
    class ThrowingRaft extends ReferenceRaft {
      constructor(ctx: NodeContext, config: RaftConfig) {
        super(ctx, config);
        throw new Error('boom');
      }
    }
    const { outcome } = await runTest(raftLab, test('TestInitialElection3A'), { Raft: ThrowingRaft }, 1);
    expect(outcome.kind).toBe('crash');
    expect(outcome.failure).toMatch(/node 0 threw in construction.*boom/);
  });

  it('plots: timeline, commit index and space-time specs for a failed run', async () => {
    const { world, failure } = await runTest(raftLab, test('TestBasicAgree3B'), skeleton, 1);
    const plots = raftLab.plots?.(world, failure) ?? [];
    expect(plots.map((plot) => plot.title)).toEqual(['Role and term of each peer', 'Commit index of each peer', 'Messages before the failure']);
  });
});

describe('Raft reference: persistence', () => {
  it('saves exactly the plain state (text and size) across appends, conflicting cuts and compaction of saved runs', async () => {
    const world = new World({ seed: 1 });
    let core: RaftCore | undefined;
    world.addNode('a', (ctx) => (core = new RaftCore(ctx, { peers: ['a'], me: 0 })));
    await world.runFor(1);
    const rf = core!;
    const expectSaved = (): void => {
      rf.becomeFollower(rf.currentTerm + 1); // a new term: persists
      const plain: PersistentState = {
        currentTerm: rf.currentTerm,
        votedFor: null,
        snapshotIndex: rf.log.snapshotIndex,
        terms: rf.log.entries.map((entry) => entry.term),
        commands: rf.log.entries.map((entry) => entry.command),
      };
      expect(world.persister('a').readState()).toEqual(plain);
      expect(world.persister('a').stateSize()).toBe(encode(plain, 'state').bytes);
    };
    for (let index = 1; index <= 300; index++) rf.log.append({ term: 1, command: { key: `k${index}`, value: index } });
    expectSaved();
    expect(rf.log.merge(100, [{ term: 2, command: 'cut inside a saved run' }])).toBe(true); // conflict: entries 100.. replaced
    expectSaved();
    for (let index = 0; index < 100; index++) rf.log.append({ term: 2, command: index });
    expectSaved();
    rf.log.compact(50, 1); // positions shift: every saved run is stale
    expectSaved();
    rf.log.compact(260, 3); // no entry of term 3 there: the log empties
    expectSaved();
  });
});
