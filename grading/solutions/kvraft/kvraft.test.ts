import { describe, expect, it } from 'vitest';
import { runTest } from 'distlab/testing';
import { kvraftLab } from '../../../labs/kvraft/lab';
import { Raft } from '../raft/raft';
import { RSM } from './kvraft';
import * as reference from './index';
import * as skeleton from '../../../labs/kvraft/kvraft';

function test(name: string) {
  const found = kvraftLab.tests.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no test ${name}`);
  return found;
}

describe('kvraft lab: the catalogue', () => {
  it('has the Go rsm tests under their names, in part order', () => {
    expect(kvraftLab.parts).toEqual(['4A', '4B', '4C']);
    expect(kvraftLab.tests.filter((candidate) => candidate.part === '4A').map((candidate) => candidate.name)).toEqual([
      'TestBasic4A',
      'TestConcurrent4A',
      'TestLeaderFailure4A',
      'TestLeaderPartition4A',
      'TestRestartReplay4A',
      'TestShutdown4A',
      'TestRestartSubmit4A',
    ]);
    expect(kvraftLab.tests.filter((candidate) => candidate.part === '4B').map((candidate) => candidate.name)).toEqual([
      'TestBasic4B',
      'TestSpeed4B',
      'TestConcurrent4B',
      'TestUnreliable4B',
      'TestOnePartition4B',
      'TestManyPartitionsOneClient4B',
      'TestManyPartitionsManyClients4B',
      'TestPersistOneClient4B',
      'TestPersistConcurrent4B',
      'TestPersistConcurrentUnreliable4B',
      'TestPersistPartition4B',
      'TestPersistPartitionUnreliable4B',
      'TestPersistPartitionUnreliableLinearizable4B',
    ]);
    expect(kvraftLab.tests.filter((candidate) => candidate.part === '4C').map((candidate) => candidate.name)).toEqual([
      'TestSnapshot4C',
      'TestSnapshotRPC4C',
      'TestSnapshotSize4C',
      'TestSpeed4C',
      'TestSnapshotRecover4C',
      'TestSnapshotRecoverManyClients4C',
      'TestSnapshotUnreliable4C',
      'TestSnapshotUnreliableRecover4C',
      'TestSnapshotUnreliableRecoverConcurrentPartition4C',
      'TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4C',
    ]);
  });

  it('4B and 4C without KVServer and Clerk fail at once, naming what is missing', async () => {
    const { outcome } = await runTest(kvraftLab, test('TestBasic4B'), kvraftLab.implementationFrom({ Raft, RSM }), 1);
    expect(outcome.kind).toBe('crash');
    expect(outcome.failure).toMatch(/parts 4B and 4C need KVServer and Clerk/);
  });

  it('implementationFrom: names the missing export (the Raft first) and what is expected', () => {
    expect(() => kvraftLab.implementationFrom({ RSM })).toThrow(/export named Raft: your lab-3 Raft.*lab3Raft\('\.\.\/raft\/raft\.ipynb'\).*exports RSM/);
    expect(() => kvraftLab.implementationFrom({ Raft })).toThrow(/export named RSM/);
    expect(() => kvraftLab.implementationFrom({ Raft, RSM: class {} })).toThrow(/RSM lacks the methods submit, raft/);
    expect(() => kvraftLab.implementationFrom({ Raft, RSM, Clerk: 3 })).toThrow(/Clerk must be a class/);
    expect(kvraftLab.implementationFrom({ Raft, RSM }).RSM).toBe(RSM);
  });
});

// The reference passing every public test on seed 1 is checked by running the instructor
// notebook (labs/kvsrv/kvsrv-notebook.test.ts): the same 30 runs, plus the notebook's cells, tables
// and plots, for one kernel start. Here only what that run does not show.

describe('kvraft lab: determinism', () => {
  it('TestLeaderPartition4A: same seed, same trace hash; another seed, another', async () => {
    const impl = kvraftLab.implementationFrom(reference);
    const first = await runTest(kvraftLab, test('TestLeaderPartition4A'), impl, 3);
    const second = await runTest(kvraftLab, test('TestLeaderPartition4A'), impl, 3);
    const other = await runTest(kvraftLab, test('TestLeaderPartition4A'), impl, 4);
    expect(second.outcome.traceHash).toBe(first.outcome.traceHash);
    expect(other.outcome.traceHash).not.toBe(first.outcome.traceHash);
  });
});

describe('kvraft lab: the skeleton (over the reference Raft) fails cleanly, saying where to look', () => {
  it('TestBasic4A: no Inc is ever answered; the leader exists, so the RSM is the suspect', async () => {
    const { outcome } = await runTest(kvraftLab, test('TestBasic4A'), kvraftLab.implementationFrom({ ...skeleton, Raft }), 1);
    expect(outcome.kind).toBe('liveness');
    expect(outcome.failure).toMatch(/no server answered OK to an Inc within 10 s \(server \d says it leads: does its RSM answer once the request is applied\?\)/);
  });

  it('TestBasic4B: the unwritten Clerk fails the test at once, naming the method', async () => {
    const { outcome } = await runTest(kvraftLab, test('TestBasic4B'), kvraftLab.implementationFrom({ ...skeleton, Raft }), 1);
    expect(outcome.kind).toBe('crash');
    expect(outcome.failure).toMatch(/Clerk\.(put|get) is not written yet/);
    expect(outcome.virtualMs).toBe(0);
  });

  it('the skeleton loads its Raft from lab 3 with lab3Raft, lazily', () => {
    expect((skeleton.Raft as unknown as { lab3Source: string }).lab3Source).toBe('../raft/raft.ts');
  });
});
