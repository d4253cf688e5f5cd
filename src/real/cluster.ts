/**
 * `distlab cluster`: a real cluster on this machine. N node processes (the kv service on the
 * implementation's Raft) on free loopback ports, a client workload, a nemesis (SIGKILL and
 * restart, SIGSTOP/SIGCONT, partitions and added latency through the control channel), then a
 * healed phase with one final read per key, the history checked for linearizability and for
 * lost acknowledged writes, and a report. Every child ends with the run (see processes.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KvInput } from '../check';
import { MemoryPersister } from '../runtime/persister';
import { Random } from '../runtime/random';
import { ClusterNode, type NodeLaunch } from './cluster-node';
import { planFaults, type FaultKind, type FaultWindow, type PlannedFault } from './faults';
import { Host } from './host';
import type { KvReply } from './kv-service';
import { freePorts, killAll } from './processes';
import { checkRun, type RunReport, type StartedProcess } from './report';
import type { ControlCommand } from './wire';
import { clientLoop, keyName, perform, WorkloadState, type AttemptResult, type KvTarget, type WorkloadOptions } from './workload';
import type { Address } from './zmq-endpoint';

export interface ClusterOptions {
  readonly nodes: number;
  /** The compiled implementation (a `CompiledGraph` as JSON), see `compileForCluster`. */
  readonly graphFile: string;
  readonly durationMs: number;
  readonly clients: number;
  readonly keys: number;
  readonly nemesis: readonly FaultKind[];
  readonly out: string;
  readonly seed: number;
  /** How a node process is started: the distlab CLI (`node bin/distlab.js`). */
  readonly command: string;
  readonly cliArgs: readonly string[];
  /** Added latency during a `latency` fault. */
  readonly latencyMs: number;
  readonly faultHoldMs: number;
  readonly quietMs: number;
  /** Ctrl-C: stop the workload early, heal, stop every child, still write the report. */
  readonly signal?: AbortSignal;
  /** Called about every 200 ms while the workload runs. */
  readonly onProgress?: (progress: ClusterProgress) => void;
}

export interface ClusterProgress {
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly operations: number;
  readonly fault: string | null;
}

export const runnerId = 'runner';
/** A call from the runner with no reply after this long fails (the kv service answers within 1 s). */
const runnerCallTimeoutMs = 1_500;
const operationDeadlineMs = 5_000;
const finalReadDeadlineMs = 15_000;
const nodeReadyTimeoutMs = 30_000;
const stopGraceMs = 2_000;

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
  const host = await startRunnerHost(addresses, options.seed, path.join(logs, `${runnerId}.log`));
  const launch: NodeLaunch = {
    command: options.command,
    cliArgs: options.cliArgs,
    sharedArgs: ['--peers', [...addresses].map(([id, address]) => `${id}=${address.host}:${address.port}`).join(','), '--group', ids.join(','), '--graph', options.graphFile, '--controller', runnerId],
    readyTimeoutMs: nodeReadyTimeoutMs,
    seed: options.seed,
    onStarted: (node, incarnation, pid) => {
      processes.push({ node, incarnation, pid });
      fs.writeFileSync(path.join(options.out, 'processes.json'), `${JSON.stringify(processes)}\n`);
    },
  };
  const nodes = ids.map((id) => new ClusterNode(id, addresses.get(id)?.port as number, path.join(options.out, 'data', id), path.join(logs, `node-${id}.log`), launch));
  const state = new WorkloadState();
  const faults: FaultWindow[] = [];
  const finalReads = new Map<string, string>();
  let interrupted = false;
  let workloadEndMs = 0;
  try {
    await Promise.all(nodes.map((node) => node.start()));
    const startMs = host.kernel.wallMs();
    interrupted = await runPhases(options, host, nodes, state, faults);
    workloadEndMs = host.kernel.wallMs();
    if (!interrupted) await readFinalValues(host, ids, state, options.keys, finalReads);
    return await checkRun({ system: 'distlab', options, state, faults, finalReads, startMs, workloadEndMs, interrupted, logFiles: nodes.map((node) => node.logFile), processes });
  } finally {
    await Promise.all(nodes.map((node) => node.stop(stopGraceMs)));
    host.close();
    killAll();
  }
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

/** The kv service over the runner's host: one `Kv` call per attempt. */
function serviceTarget(host: Host, servers: readonly string[]): KvTarget {
  const ctx = host.context;
  return {
    servers,
    nowMs: () => host.kernel.wallMs(),
    pause: (ms) => ctx.sleep(ms),
    attempt: async (server, client, seq, input): Promise<AttemptResult> => {
      const result = await ctx.call<KvReply>(server, 'Kv', { client, seq, op: input }, { timeoutMs: runnerCallTimeoutMs });
      if (!result.ok) return { ok: false, retryable: true, why: result.reason };
      const reply = result.value;
      if (reply.ok) return { ok: true, output: reply.output };
      return { ok: false, retryable: reply.error !== 'bad-request' && reply.error !== 'stale', why: reply.error };
    },
  };
}

