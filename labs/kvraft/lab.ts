/**
 * Lab 4, a fault-tolerant key/value service (MIT 6.5840 2025/2026 `kvraft1`: `rsm` part 4A,
 * `kvraft` parts 4B and 4C) as a distlab Lab: its tests under the course's names, how to find
 * the implementation in a submission, and the plots of a run.
 *
 * The implementation includes the student's own Raft: the submission exports `Raft` (the
 * skeleton loads the lab-3 file, `export const Raft = lab3Raft('../raft/raft.ts')`), and the tester
 * hands that class to every RSM it builds (README.md, "Bringing in your Raft").
 *
 * Example:
 * ```ts
 * import { runTest } from 'distlab/testing';
 * import { kvraftLab } from './lab';
 * const test = kvraftLab.tests.find((candidate) => candidate.name === 'TestBasic4A')!;
 * const { outcome } = await runTest(kvraftLab, test, { Raft, RSM }, 1);
 * ```
 */
import { ImplementationError, type Lab } from 'distlab/testing';
import { kvraftPlots } from './plots';
import { kvTests4B, kvTests4C } from './tests/kv';
import { rsmSnapshotTests, rsmTests } from './tests/rsm';
import type { ClerkClass, KvraftImplementation, KVServerClass, RaftClass, RSMClass } from './types';

interface Expected {
  readonly shape: string;
  readonly methods: readonly string[];
  /** Needed from part 4B on; part 4A runs without it (the notebook defines it later). */
  readonly optional: boolean;
}

const expected: Record<keyof KvraftImplementation, Expected> = {
  Raft: {
    shape: "your lab-3 Raft, new Raft(ctx, { peers, me }) with start, getState, snapshot and apply$ (export const Raft = lab3Raft('../raft/raft.ipynb'), or '../raft/raft.ts')",
    methods: ['start', 'getState', 'snapshot'],
    optional: false,
  },
  RSM: { shape: 'new RSM(ctx, { peers, me, maxRaftState, stateMachine, Raft }) with submit(request) and raft()', methods: ['submit', 'raft'], optional: false },
  KVServer: { shape: 'new KVServer(ctx, { peers, me, maxRaftState, Raft }) serving KVServer.Get and KVServer.Put, with rsm()', methods: ['rsm'], optional: true },
  Clerk: { shape: 'new Clerk(ctx, { servers }) with get(key) and put(key, value, version)', methods: ['get', 'put'], optional: true },
};

/**
 * Picks `Raft`, `RSM`, `KVServer` and `Clerk` out of a module's exports (a .ts file or a
 * notebook's cells). Throws ImplementationError saying what is missing and what is expected.
 */
export function kvraftImplementationFrom(exports: Readonly<Record<string, unknown>>): KvraftImplementation {
  for (const [name, { shape, methods, optional }] of Object.entries(expected)) {
    const candidate = exports[name];
    if (candidate === undefined) {
      if (optional) continue;
      const found = Object.keys(exports).join(', ') || 'nothing';
      throw new ImplementationError(`the kvraft lab needs an export named ${name}: ${shape}; the module exports ${found}`);
    }
    if (typeof candidate !== 'function' || candidate.prototype === undefined) throw new ImplementationError(`the export ${name} must be a class (${shape}), but it is ${typeof candidate}`);
    const missing = methods.filter((method) => typeof (candidate.prototype as Record<string, unknown>)[method] !== 'function');
    if (missing.length > 0) throw new ImplementationError(`class ${name} lacks the method${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the tester uses ${shape}`);
  }
  return {
    Raft: exports.Raft as RaftClass,
    RSM: exports.RSM as RSMClass,
    ...(exports.KVServer === undefined ? {} : { KVServer: exports.KVServer as KVServerClass }),
    ...(exports.Clerk === undefined ? {} : { Clerk: exports.Clerk as ClerkClass }),
  };
}

export const kvraftLab: Lab<KvraftImplementation> = {
  name: 'kvraft',
  title: 'Lab 4: a fault-tolerant key/value service (rsm, kvraft) on your Raft',
  parts: ['4A', '4B', '4C'],
  tests: [...rsmTests, ...kvTests4B, ...rsmSnapshotTests, ...kvTests4C],
  implementationFrom: kvraftImplementationFrom,
  plots: kvraftPlots,
};
