/**
 * One run against a system under test (our nodes or etcd's members): start every member, run
 * the clients and the nemesis side by side for the duration, heal, read every key once, stop
 * every member, check the history and write the report. Both systems go through here, so their
 * numbers are measured the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KvVersionedInput } from '../check';
import type { GetReply } from '../check/linearizability';
import { Random } from '../runtime/random';
import { planFaults, type FaultKind, type FaultWindow } from './faults';
import { Nemesis, type Member, type NemesisOptions, type NetworkControl } from './nemesis';
import { killAll } from './processes';
import { checkRun, type RunReport, type StartedProcess } from './report';
import { clientLoop, keyName, perform, type KvService, type WorkloadOptions, type WorkloadState } from './workload';

export interface RunOptions {
  readonly durationMs: number;
  readonly clients: number;
  readonly keys: number;
  readonly nemesis: readonly FaultKind[];
  readonly out: string;
  readonly seed: number;
  /** Added latency during a `latency` fault. */
  readonly latencyMs: number;
  readonly faultHoldMs: number;
  readonly quietMs: number;
  /** Ctrl-C: stop the workload early, heal, stop every child, still write the report. */
  readonly signal?: AbortSignal;
  /** Called about every 200 ms while the workload runs. */
  readonly onProgress?: NemesisOptions['onProgress'];
}

/** A member process the run can also stop cleanly, with its log. */
export interface RunMember extends Member {
  readonly logFile: string;
  stop(graceMs: number): Promise<void>;
}

export interface SystemUnderTest {
  /** 'distlab' or 'etcd': the report's and the charts' label. */
  readonly name: string;
  readonly members: readonly RunMember[];
  readonly network: NetworkControl | null;
  readonly service: KvService;
  /** The history and the likely leader, shared with the service (which notes who answered). */
  readonly state: WorkloadState;
  /** Runs client code where it must run (our runner's kernel; anywhere for etcd). */
  run<T>(body: () => Promise<T>): Promise<T>;
  readonly processes: StartedProcess[];
  close(): void;
}

const operationDeadlineMs = 5_000;
const finalReadDeadlineMs = 15_000;
const stopGraceMs = 2_000;

/** Records a started process in the list and in DIR/processes.json (tests read it to prove none survives). */
export function noteProcess(out: string, processes: StartedProcess[], started: StartedProcess): void {
  processes.push(started);
  fs.writeFileSync(path.join(out, 'processes.json'), `${JSON.stringify(processes)}\n`);
}

export async function runSystem(system: SystemUnderTest, options: RunOptions): Promise<RunReport> {
  const state = system.state;
  const faults: FaultWindow[] = [];
  const finalReads = new Map<string, GetReply>();
  try {
    await Promise.all(system.members.map((member) => member.start()));
    const startMs = system.service.nowMs();
    const interrupted = await runPhases(system, options, state, faults);
    const workloadEndMs = system.service.nowMs();
    if (!interrupted) await readFinalValues(system, state, options.keys, finalReads);
    return await checkRun({
      system: system.name, options: { ...options, nodes: system.members.length }, state, faults, finalReads, startMs, workloadEndMs, interrupted,
      logFiles: system.members.map((member) => member.logFile).filter((file) => file !== ''), processes: system.processes,
    });
  } finally {
    await Promise.all(system.members.map((member) => member.stop(stopGraceMs)));
    system.close();
    killAll();
  }
}

/** Workload and nemesis side by side until the duration ends or Ctrl-C; then every fault is healed. Returns whether it was interrupted. */
async function runPhases(system: SystemUnderTest, options: RunOptions, state: WorkloadState, faults: FaultWindow[]): Promise<boolean> {
  const workload: WorkloadOptions = { clients: options.clients, keys: options.keys, operationDeadlineMs, operationsPerClientMax: 1_000_000 };
  const random = new Random(options.seed).fork('workload');
  const clients = system.run(() =>
    Promise.all(Array.from({ length: options.clients }, (_, index) => clientLoop(system.service, state, `c${index + 1}`, random.fork(`client:${index + 1}`), workload))),
  );
  // A client that throws (a Clerk not written yet) ends the run at once; the error is reported after the nemesis stops.
  const clientFailed = new AbortController();
  clients.catch(() => clientFailed.abort());
  const startMs = system.service.nowMs();
  const nemesisOptions: NemesisOptions = {
    latencyMs: options.latencyMs,
    nowMs: () => system.service.nowMs(),
    signal: options.signal === undefined ? clientFailed.signal : AbortSignal.any([options.signal, clientFailed.signal]),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  };
  const nemesis = new Nemesis(system.members, system.network, nemesisOptions, state, faults);
  const ids = system.members.map((member) => member.id);
  const plan = planFaults({ kinds: options.nemesis, durationMs: options.durationMs, nodes: ids, seed: options.seed, quietMs: options.quietMs, holdMs: options.faultHoldMs });
  const interrupted = await nemesis.run(plan, startMs, options.durationMs);
  state.stopping = true;
  await nemesis.healAll();
  await clients;
  return interrupted;
}

/** One read of every key by a fresh client, in the healed cluster: the versions the lost-write check compares. */
async function readFinalValues(system: SystemUnderTest, state: WorkloadState, keys: number, finalReads: Map<string, GetReply>): Promise<void> {
  await system.run(async () => {
    for (let index = 0; index < keys; index++) {
      const input: KvVersionedInput = { kind: 'get', key: keyName(index) };
      const operation = await perform(system.service, state, 'final', input, finalReadDeadlineMs);
      if (operation.known !== false && typeof operation.output === 'object') finalReads.set(input.key, operation.output);
    }
  });
}