/** Workload and nemesis side by side until the duration ends or Ctrl-C; then every fault is healed. Returns whether it was interrupted. */
async function runPhases(options: ClusterOptions, host: Host, nodes: readonly ClusterNode[], state: WorkloadState, faults: FaultWindow[]): Promise<boolean> {
  const target = serviceTarget(host, nodes.map((node) => node.id));
  const workload: WorkloadOptions = { clients: options.clients, keys: options.keys, operationDeadlineMs, operationsPerClientMax: 1_000_000 };
  const random = new Random(options.seed).fork('workload');
  const clients = host.run(() =>
    Promise.all(Array.from({ length: options.clients }, (_, index) => clientLoop(target, state, `c${index + 1}`, random.fork(`client:${index + 1}`), workload))),
  );
  const startMs = host.kernel.wallMs();
  const nemesis = new Nemesis(host, nodes, options, state, faults);
  const plan = planFaults({ kinds: options.nemesis, durationMs: options.durationMs, nodes: nodes.map((node) => node.id), seed: options.seed, quietMs: options.quietMs, holdMs: options.faultHoldMs });
  const interrupted = await nemesis.run(plan, startMs, options.durationMs);
  state.stopping = true;
  await nemesis.healAll();
  await clients;
  return interrupted;
}

/** One read of every key by a fresh client, in the healed cluster: the values the lost-write check compares. */
async function readFinalValues(host: Host, ids: readonly string[], state: WorkloadState, keys: number, finalReads: Map<string, string>): Promise<void> {
  const target = serviceTarget(host, ids);
  await host.run(async () => {
    for (let index = 0; index < keys; index++) {
      const input: KvInput = { kind: 'get', key: keyName(index) };
      const operation = await perform(target, state, 'final', index + 1, input, finalReadDeadlineMs);
      if (operation.known !== false && typeof operation.output === 'string') finalReads.set(input.key, operation.output);
    }
  });
}

/** Carries out a fault plan on the real processes, on the wall clock. */
class Nemesis {
  private current: FaultWindow | null = null;

  constructor(
    private readonly host: Host,
    private readonly nodes: readonly ClusterNode[],
    private readonly options: ClusterOptions,
    private readonly state: WorkloadState,
    private readonly faults: FaultWindow[],
  ) {}

  /** Runs the plan until `durationMs` after `startMs`; true if Ctrl-C cut it short. */
  async run(plan: readonly PlannedFault[], startMs: number, durationMs: number): Promise<boolean> {
    const elapsed = () => this.host.kernel.wallMs() - startMs;
    for (const fault of plan) {
      if (!(await this.waitUntil(() => elapsed() >= fault.startMs, startMs, durationMs))) return true;
      await this.inject(fault);
      const interrupted = !(await this.waitUntil(() => elapsed() >= fault.startMs + fault.holdMs, startMs, durationMs));
      await this.heal();
      if (interrupted) return true;
    }
    return !(await this.waitUntil(() => elapsed() >= durationMs, startMs, durationMs));
  }

  /** Sleeps in 50 ms steps until `done()` (true) or Ctrl-C (false); reports progress. Bounded by the run's length. */
  private async waitUntil(done: () => boolean, startMs: number, durationMs: number): Promise<boolean> {
    const stepsMax = Math.ceil((durationMs + 60_000) / 50);
    for (let step = 0; step < stepsMax && !done(); step++) {
      if (this.options.signal?.aborted) return false;
      if (step % 4 === 0) {
        this.options.onProgress?.({ elapsedMs: this.host.kernel.wallMs() - startMs, durationMs, operations: this.state.operations.length, fault: this.current?.description ?? null });
      }
      // tidy: allowed (real mode: the nemesis runs on the wall clock)
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return !this.options.signal?.aborted;
  }

  private resolveTarget(target: string): ClusterNode {
    const wanted = target === 'leader' ? this.state.lastServer : target;
    return this.nodes.find((node) => node.id === wanted && node.up) ?? this.nodes.find((node) => node.up) ?? (this.nodes[0] as ClusterNode);
  }

  private async inject(fault: PlannedFault): Promise<void> {
    const node = this.resolveTarget(fault.target);
    const others = this.nodes.filter((other) => other !== node).map((other) => other.id);
    const description = fault.kind === 'kill' ? `SIGKILL node ${node.id}` : fault.kind === 'pause' ? `SIGSTOP node ${node.id}` : fault.kind === 'partition' ? `partition [${node.id}] [${others.join(' ')}]` : `+${this.options.latencyMs} ms latency`;
    this.current = { kind: fault.kind, node: fault.kind === 'latency' ? 'all' : node.id, startMs: this.host.kernel.wallMs(), endMs: Infinity, description };
    this.faults.push(this.current);
    switch (fault.kind) {
      case 'kill':
        return node.kill();
      case 'pause':
        return node.pause();
      case 'partition':
        this.control(node.id, { type: 'partition', blocked: others });
        for (const other of others) this.control(other, { type: 'partition', blocked: [node.id] });
        return;
      case 'latency':
        for (const each of this.nodes) this.control(each.id, { type: 'latency', delayMs: this.options.latencyMs });
        return;
    }
  }

  /** Ends the current fault: restart, SIGCONT, heal the partition, remove the latency. */
  private async heal(): Promise<void> {
    const fault = this.current;
    if (fault === null) return;
    this.current = null;
    const node = this.nodes.find((each) => each.id === fault.node);
    if (fault.kind === 'kill' && node !== undefined) await node.start();
    if (fault.kind === 'pause') node?.resume();
    if (fault.kind === 'partition') for (const each of this.nodes) this.control(each.id, { type: 'partition', blocked: [] });
    if (fault.kind === 'latency') for (const each of this.nodes) this.control(each.id, { type: 'latency', delayMs: 0 });
    fault.endMs = this.host.kernel.wallMs();
  }

  /** After the run (or Ctrl-C): the current fault healed and every node up. */
  async healAll(): Promise<void> {
    await this.heal();
    for (const node of this.nodes) if (!node.up && !this.options.signal?.aborted) await node.start();
  }

  private control(target: string, command: ControlCommand): void {
    void this.host.endpoint.send({ kind: 'control', source: runnerId, target, command });
  }
}
