// The shardkv lab against its reference: the catalogue under the course's names, the public
// tests that fit npm test's budget on seed 1 (every test: `npm run sweep:shardkv`), determinism,
// the implementation check's sentences, and the ownership picture.
import { describe, expect, it } from 'vitest';
import { renderSvg } from 'distlab/plot';
import { runTest, TestFailure } from 'distlab/testing';
import { shardkvLab } from '../../../labs/shardkv/lab';
import { shardkvPlots, shardOwnershipSpec } from '../../../labs/shardkv/plots';
import * as reference from './index';
import * as skeleton from '../../../labs/shardkv/shardkv';

const impl = shardkvLab.implementationFrom(reference);
/**
 * The public tests npm test runs on seed 1, one or more per part, within its time budget; `npm
 * run sweep:shardkv` runs every test (docs/shardkv.md has the whole suite's figures).
 */
export const quickTests = ['TestBasic', 'TestInitQuery5A', 'TestStaticOneShardGroup5A', 'TestJoinBasic5A', 'TestJoinLeaveBasic5A', 'TestShutdown5A', 'TestProgressShutdown5A', 'TestJoinLeave5B', 'TestConcurrentReliable5C', 'TestPartitionControllerJoin5C'];

function test(name: string) {
  const found = shardkvLab.tests.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no test ${name}`);
  return found;
}

describe('shardkv lab: the catalogue', () => {
  it("has the Go shardkv1 tests under their names, in part order, and shardcfg's TestBasic", () => {
    expect(shardkvLab.parts).toEqual(['5A', '5B', '5C']);
    expect(shardkvLab.tests.map((candidate) => candidate.name)).toEqual([
      'TestBasic',
      'TestInitQuery5A',
      'TestStaticOneShardGroup5A',
      'TestJoinBasic5A',
      'TestDeleteBasic5A',
      'TestJoinLeaveBasic5A',
      'TestManyJoinLeaveReliable5A',
      'TestManyJoinLeaveUnreliable5A',
      'TestShutdown5A',
      'TestProgressShutdown5A',
      'TestProgressJoin5A',
      'TestOneConcurrentClerkReliable5A',
      'TestManyConcurrentClerkReliable5A',
      'TestOneConcurrentClerkUnreliable5A',
      'TestManyConcurrentClerkUnreliable5A',
      'TestJoinLeave5B',
      'TestRecoverCtrler5B',
      'TestConcurrentReliable5C',
      'TestAcquireLockConcurrentUnreliable5C',
      'TestPartitionControllerJoin5C',
      'TestPartitionRecoveryReliableNoClerk5C',
      'TestPartitionRecoveryUnreliableNoClerk5C',
      'TestPartitionRecoveryReliableClerks5C',
      'TestPartitionRecoveryUnreliableClerks5C',
    ]);
  });

  it('implementationFrom: names the missing export and what is expected', () => {
    const { Raft: _raft, ...withoutRaft } = reference;
    expect(() => shardkvLab.implementationFrom(withoutRaft)).toThrow(/export named Raft: your lab-3 Raft/);
    expect(() => shardkvLab.implementationFrom({ ...reference, ShardCtrler: class {} })).toThrow(/ShardCtrler lacks the methods initConfig, initController, changeConfigTo, query/);
    expect(() => shardkvLab.implementationFrom({ ...reference, joinBalance: 3 })).toThrow(/function export named joinBalance/);
  });
});

describe('shardkv lab: the student skeleton (labs/shardkv) fails at once, naming what is not written', () => {
  // Each piece of the skeleton among reference pieces (labs 2-4 are the references, so only lab 5's gaps show).
  const cases: ReadonlyArray<{ readonly test: string; readonly pieces: readonly (keyof typeof skeleton)[]; readonly says: RegExp }> = [
    { test: 'TestBasic', pieces: ['makeShardConfig', 'joinBalance', 'leaveBalance'], says: /rebalance \(used by joinBalance and leaveBalance\) is not written yet \(part 5A\)/ },
    { test: 'TestInitQuery5A', pieces: ['ShardServer'], says: /ShardServer \(serving the ShardGrp RPCs\) is not written yet \(part 5A\)/ },
    { test: 'TestStaticOneShardGroup5A', pieces: ['Clerk'], says: /Clerk\.(put|ask) is not written yet \(part 5A\)/ },
    { test: 'TestJoinBasic5A', pieces: ['ShardCtrler'], says: /ShardCtrler\.finish is not written yet \(part 5A\)/ },
  ];
  for (const { test: name, pieces, says } of cases) {
    it(`${name} with the skeleton's ${pieces.join(', ')}`, async () => {
      const mixed = { ...reference, ...Object.fromEntries(pieces.map((piece) => [piece, skeleton[piece]])) };
      const { outcome } = await runTest(shardkvLab, test(name), shardkvLab.implementationFrom(mixed), 1);
      expect(outcome.kind).toBe('crash');
      expect(outcome.failure).toMatch(says);
      expect(outcome.failure).toMatch(/fill in its "Your code here" in labs\/shardkv\//);
      // At the first call of the missing piece: never a clerk retrying until the test's limit.
      expect(outcome.virtualMs).toBeLessThan(5_000);
    });
  }

  it('takes labs 2-4 from the handout notebooks with fromLab, lazily', () => {
    const sources = (['KVServer', 'KVClerk', 'Raft', 'RSM'] as const).map((name) => (skeleton[name] as unknown as { labSource: string; labExport: string }));
    expect(sources.map(({ labSource, labExport }) => `${labSource}#${labExport}`)).toEqual(['../kvsrv/kvsrv.ipynb#KVServer', '../kvsrv/kvsrv.ipynb#Clerk', '../raft/raft.ipynb#Raft', '../kvraft/kvraft.ipynb#RSM']);
  });
});

