/**
 * Lab 5, a sharded key/value service (MIT 6.5840 2025/2026 `shardkv1`) as a distlab Lab: its
 * tests under the course's names, how to find the implementation in a submission, and the plots
 * of a run.
 *
 * The implementation includes the student's own labs 2-4: the submission exports lab 2's
 * `KVServer` (it stores the configurations) and its Clerk as `KVClerk` (the controller talks to
 * it), lab 3's `Raft` and lab 4's `RSM` (the shard groups run on them), each loaded with
 * `fromLab` (distlab/testing), beside lab 5's configuration functions, `ShardServer`,
 * `ShardCtrler` and `Clerk`.
 *
 * Example:
 * ```ts
 * import { runTest } from 'distlab/testing';
 * import { shardkvLab } from './lab';
 * const test = shardkvLab.tests.find((candidate) => candidate.name === 'TestJoinBasic5A')!;
 * const { outcome } = await runTest(shardkvLab, test, implementation, 1);
 * ```
 */
import { ImplementationError, type Lab } from 'distlab/testing';
import { shardkvPlots } from './plots';
import { tests5A } from './tests/5a';
import { tests5B } from './tests/5b';
import { tests5C } from './tests/5c';
import type { ShardkvImplementation } from './types';

const classes: Record<string, { readonly shape: string; readonly methods: readonly string[] }> = {
  Raft: { shape: "your lab-3 Raft (export const Raft = fromLab('../raft/raft.ts', 'Raft'))", methods: ['start', 'getState', 'snapshot'] },
  RSM: { shape: "your lab-4 RSM, new RSM(ctx, { peers, me, maxRaftState, stateMachine, Raft }) (export const RSM = fromLab('../kvraft/kvraft.ts', 'RSM'))", methods: ['submit', 'raft'] },
  KVServer: { shape: "your lab-2 server, new KVServer(ctx) (export const KVServer = fromLab('../kvsrv/kvsrv.ts', 'KVServer'))", methods: [] },
  KVClerk: { shape: "your lab-2 Clerk, new KVClerk(ctx, { server }) with get and put (export const KVClerk = fromLab('../kvsrv/kvsrv.ts', 'Clerk'))", methods: ['get', 'put'] },
  ShardServer: { shape: 'new ShardServer(ctx, { gid, servers, me, maxRaftState, RSM, Raft }) serving the ShardGrp RPCs, with rsm()', methods: ['rsm'] },
  ShardCtrler: { shape: 'new ShardCtrler(ctx, { kvServer, KVClerk }) with initConfig, initController, changeConfigTo and query', methods: ['initConfig', 'initController', 'changeConfigTo', 'query'] },
  Clerk: { shape: 'new Clerk(ctx, { ctrler }) with get(key) and put(key, value, version)', methods: ['get', 'put'] },
};
const functions = ['makeShardConfig', 'joinBalance', 'leaveBalance'] as const;

/**
 * Picks the lab's classes and configuration functions out of a module's exports (a .ts file or
 * a notebook's cells). Throws ImplementationError saying what is missing and what is expected.
 */
export function shardkvImplementationFrom(exports: Readonly<Record<string, unknown>>): ShardkvImplementation {
  const found = Object.keys(exports).join(', ') || 'nothing';
  for (const [name, { shape, methods }] of Object.entries(classes)) {
    const candidate = exports[name];
    if (candidate === undefined) throw new ImplementationError(`the shardkv lab needs an export named ${name}: ${shape}; the module exports ${found}`);
    if (typeof candidate !== 'function' || candidate.prototype === undefined) throw new ImplementationError(`the export ${name} must be a class (${shape}), but it is ${typeof candidate}`);
    const missing = methods.filter((method) => typeof (candidate.prototype as Record<string, unknown>)[method] !== 'function');
    if (missing.length > 0) throw new ImplementationError(`class ${name} lacks the method${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the tester uses ${shape}`);
  }
  for (const name of functions) {
    if (typeof exports[name] !== 'function') throw new ImplementationError(`the shardkv lab needs a function export named ${name} (the configuration functions makeShardConfig(), joinBalance(config, groups), leaveBalance(config, gids)); the module exports ${found}`);
  }
  const pick = <T>(name: string) => exports[name] as T;
  return {
    Raft: pick('Raft'),
    RSM: pick('RSM'),
    KVServer: pick('KVServer'),
    KVClerk: pick('KVClerk'),
    ShardServer: pick('ShardServer'),
    ShardCtrler: pick('ShardCtrler'),
    Clerk: pick('Clerk'),
    makeShardConfig: pick('makeShardConfig'),
    joinBalance: pick('joinBalance'),
    leaveBalance: pick('leaveBalance'),
  };
}

export const shardkvLab: Lab<ShardkvImplementation> = {
  name: 'shardkv',
  title: 'Lab 5: a sharded key/value service (shardcfg, controller, shard groups) on your labs 2-4',
  parts: ['5A', '5B', '5C'],
  tests: [...tests5A, ...tests5B, ...tests5C],
  implementationFrom: shardkvImplementationFrom,
  plots: shardkvPlots,
};
