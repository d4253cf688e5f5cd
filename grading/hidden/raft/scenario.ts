/**
 * The shape of a hidden Raft scenario: the public harness (which watches Raft's Figure 3
 * invariants on every run) plus what every hidden run checks (an applied snapshot never going backwards) and the
 * invariants a scenario adds for itself. Invariant violations are reported before the body's
 * own failure: they name the cause, the body's failure (a liveness timeout) often only the effect.
 */
import { TestFailure, type FailureKind, type LabTest, type TestContext } from 'distlab/testing';
import { appliedSnapshotAdvances, type TraceInvariant } from 'distlab/check';
import { runRaftTest, testVirtualMsMax, type RaftHarness } from '../../../labs/raft/harness';
import type { RaftImplementation } from '../../../labs/raft/types';
import { recordTrace, tapApplies, type TraceRecording } from './watch';

export type RaftTest = LabTest<RaftImplementation>;

/** Links with latency (the public tests' reliable network has none). */
const latency = { msMin: 2, msMax: 20 } as const;

export function world(options: { unreliable: boolean; duplicateProbability?: number; latency?: { msMin: number; msMax: number } }): RaftTest['world'] {
  return { network: { reliable: !options.unreliable, longDelays: true, latency: options.latency ?? latency, duplicateProbability: options.duplicateProbability ?? 0 } };
}

/** An invariant a scenario checks over its whole run, and the verdict kind its violation gets. */
export interface ScenarioInvariant {
  readonly invariant: TraceInvariant;
  readonly kind: FailureKind;
}

/** Checked on every hidden run. */
const everyRun: readonly ScenarioInvariant[] = [{ invariant: appliedSnapshotAdvances, kind: 'safety' }];

type Body = (h: RaftHarness, trace: TraceRecording) => Promise<void>;

/** A hidden scenario: the harness with `servers` peers, `body` as the tester, `invariants` checked over the whole run besides the ones every hidden run checks. */
export function test(name: string, part: string, description: string, worldOptions: RaftTest['world'], servers: number, snapshot: boolean, body: Body, extra: readonly ScenarioInvariant[] = []): RaftTest {
  const invariants = [...everyRun, ...extra];
  return {
    name,
    part,
    description,
    world: worldOptions,
    virtualMsMax: testVirtualMsMax,
    async run(t: TestContext<RaftImplementation>) {
      const trace = recordTrace(t.world);
      let thrown: unknown = null;
      try {
        await runRaftTest({ ...t, impl: tapApplies(t.impl) }, { servers, snapshot }, (h) => body(h, trace));
      } catch (error) {
        thrown = error;
      }
      trace.stop();
      const violation = firstViolation(invariants, trace, t.world.nowMs());
      if (violation !== null) throw violation;
      if (thrown !== null) throw thrown;
    },
  };
}

function firstViolation(invariants: readonly ScenarioInvariant[], trace: TraceRecording, atMs: number): TestFailure | null {
  for (const { invariant, kind } of invariants) {
    const violation = invariant.check(trace.events);
    if (violation !== null) return new TestFailure(kind, `${invariant.name} violated: ${violation.detail}`, Math.min(atMs, violation.atMs));
  }
  return null;
}

/** Fails the test now if `invariant` does not hold over the run so far. */
export function assertInvariant(h: RaftHarness, trace: TraceRecording, invariant: TraceInvariant, kind: FailureKind): void {
  const violation = invariant.check(trace.events);
  if (violation !== null) h.fail(kind, `${invariant.name} violated: ${violation.detail}`);
}

/** Waits up to `ms` for server i to report leadership; returns whether it did. */
export async function awaitLeader(h: RaftHarness, i: number, ms: number): Promise<boolean> {
  const until = h.now() + ms;
  while (h.now() < until) {
    if (h.getState(i)?.isLeader === true) return true;
    await h.sleep(20);
  }
  return false;
}

/** The first server of `candidates` that reports leadership within `ms`, or -1. */
export async function awaitAnyLeader(h: RaftHarness, candidates: readonly number[], ms: number): Promise<number> {
  const until = h.now() + ms;
  while (h.now() < until) {
    const found = candidates.find((i) => h.getState(i)?.isLeader === true);
    if (found !== undefined) return found;
    await h.sleep(20);
  }
  return -1;
}

/** Waits up to `ms` for `count` servers to apply `index`; returns whether they did. */
export async function awaitApplied(h: RaftHarness, index: number, count: number, ms: number): Promise<boolean> {
  const until = h.now() + ms;
  while (h.now() < until) {
    if (h.nCommitted(index).count >= count) return true;
    await h.sleep(20);
  }
  return h.nCommitted(index).count >= count;
}