describe('shardkv lab: the reference passes the quick tests (seed 1)', () => {
  for (const labTest of shardkvLab.tests.filter((candidate) => quickTests.includes(candidate.name))) {
    it(labTest.name, async () => {
      const { outcome } = await runTest(shardkvLab, labTest, impl, 1);
      expect(outcome.failure ?? 'passed', labTest.name).toBe('passed');
    }, 120_000);
  }
});

describe('shardkv lab: regressions the grading seeds found', () => {
  it('TestAcquireLockConcurrentUnreliable5C, seed 5841: a recovering controller reads the next configuration before the current one (else it moved shards from a configuration two changes old and installed an empty shard)', async () => {
    const { outcome } = await runTest(shardkvLab, test('TestAcquireLockConcurrentUnreliable5C'), impl, 5841);
    expect(outcome.failure ?? 'passed').toBe('passed');
  }, 120_000);
});

describe('shardkv lab: determinism and the ownership picture', () => {
  it('TestProgressShutdown5A: same seed, same trace hash; another seed, another', async () => {
    const first = await runTest(shardkvLab, test('TestProgressShutdown5A'), impl, 3);
    const second = await runTest(shardkvLab, test('TestProgressShutdown5A'), impl, 3);
    const other = await runTest(shardkvLab, test('TestProgressShutdown5A'), impl, 4);
    expect(second.outcome.traceHash).toBe(first.outcome.traceHash);
    expect(other.outcome.traceHash).not.toBe(first.outcome.traceHash);
  }, 60_000);

  it('draws who owned each shard, the moves and the answered operations', async () => {
    const { world } = await runTest(shardkvLab, test('TestJoinLeaveBasic5A'), impl, 2);
    const spec = shardOwnershipSpec(world.trace.events, { toMs: world.nowMs() }) as { layer: Array<{ data: { values: Array<Record<string, unknown>> } }> };
    const [stretches, served, configs] = spec.layer.map((layer) => layer.data.values);
    expect(new Set(stretches.map((row) => row.group))).toEqual(new Set(['group 1', 'group 2', 'frozen (moving)']));
    expect(served.length).toBeGreaterThan(60);
    expect(configs.map((row) => row.label)).toEqual(['config 1', 'config 2', 'config 3', 'config 4']);
    // Every move is marked: the 6 shards group 2 got at the join were frozen, installed and deleted.
    const moves = spec.layer[4].data.values;
    for (const rpc of ['FreezeShard', 'InstallShard', 'DeleteShard']) expect(moves.filter((row) => row.rpc === rpc).length, rpc).toBeGreaterThanOrEqual(6);
    expect(await renderSvg(spec as never)).toContain('<svg');
    // A failing run is drawn up to its failure, with the red line there.
    const [ownership] = shardkvPlots(world, new TestFailure('safety', 'two groups served shard 3', 3_000));
    const layers = (ownership.spec as { layer: Array<{ data: { values: Array<{ atMs?: number; label?: string }> } }> }).layer;
    expect(layers[1].data.values.every((row) => (row.atMs ?? 0) <= 3_000)).toBe(true);
    expect(layers.at(-1)?.data.values).toEqual([{ atMs: 3_000, label: 'FAILED (safety): two groups served shard 3' }]);
  }, 60_000);
});
