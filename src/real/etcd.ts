/**
 * The anchor: etcd 3.4 (Debian's `etcd-server`) as a 3-node cluster on loopback, driven by the
 * same workload and nemesis as our nodes, through etcd's HTTP/JSON gateway (`/v3/kv/...`), its
 * history checked by the same checker. Reads are linearizable (through the leader's read
 * index) or serializable (served by whichever member the client talks to, possibly stale).
 *
 * Each client talks to one member (as an etcd client pinned to one endpoint does) and moves on
 * only when that member refuses connections. Lab 2's versioned Put is one transaction comparing
 * the key's `version` (etcd counts a key's writes since its creation, exactly lab 2's versions).
 * An attempt that may have taken effect (a timeout or an error after the request went out) is
 * recorded as unknown, never retried: etcd has no client sessions that would make a retry
 * apply once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KvVersionedInput, KvVersionedOutput } from '../check';
import type { GetReply } from '../check/linearizability';
import { parentDeathPrefix } from '../notebook/orphan-guard';
import { EtcdPeerProxy } from './etcd-proxy';
import { MemberProcess } from './member-process';
import { freePorts, spawnReady, type StartedChild } from './processes';
import type { RunReport, StartedProcess } from './report';
import { noteProcess, runSystem, type RunMember, type RunOptions } from './run-system';
import { WorkloadState, type KvService } from './workload';

export type EtcdReads = 'linearizable' | 'serializable';

export interface EtcdOptions extends RunOptions {
  readonly members: number;
  readonly reads: EtcdReads;
}

/** One HTTP request to etcd gives up after this long (the outcome is then unknown for writes). */
const requestTimeoutMs = 2_000;
const memberReadyTimeoutMs = 30_000;

/** Finds the etcd binary on PATH, or says how to install it. */
export function findEtcd(): string {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(folder, 'etcd');
    if (folder !== '' && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    'etcd is not installed (no `etcd` on PATH). On Debian or Ubuntu: `sudo apt-get install etcd-server` (etcd 3.4); ' +
      'elsewhere download a release from https://github.com/etcd-io/etcd/releases and put `etcd` on PATH.',
  );
}

interface EtcdAddress {
  readonly name: string;
  readonly clientPort: number;
  /** Where etcd listens for peers; others reach it through the proxy's port. */
  readonly peerPort: number;
  readonly proxyPort: number;
}

class EtcdMember extends MemberProcess implements RunMember {
  constructor(
    readonly address: EtcdAddress,
    private readonly binary: string,
    private readonly cluster: string,
    private readonly dataDir: string,
    logFile: string,
    onStarted: (started: StartedProcess) => void,
  ) {
    super(address.name, logFile, onStarted);
  }

  protected launch(): Promise<StartedChild> {
    const { name, clientPort, peerPort, proxyPort } = this.address;
    // etcd then dies with the runner even if the runner is SIGKILLed.
    const guard = parentDeathPrefix('KILL');
    const args = [
      this.binary, '--name', name, '--data-dir', this.dataDir,
      '--listen-client-urls', `http://127.0.0.1:${clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${proxyPort}`,
      '--initial-cluster', this.cluster, '--initial-cluster-state', 'new', '--initial-cluster-token', 'distlab',
    ];
    const [command, ...rest] = [...guard, ...args] as [string, ...string[]];
    return spawnReady({ command, args: rest, logFile: this.logFile, readyTimeoutMs: memberReadyTimeoutMs, what: `etcd member ${name}`, readyProbe: () => healthy(clientPort) });
  }
}

async function healthy(clientPort: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${clientPort}/health`, { signal: AbortSignal.timeout(1_000) });
  const body = (await response.json()) as { health?: string };
  return body.health === 'true';
}

/** Runs the workload against a fresh etcd cluster; the report goes to `options.out`. */
export async function runEtcd(options: EtcdOptions): Promise<RunReport> {
  const binary = findEtcd();
  const logs = path.join(options.out, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const ports = await freePorts(options.members * 3);
  const addresses: EtcdAddress[] = Array.from({ length: options.members }, (_, index) => ({
    name: `e${index}`, clientPort: ports[3 * index] as number, peerPort: ports[3 * index + 1] as number, proxyPort: ports[3 * index + 2] as number,
  }));
  const proxy = new EtcdPeerProxy(addresses.map((address) => ({ name: address.name, listenPort: address.proxyPort, targetPort: address.peerPort })));
  await proxy.start();
  const cluster = addresses.map((address) => `${address.name}=http://127.0.0.1:${address.proxyPort}`).join(',');
  const processes: StartedProcess[] = [];
  const members = addresses.map(
    (address) => new EtcdMember(address, binary, cluster, path.join(options.out, 'data', address.name), path.join(logs, `etcd-${address.name}.log`), (started) => noteProcess(options.out, processes, started)),
  );
  const state = new WorkloadState();
  const service = etcdService(addresses, options.reads, state);
  return runSystem({ name: `etcd (${options.reads} reads)`, members, network: proxy, service, state, run: (body) => body(), processes, close: () => proxy.close() }, options);
}

