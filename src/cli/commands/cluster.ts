/**
 * `distlab cluster kvraft --nodes N [--impl FILE] [--duration 30s] [--clients 10]
 *  [--nemesis kill,partition,pause,latency] --out DIR`: a real cluster of node processes (lab 4's
 * KVServer over its Raft) on loopback, a workload of the lab's Clerks, real faults, and a
 * checked history with a report
 * (DIR/report.html, report.json, history.json, logs/). Exit 0: linearizable and no
 * acknowledged write lost; 1: not; 2: bad input or the cluster could not start.
 * Ctrl-C stops the workload, stops every node and still writes the report; a second Ctrl-C
 * kills everything at once.
 */
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RunReport } from '../../real/report';

interface ClusterCommandOptions {
  readonly nodes: number;
  readonly impl?: string;
  readonly duration: number;
  readonly clients: number;
  readonly keys: number;
  readonly nemesis: string;
  readonly out: string;
  readonly seed: number;
  readonly latencyMs: number;
  readonly json: boolean;
  readonly progress: boolean;
  readonly typeCheck: boolean;
  readonly etcd: boolean;
  readonly hosts?: string;
  readonly etcdReads: 'linearizable' | 'serializable';
}

export function clusterCommand(): Command {
  return new Command('cluster')
    .description('run a real cluster (one process per node, ZeroMQ, wall clock) under load and faults; check and report; exit 0 ok, 1 not, 2 bad input')
    .argument('<lab>', "kvraft (lab 4's key/value service: your KVServer, Clerk and Raft), or etcd (etcd alone, the anchor)")
    .option('--nodes <n>', 'number of node processes', count(1, 9), 3)
    .option('--impl <file>', 'the kvraft implementation (.ts or .ipynb exporting KVServer, Clerk and Raft); default: the reference solution when grading/ is present')
    .option('--duration <time>', 'how long the workload runs, e.g. 30s, 500ms, 2m', duration, 30_000)
    .option('--clients <n>', 'concurrent clients', count(1, 100), 10)
    .option('--keys <n>', 'keys the clients use', count(1, 100), 5)
    .option('--nemesis <faults>', 'faults, comma-separated: kill, pause, partition, latency (or none)', 'kill,partition,pause')
    .option('--latency-ms <ms>', 'added latency during a latency fault', count(0, 10_000), 50)
    .option('--seed <s>', 'seed of the workload and the fault plan', count(0, Number.MAX_SAFE_INTEGER), 1)
    .requiredOption('--out <dir>', 'folder for report.html, report.json, history.json and logs/')
    .option('--json', 'print report.json on stdout instead of a summary', false)
    .option('--no-progress', 'no progress bar')
    .option('--no-type-check', 'skip the type check of --impl (run what transpiles)')
    .option('--hosts <file>', 'nodes already running elsewhere (`distlab node` on other hosts): {"runner": "host:port", "nodes": {"0": "host:port", ...}}; faults: partition, latency')
    .option('--etcd', 'then run etcd (Debian etcd-server) with the same workload and faults; DIR/etcd/ and DIR/compare.html', false)
    .addOption(new Option('--etcd-reads <kind>', "etcd's reads: linearizable (read index) or serializable (local, may be stale)").choices(['linearizable', 'serializable']).default('linearizable'))
    .action(async (lab: string, options: ClusterCommandOptions) => {
      process.exitCode = await runClusterCommand(lab, options);
    });
}

