import { describe, expect, it } from 'vitest';
import { runTest } from 'distlab/testing';
import { Clerk, KVServer, Lock } from './kvsrv';
import { kvsrvLab } from '../../../labs/kvsrv/lab';
import * as skeleton from '../../../labs/kvsrv/kvsrv';

const reference = { KVServer, Clerk, Lock };

function test(name: string) {
  const found = kvsrvLab.tests.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no test ${name}`);
  return found;
}

describe('kvsrv lab: the catalogue', () => {
  it('has the Go kvsrv1 and lock tests under their names, in part order', () => {
    expect(kvsrvLab.parts).toEqual(['kv', 'lock']);
    expect(kvsrvLab.tests.map((candidate) => candidate.name)).toEqual([
      'TestReliablePut',
      'TestPutConcurrentReliable',
      'TestMemPutManyClientsReliable',
      'TestUnreliableNet',
      'TestReliableBasic',
      'TestReliableNested',
      'TestOneClientReliable',
      'TestManyClientsReliable',
      'TestOneClientUnreliable',
      'TestManyClientsUnreliable',
    ]);
  });

  it('implementationFrom: names the missing export and what is expected', () => {
    expect(() => kvsrvLab.implementationFrom({ KVServer, Clerk })).toThrow(/export named Lock.*exports KVServer, Clerk/);
    expect(() => kvsrvLab.implementationFrom({ KVServer, Clerk: 3, Lock })).toThrow(/Clerk must be a class/);
    expect(() => kvsrvLab.implementationFrom({ KVServer, Clerk: class {}, Lock })).toThrow(/Clerk lacks the methods get, put/);
    expect(kvsrvLab.implementationFrom(reference).Lock).toBe(Lock);
  });
});

describe('kvsrv lab: the reference passes every test', () => {
  for (const labTest of kvsrvLab.tests) {
    it(`${labTest.name} (seed 1)`, async () => {
      const { outcome } = await runTest(kvsrvLab, labTest, reference, 1);
      expect(outcome.failure ?? 'passed', labTest.name).toBe('passed');
    }, 60_000);
  }
});

describe('kvsrv lab: the skeleton fails every test at once, saying what to write', () => {
  for (const labTest of kvsrvLab.tests) {
    it(labTest.name, async () => {
      const { outcome } = await runTest(kvsrvLab, labTest, kvsrvLab.implementationFrom(skeleton), 1);
      expect(outcome.passed).toBe(false);
      expect(outcome.kind).toBe('crash');
      expect(outcome.failure).toMatch(/(Clerk\.put|Clerk\.get|Lock\.acquire) is not written yet/);
      expect(outcome.virtualMs).toBe(0);
    });
  }
});

describe('kvsrv lab: determinism', () => {
  for (const name of ['TestUnreliableNet', 'TestManyClientsUnreliable']) {
    it(`${name}: same seed, same trace hash`, async () => {
      const first = await runTest(kvsrvLab, test(name), reference, 3);
      const second = await runTest(kvsrvLab, test(name), reference, 3);
      const other = await runTest(kvsrvLab, test(name), reference, 4);
      expect(second.outcome.traceHash).toBe(first.outcome.traceHash);
      expect(other.outcome.traceHash).not.toBe(first.outcome.traceHash);
    });
  }
});
