/**
 * The Raft lab (MIT 6.5840 Lab 3, parts 3A-3D) as a distlab Lab: its 24 tests under the
 * course's names, how to find the implementation in a submission, and the plots of a run.
 *
 * Example:
 * ```ts
 * import { runTest } from 'distlab/testing';
 * import { raftLab } from './lab';
 * const test = raftLab.tests.find((candidate) => candidate.name === 'TestBackup3B')!;
 * const { outcome } = await runTest(raftLab, test, { Raft }, 1);
 * ```
 */
import type { World } from 'distlab';
import { metricSpec, nodeTimelineSpec, spaceTimeSpec } from 'distlab/plot';
import { failureMarks, ImplementationError, type Lab, type TestFailure } from 'distlab/testing';
import { tests3A } from './tests/3a';
import { tests3B } from './tests/3b';
import { tests3C } from './tests/3c';
import { tests3D } from './tests/3d';
import type { RaftClass, RaftImplementation } from './types';

/** How much of the run before a failure (or the end) the space-time diagram shows. */
export const spaceTimeWindowMs = 1500;

/**
 * Picks the `Raft` class out of a module's exports (a .ts file or a notebook's cells).
 * Throws ImplementationError saying what is missing and what is expected.
 */
export function raftImplementationFrom(exports: Readonly<Record<string, unknown>>): RaftImplementation {
  const candidate = exports.Raft;
  if (candidate === undefined) {
    const found = Object.keys(exports).join(', ') || 'nothing';
    throw new ImplementationError(
      `the Raft lab needs an export named Raft: a class built as new Raft(ctx, { peers, me }) with start(command), getState(), snapshot(index, snapshot) and apply$; the module exports ${found}`,
    );
  }
  if (typeof candidate !== 'function' || candidate.prototype === undefined) {
    throw new ImplementationError(`the export Raft must be a class (new Raft(ctx, { peers, me })), but it is ${typeof candidate}`);
  }
  const missing = ['start', 'getState', 'snapshot'].filter((method) => typeof (candidate.prototype as Record<string, unknown>)[method] !== 'function');
  if (missing.length > 0) {
    throw new ImplementationError(`class Raft lacks the method${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the tester calls start(command), getState() and snapshot(index, snapshot)`);
  }
  return { Raft: candidate as RaftClass };
}

/** The role/term timeline, commit indexes, and a space-time diagram of the last moments. */
export function raftPlots(world: World, failure: TestFailure | null): Array<{ readonly title: string; readonly spec: object }> {
  const events = world.trace.events;
  const endMs = failure?.atMs ?? world.nowMs();
  const fromMs = Math.max(events[0]?.atMs ?? 0, endMs - spaceTimeWindowMs);
  const nodes = world.nodeIds;
  // The failure is the red line on every chart, with a marker on each node a violated invariant names.
  const marks = failureMarks(failure);
  const toMs = Math.max(endMs, 1);
  return [
    { title: 'Role and term of each peer', spec: nodeTimelineSpec(events, { nodes, toMs, marks, title: 'Role and term of each peer' }) },
    { title: 'Commit index of each peer', spec: metricSpec(events, { name: 'commitIndex', toMs, marks, title: 'Commit index of each peer' }) },
    {
      title: failure === null ? 'Messages, last moments' : 'Messages before the failure',
      spec: spaceTimeSpec(events, { fromMs, toMs: Math.max(endMs, fromMs + 1), nodes, marks, title: `Messages ${fromMs}-${endMs} ms` }),
    },
  ];
}

export const raftLab: Lab<RaftImplementation> = {
  name: 'raft',
  title: 'Raft (parts 3A-3D: election, log, persistence, snapshots)',
  parts: ['3A', '3B', '3C', '3D'],
  tests: [...tests3A, ...tests3B, ...tests3C, ...tests3D],
  implementationFrom: raftImplementationFrom,
  // What the tester uses of a peer (harness.ts): the grader runs submissions behind this surface.
  surface: { classes: { Raft: { methods: ['start', 'getState', 'snapshot'], streams: ['apply$'] } } },
  plots: raftPlots,
};