async function runClusterCommand(lab: string, options: ClusterCommandOptions): Promise<number> {
  const { killAll } = await import('../../real/processes.js');
  const out = path.resolve(options.out);
  let runs: Array<() => Promise<RunReport>>;
  const abort = new AbortController();
  const bar = options.progress && !options.json && process.stderr.isTTY ? await progressBar(options.duration) : null;
  try {
    runs = await plannedRuns(lab, options, out, abort.signal, bar);
  } catch (error) {
    process.stderr.write(`distlab cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const onSignal = () => {
    if (abort.signal.aborted) {
      killAll();
      process.exit(130);
    }
    process.stderr.write('\ndistlab cluster: stopping (Ctrl-C again to kill everything now)...\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const reports: RunReport[] = [];
    for (const run of runs) {
      if (abort.signal.aborted && reports.length > 0) break;
      bar?.start(options.duration, 0, { operations: 0, fault: '-' });
      reports.push(await run());
      bar?.stop();
      if (!options.json) process.stdout.write(summaryLines(reports[reports.length - 1] as RunReport));
    }
    if (reports.length > 1) {
      const { writeComparison } = await import('../../real/compare.js');
      const page = await writeComparison(reports, path.join(out, 'compare.html'));
      if (!options.json) process.stdout.write(`side by side: ${page}\n`);
    }
    if (options.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
    return reports[0]?.ok === true ? 0 : 1;
  } catch (error) {
    bar?.stop();
    process.stderr.write(`distlab cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

type Bar = { start(total: number, value: number, payload: object): void; update(value: number, payload: object): void; stop(): void };

/** What to run: our cluster (and etcd beside it with --etcd), or etcd alone. Bad input throws before anything starts. */
async function plannedRuns(lab: string, options: ClusterCommandOptions, out: string, signal: AbortSignal, bar: Bar | null): Promise<Array<() => Promise<RunReport>>> {
  const { parseFaultKinds } = await import('../../real/faults.js');
  const nemesis = parseFaultKinds(options.nemesis);
  const shared = {
    durationMs: options.duration, clients: options.clients, keys: options.keys, nemesis, seed: options.seed, latencyMs: options.latencyMs, faultHoldMs: 2_000, quietMs: 2_000, signal,
    onProgress: (progress: { elapsedMs: number; durationMs: number; operations: number; fault: string | null }) =>
      bar?.update(Math.min(progress.elapsedMs, progress.durationMs), { operations: progress.operations, fault: progress.fault ?? '-' }),
  };
  const runs: Array<() => Promise<RunReport>> = [];
  if (lab !== 'etcd') {
    const { compileForCluster, notRealLab, realLabs } = await import('../../real/implementation.js');
    if (!realLabs.includes(lab)) throw notRealLab(lab);
    const hostsFile = options.hosts === undefined ? null : path.resolve(options.hosts);
    const { runCluster, runRemoteCluster, readHostsFile } = await import('../../real/cluster.js');
    if (hostsFile !== null) readHostsFile(hostsFile);
    const graphFile = path.join(out, 'impl.json');
    await compileForCluster(lab, options.impl === undefined ? null : path.resolve(options.impl), graphFile, { typeCheck: options.typeCheck });
    if (hostsFile !== null) runs.push(() => runRemoteCluster({ ...shared, out, hostsFile, graphFile }));
    else {
      const { packageRoot } = await import('../../testing/package-root.js');
      const cliArgs = [path.join(packageRoot(), 'bin', 'distlab.js')];
      runs.push(() => runCluster({ ...shared, nodes: options.nodes, graphFile, out, command: process.execPath, cliArgs }));
    }
  }
  if (lab === 'etcd' || options.etcd) {
    const { findEtcd, runEtcd } = await import('../../real/etcd.js');
    findEtcd();
    const etcdOut = lab === 'etcd' ? out : path.join(out, 'etcd');
    runs.push(() => runEtcd({ ...shared, members: options.nodes, reads: options.etcdReads, out: etcdOut }));
  }
  return runs;
}

export function summaryLines(report: RunReport): string {
  const { latency } = report;
  return [
    report.summary,
    `  operations ${report.operations.acknowledged} acknowledged, ${report.operations.unknown} unknown; throughput ${report.throughputPerSecond} ops/s`,
    `  latency p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`,
    `  faults: ${report.faults.map((fault) => fault.description).join('; ') || 'none'}`,
    `  report: ${report.files.html}`,
    '',
  ].join('\n');
}

async function progressBar(_durationMs: number): Promise<Bar> {
  const { SingleBar, Presets } = await import('cli-progress');
  return new SingleBar({ format: ' {bar} {percentage}% | {operations} ops | fault: {fault}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
}

function count(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return value;
  };
}

/** "30s", "500ms", "2m" or a number of seconds, as milliseconds. */
export function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) throw new InvalidArgumentError(`expected a duration such as 30s, 500ms or 2m, got ${JSON.stringify(text)}`);
  const value = Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1_000);
  if (!(value >= 1_000 && value <= 3_600_000)) throw new InvalidArgumentError(`the duration must be between 1s and 1h, got ${JSON.stringify(text)}`);
  return Math.round(value);
}
