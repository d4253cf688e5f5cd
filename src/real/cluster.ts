/**
 * `distlab cluster`: a real cluster on this machine. N node processes (the implementation's lab-4
 * KVServer over its Raft) on free loopback ports, a workload of its Clerks, a nemesis (SIGKILL and
 * restart, SIGSTOP/SIGCONT, partitions and added latency through the control channel), then a
 * healed phase with one final read per key, the history checked for linearizability and for
 * lost acknowledged writes, and a report. Every child ends with the run (see processes.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { MemoryPersister } from '../runtime/persister';
import { ClusterNode, type NodeLaunch } from './cluster-node';
import type { NetworkControl } from './nemesis';
import { Host } from './host';
import { clerkService, type ClerkConstructor } from './kvraft-service';
import { kvraftFromGraph } from './node-process';
import { freePorts } from './processes';
import type { RunReport, StartedProcess } from './report';
import { noteProcess, runSystem, type RunMember, type RunOptions } from './run-system';
import type { ControlCommand } from './wire';
import { WorkloadState } from './workload';
import type { Address } from './zmq-endpoint';

export interface ClusterOptions extends RunOptions {
  readonly nodes: number;
  /** The compiled implementation (a `CompiledGraph` as JSON), see `compileForCluster`: the nodes' KVServer, the runner's Clerk. */
  readonly graphFile: string;
  /** How a node process is started: the distlab CLI (`node bin/distlab.js`). */
  readonly command: string;
  readonly cliArgs: readonly string[];
}

export const runnerId = 'runner';
/** A call from the runner (a Clerk's) with no reply after this long fails, unless the Clerk sets its own timeout. */
const runnerCallTimeoutMs = 1_500;
const nodeReadyTimeoutMs = 30_000;

/** Node ids of an n-node cluster: the Raft lab's ('0', '1', ...). */
export function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(index));
}

export async function runCluster(options: ClusterOptions): Promise<RunReport> {
  const logs = path.join(options.out, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const ids = nodeIds(options.nodes);
  const ports = await freePorts(options.nodes + 1);
  const addresses = new Map<string, Address>([...ids.map((id, index) => [id, { host: '127.0.0.1', port: ports[index] as number }] as const), [runnerId, { host: '127.0.0.1', port: ports[options.nodes] as number }]]);
  const processes: StartedProcess[] = [];
  const { Clerk } = await kvraftFromGraph(options.graphFile);
  const host = await startRunnerHost(addresses, options.seed, path.join(logs, `${runnerId}.log`));
  const launch: NodeLaunch = {
    command: options.command,
    cliArgs: options.cliArgs,
    sharedArgs: ['--peers', [...addresses].map(([id, address]) => `${id}=${address.host}:${address.port}`).join(','), '--group', ids.join(','), '--graph', options.graphFile, '--controller', runnerId],
    readyTimeoutMs: nodeReadyTimeoutMs,
    seed: options.seed,
    onStarted: (started) => noteProcess(options.out, processes, started),
  };
  const nodes = ids.map((id) => new ClusterNode(id, addresses.get(id)?.port as number, path.join(options.out, 'data', id), path.join(logs, `node-${id}.log`), launch));
  return runOnHost(host, ids, nodes, processes, Clerk, options);
}

async function startRunnerHost(addresses: ReadonlyMap<string, Address>, seed: number, logFile: string): Promise<Host> {
  const host = new Host({
    id: runnerId,
    incarnation: 0,
    seed,
    listen: addresses.get(runnerId) as Address,
    peers: addresses,
    persister: new MemoryPersister(),
    controller: null,
    rpcDeadlineMs: runnerCallTimeoutMs,
    log: (line) => fs.appendFileSync(logFile, `${line}\n`),
    onStop: (reason) => fs.appendFileSync(logFile, `runner stopped: ${reason}\n`),
  });
  await host.start(() => ({}));
  return host;
}

/** The run of our cluster: the Clerks on the runner's host, the nemesis's partitions through its control frames. */
function runOnHost(host: Host, ids: readonly string[], members: readonly RunMember[], processes: StartedProcess[], Clerk: ClerkConstructor, options: RunOptions): Promise<RunReport> {
  const state = new WorkloadState();
  const service = clerkService(host.context, ids, Clerk, state, () => host.kernel.wallMs());
  return runSystem({ name: 'distlab', members, network: controlNetwork(host, ids), service, state, run: (body) => host.run(body), processes, close: () => host.close() }, options);
}

/** Partitions and latency through control frames, enforced by each node's transport (both ends). */
function controlNetwork(host: Host, ids: readonly string[]): NetworkControl {
  const control = (target: string, command: ControlCommand) => void host.endpoint.send({ kind: 'control', source: runnerId, target, command });
  return {
    partition: (isolated, others) => {
      control(isolated, { type: 'partition', blocked: [...others] });
      for (const other of others) control(other, { type: 'partition', blocked: [isolated] });
    },
    heal: () => ids.forEach((id) => control(id, { type: 'partition', blocked: [] })),
    setLatency: (delayMs) => ids.forEach((id) => control(id, { type: 'latency', delayMs })),
  };
}

const hostsSchema = z.object({
  runner: z.string(),
  nodes: z.record(z.string().min(1), z.string()),
});

/** The address in a hosts file entry, or an error naming the entry. */
function hostAddress(text: string, what: string): Address {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (match === null || !(port > 0 && port < 65536)) throw new Error(`hosts file: ${what} must be "host:port", got ${JSON.stringify(text)}`);
  return { host: match[1] as string, port };
}

/**
 * Reads a hosts file: `{ "runner": "host:port", "nodes": { "0": "host:port", ... } }`, nodes in
 * Raft group order. Each node runs `distlab node` on its host with the same --group, --peers
 * naming every node and the runner, and --controller runner.
 */
export function readHostsFile(file: string): Map<string, Address> {
  const parsed = hostsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a hosts file: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}; expected { "runner": "host:port", "nodes": { "0": "host:port", ... } }`);
  const addresses = new Map<string, Address>(Object.entries(parsed.data.nodes).map(([id, text]) => [id, hostAddress(text, `node ${id}`)]));
  if (addresses.has(runnerId)) throw new Error(`${file}: no node may be called ${runnerId}`);
  addresses.set(runnerId, hostAddress(parsed.data.runner, 'runner'));
  return addresses;
}

/** A node started elsewhere (`distlab node` on another host): always up as far as the runner knows, never signalled. */
function remoteMember(id: string): RunMember {
  const unsupported = () => {
    throw new Error(`node ${id} runs on another host: the runner cannot signal it`);
  };
  return { id, up: true, signallable: false, logFile: '', start: async () => {}, stop: async () => {}, kill: async () => unsupported(), pause: unsupported, resume: unsupported };
}

/**
 * A cluster of nodes already running on other hosts (or network namespaces), listed in a hosts
 * file: the runner brings clients, partitions and latency through the control channel, the
 * checked history and the report; kills and pauses need the processes, so they are skipped.
 */
export async function runRemoteCluster(options: RunOptions & { readonly hostsFile: string; readonly graphFile: string }): Promise<RunReport> {
  const addresses = readHostsFile(options.hostsFile);
  fs.mkdirSync(path.join(options.out, 'logs'), { recursive: true });
  const ids = [...addresses.keys()].filter((id) => id !== runnerId);
  const { Clerk } = await kvraftFromGraph(options.graphFile);
  const host = await startRunnerHost(addresses, options.seed, path.join(options.out, 'logs', `${runnerId}.log`));
  return runOnHost(host, ids, ids.map(remoteMember), [], Clerk, options);
}
