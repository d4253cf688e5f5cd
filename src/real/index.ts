/**
 * distlab/real: real mode from a notebook or a script. Lab 4's key/value service (KVServer,
 * Clerk, and the Raft under them) as OS processes over ZeroMQ, under load and real faults, and
 * etcd beside it (docs/real-mode.md).
 *
 * @example
 *   const run = await runRealCluster({ nodes: 3, durationMs: 10_000, nemesis: ['kill'] });
 *   await show(latencySpec([chartRunOf(run)], { title: run.summary, endS: 11 }));
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCluster } from './cluster';
import { runEtcd, type EtcdReads } from './etcd';
import type { FaultKind } from './faults';
import { compileForCluster } from './implementation';
import type { RunReport } from './report';
import { packageRoot } from '../testing/package-root';

export { latencySpec, throughputSpec } from './charts';
export type { ChartRun } from './charts';
export { chartRunOf, writeComparison } from './compare';
export { findEtcd } from './etcd';
export type { EtcdReads } from './etcd';
export { faultKinds, parseFaultKinds } from './faults';
export type { FaultKind, FaultWindow } from './faults';
export type { RunReport, RunVerdict } from './report';

export interface RealRunOptions {
  /** Node processes (etcd: members). Default 3. */
  readonly nodes?: number;
  readonly durationMs?: number;
  readonly clients?: number;
  readonly keys?: number;
  readonly nemesis?: readonly FaultKind[];
  /** Calm before the first fault and between faults; each fault holds `faultHoldMs`. */
  readonly quietMs?: number;
  readonly faultHoldMs?: number;
  readonly latencyMs?: number;
  readonly seed?: number;
  /** Where report.html, history.json and logs/ go. Default: a fresh temporary folder. */
  readonly out?: string;
}

function shared(options: RealRunOptions, name: string) {
  return {
    durationMs: options.durationMs ?? 10_000,
    clients: options.clients ?? 5,
    keys: options.keys ?? 5,
    nemesis: options.nemesis ?? ['kill'],
    seed: options.seed ?? 1,
    latencyMs: options.latencyMs ?? 50,
    quietMs: options.quietMs ?? 2_000,
    faultHoldMs: options.faultHoldMs ?? 2_000,
    out: path.resolve(options.out ?? fs.mkdtempSync(path.join(os.tmpdir(), `distlab-${name}-`))),
  };
}

/**
 * Runs lab 4's key/value service (default: the reference, when grading/ is present) as real
 * processes; resolves to the checked report. The implementation is compiled without a type
 * check (run `distlab test` for that).
 */
export async function runRealCluster(options: RealRunOptions & { readonly impl?: string } = {}): Promise<RunReport> {
  const run = shared(options, 'cluster');
  const graphFile = path.join(run.out, 'impl.json');
  await compileForCluster('kvraft', options.impl === undefined ? null : path.resolve(options.impl), graphFile, { typeCheck: false });
  return runCluster({ ...run, nodes: options.nodes ?? 3, graphFile, command: process.execPath, cliArgs: [path.join(packageRoot(), 'bin', 'distlab.js')] });
}

/** Runs etcd (3 members by default) under the same workload and faults; throws, saying how to install it, when etcd is missing. */
export async function runEtcdCluster(options: RealRunOptions & { readonly reads?: EtcdReads } = {}): Promise<RunReport> {
  return runEtcd({ ...shared(options, 'etcd'), members: options.nodes ?? 3, reads: options.reads ?? 'linearizable' });
}
