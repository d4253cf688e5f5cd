/**
 * The shared tester loop (`Tester`, `runTester`): a body runs in virtual time and the test
 * ends with the first failure, whether thrown by the body, recorded by a concurrent task or
 * found by a watched invariant; a body that never returns fails at the virtual time limit.
 */
import { describe, expect, test } from 'vitest';
import { electionSafety, type RaftObservation } from 'distlab/check';
import { nodeTimelineSpec } from 'distlab/plot';
import { failureMarks, runTest, runTester, Tester, type Lab, type LabTest } from 'distlab/testing';

type Body = (h: Tester) => Promise<void>;

function labOf(body: Body, virtualMsMax = 5_000): { lab: Lab<null>; test: LabTest<null> } {
  const test: LabTest<null> = { name: 'TestBody', part: 'X', description: 'a tester body', virtualMsMax, run: async (t) => void (await runTester(t, new Tester(t), body)) };
  return { lab: { name: 'fixture', title: 'fixture', parts: ['X'], tests: [test], implementationFrom: () => null }, test };
}

async function outcomeOf(body: Body, virtualMsMax?: number) {
  const { lab, test } = labOf(body, virtualMsMax);
  return (await runTest(lab, test, null, 1)).outcome;
}

/** Servers a and b both become leader in term 2, at 100 and 200 ms: election safety breaks at 200 ms. */
const twoLeadersInOneTerm: Body = async (h) => {
  const watcher = h.watch<RaftObservation>([electionSafety]);
  await h.sleep(100);
  watcher.observe({ kind: 'role', node: 'a', role: 'leader', term: 2, atMs: h.now() });
  await h.sleep(100);
  watcher.observe({ kind: 'role', node: 'b', role: 'leader', term: 2, atMs: h.now() });
  await h.sleep(1_000);
};

describe('Tester: the first failure ends the test', () => {
  test('a body that returns passes, after the virtual time it slept', async () => {
    const outcome = await outcomeOf(async (h) => h.sleep(1_500));
    expect(outcome).toMatchObject({ passed: true, virtualMs: 1_500 });
  });

  test('a failure thrown by the body carries its kind and virtual time', async () => {
    const outcome = await outcomeOf(async (h) => {
      await h.sleep(1_234);
      h.fail('liveness', 'no leader');
    });
    expect(outcome).toMatchObject({ passed: false, kind: 'liveness', failure: 'no leader (at 1.234s)', failureAtMs: 1_234 });
  });

  test('a concurrent task (go) that fails ends the test while the body still sleeps', async () => {
    const outcome = await outcomeOf(async (h) => {
      void h.go(async () => {
        await h.sleep(300);
        throw new Error('boom');
      });
      await h.sleep(4_000);
    });
    expect(outcome).toMatchObject({ passed: false, kind: 'crash', failureAtMs: 300, virtualMs: 300 });
    expect(outcome.failure).toBe('the tester stopped on an unexpected error: boom (at 0.300s)');
  });

  test('a watched invariant that breaks fails the test as safety, naming the invariant', async () => {
    const outcome = await outcomeOf(twoLeadersInOneTerm);
    expect(outcome).toMatchObject({ passed: false, kind: 'safety', failureAtMs: 200 });
    expect(outcome.failure).toBe('at most one leader per term (election safety) violated: servers a and b were both leader in term 2 (server b became leader at 0.200s)');
  });

  test('a violated invariant is marked on the plots: a red line at its time and a marker on each node it names', async () => {
    const { lab, test: labTest } = labOf(twoLeadersInOneTerm);
    const { failure } = await runTest(lab, labTest, null, 1);
    expect([...(failure?.nodes ?? [])].sort()).toEqual(['a', 'b']);
    const marks = failureMarks(failure);
    expect(marks).toMatchObject([{ atMs: 200 }]);
    expect(marks[0]?.label).toMatch(/^FAILED \(safety\): at most one leader per term/);
    const spec = JSON.stringify(nodeTimelineSpec([], { nodes: ['a', 'b', 'c'], toMs: 1_000, marks }));
    const laneMarkers = [...spec.matchAll(/\{"atMs":200,"label":"FAILED[^}]*"node":"(\w)","lane":[\d.]+\}/g)].map((match) => match[1]);
    expect(laneMarkers.sort()).toEqual(['a', 'b']);
    expect(spec).toContain('red line at 200 ms: FAILED (safety)');
    expect(failureMarks(null)).toEqual([]);
  });

  test('a body that never returns fails at the virtual time limit', async () => {
    const outcome = await outcomeOf(async (h) => {
      for (;;) await h.sleep(1_000);
    }, 3_000);
    expect(outcome).toMatchObject({ passed: false, kind: 'liveness', failure: 'test took longer than 3 s of virtual time (at 3.000s)' });
  });
});