/** An attempt on one member: the output, or why it failed and whether another member may be tried. */
type AttemptResult = { readonly ok: true; readonly output: KvVersionedOutput } | { readonly ok: false; readonly retryable: boolean };

/** Attempts of one operation before it is recorded as unknown (the deadline normally comes first). */
const attemptsMax = 10_000;

/** The workload's view of etcd: client cN starts at member N mod n and moves on only when a member cannot be reached. */
function etcdService(addresses: readonly EtcdAddress[], reads: EtcdReads, state: WorkloadState): KvService {
  const startedAt = process.hrtime.bigint();
  const nowMs = () => Number(process.hrtime.bigint() - startedAt) / 1e6;
  return {
    nowMs,
    execute: async (client, input, deadlineMs) => {
      const callMs = nowMs();
      const pinned = (Number(client.replace(/\D/g, '')) || 1) % addresses.length;
      let member = pinned;
      for (let attempt = 0; attempt < attemptsMax && nowMs() - callMs < deadlineMs; attempt++) {
        const address = addresses[member] as EtcdAddress;
        const result = await etcdAttempt(address, input, reads);
        if (result.ok) {
          state.lastServer = address.name;
          return result.output;
        }
        if (!result.retryable) return null;
        member = (member + 1) % addresses.length;
        // tidy: allowed (real mode: wall-clock pause before another round of members)
        if (member === pinned) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return null;
    },
  };
}

const encodeKey = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const decodeValue = (text: string | undefined): string => (text === undefined ? '' : Buffer.from(text, 'base64').toString('utf8'));

/** Thrown for an etcd reply that says the request failed (`{ error, code }`). */
class EtcdError extends Error {}

async function post(address: EtcdAddress, route: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${address.clientPort}/v3/${route}`, {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const reply = (await response.json()) as Record<string, unknown>;
  if (!response.ok || typeof reply.error === 'string') throw new EtcdError(String(reply.error ?? reply.message ?? `HTTP ${response.status}`));
  return reply;
}

type EtcdKv = { value?: string; version?: string } | undefined;

/** A key's value and version as lab 2's Get returns them (etcd's `version` counts the key's writes since it was created: the same numbers). */
function getReply(kv: EtcdKv): GetReply {
  return kv === undefined ? { value: '', version: 0, err: 'ErrNoKey' } : { value: decodeValue(kv.value), version: Number(kv.version ?? 0), err: 'OK' };
}

/** Refused connections mean nothing reached etcd (try another member); anything else after sending is ambiguous. */
function refused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET';
}

async function etcdAttempt(address: EtcdAddress, input: KvVersionedInput, reads: EtcdReads): Promise<AttemptResult> {
  try {
    if (input.kind === 'get') {
      const reply = await post(address, 'kv/range', { key: encodeKey(input.key), serializable: reads === 'serializable' });
      return { ok: true, output: getReply((reply.kvs as EtcdKv[] | undefined)?.[0]) };
    }
    return { ok: true, output: await versionedPut(address, input) };
  } catch (error) {
    // A read that failed changed nothing: try elsewhere. A write that failed after it was sent may have happened.
    return { ok: false, retryable: refused(error) || input.kind === 'get' };
  }
}

/** Lab 2's Put as one etcd transaction: write if the key's version is the given one, else read it to tell ErrNoKey from ErrVersion. */
async function versionedPut(address: EtcdAddress, input: Extract<KvVersionedInput, { kind: 'put' }>): Promise<KvVersionedOutput> {
  const key = encodeKey(input.key);
  const reply = await post(address, 'kv/txn', {
    compare: [{ key, target: 'VERSION', result: 'EQUAL', version: String(input.version) }],
    success: [{ request_put: { key, value: encodeKey(input.value) } }],
    failure: [{ request_range: { key } }],
  });
  if (reply.succeeded === true) return 'OK';
  const responses = reply.responses as Array<{ response_range?: { kvs?: EtcdKv[] } }> | undefined;
  return responses?.[0]?.response_range?.kvs?.[0] === undefined ? 'ErrNoKey' : 'ErrVersion';
}
