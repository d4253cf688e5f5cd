/**
 * The anchor: etcd 3.4 (Debian's `etcd-server`) as a 3-node cluster on loopback, driven by the
 * same workload and nemesis as our nodes, through etcd's HTTP/JSON gateway (`/v3/kv/...`), its
 * history checked by the same checker. Reads are linearizable (through the leader's read
 * index) or serializable (served by whichever member the client talks to, possibly stale).
 *
 * Each client talks to one member (as an etcd client pinned to one endpoint does) and moves on
 * only when that member refuses connections. Append is a read-modify-write transaction on the
 * key's mod_revision, retried on conflict. An attempt that may have taken effect (a timeout
 * or an error after the request went out) is recorded as unknown, never retried: etcd has no
 * client sessions that would make a retry apply once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KvInput } from '../check';
import { parentDeathPrefix } from '../notebook/orphan-guard';
import { EtcdPeerProxy } from './etcd-proxy';
import { MemberProcess } from './member-process';
import { freePorts, spawnReady, type StartedChild } from './processes';
import type { RunReport, StartedProcess } from './report';
import { noteProcess, runSystem, type RunMember, type RunOptions } from './run-system';
import type { AttemptResult, KvTarget } from './workload';

export type EtcdReads = 'linearizable' | 'serializable';

export interface EtcdOptions extends RunOptions {
  readonly members: number;
  readonly reads: EtcdReads;
}

/** One HTTP request to etcd gives up after this long (the outcome is then unknown for writes). */
const requestTimeoutMs = 2_000;
/** Read-modify-write rounds of one Append before it is recorded as unknown. */
const appendRoundsMax = 20;
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
  const target = etcdTarget(addresses, options.reads);
  return runSystem({ name: `etcd (${options.reads} reads)`, members, network: proxy, target, run: (body) => body(), processes, close: () => proxy.close() }, options);
}

/** The workload's view of etcd: client cN talks to member (N-1) mod n. */
function etcdTarget(addresses: readonly EtcdAddress[], reads: EtcdReads): KvTarget {
  const startedAt = process.hrtime.bigint();
  const byName = new Map(addresses.map((address) => [address.name, address]));
  return {
    servers: addresses.map((address) => address.name),
    nowMs: () => Number(process.hrtime.bigint() - startedAt) / 1e6,
    // tidy: allowed (real mode: wall-clock pause between retries)
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    attempt: (server, _client, _seq, input) => etcdAttempt(byName.get(server) as EtcdAddress, input, reads),
    preferredServer: (client) => addresses[(Number(client.replace(/\D/g, '')) || 1) % addresses.length]?.name ?? null,
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

async function range(address: EtcdAddress, key: string, serializable: boolean): Promise<{ value: string; modRevision: string }> {
  const reply = await post(address, 'kv/range', { key: encodeKey(key), serializable });
  const kv = (reply.kvs as Array<{ value?: string; mod_revision?: string }> | undefined)?.[0];
  return { value: decodeValue(kv?.value), modRevision: kv?.mod_revision ?? '0' };
}

/** Refused connections mean nothing reached etcd (try another member); anything else after sending is ambiguous. */
function refused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET';
}

async function etcdAttempt(address: EtcdAddress, input: KvInput, reads: EtcdReads): Promise<AttemptResult> {
  try {
    switch (input.kind) {
      case 'get':
        return { ok: true, output: (await range(address, input.key, reads === 'serializable')).value };
      case 'put':
        await post(address, 'kv/put', { key: encodeKey(input.key), value: encodeKey(input.value) });
        return { ok: true, output: null };
      case 'append':
        return await append(address, input.key, input.value);
    }
  } catch (error) {
    // A read that failed changed nothing: try elsewhere. A write that failed after it was sent may have happened.
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, retryable: refused(error) || input.kind === 'get', why };
  }
}

async function append(address: EtcdAddress, key: string, suffix: string): Promise<AttemptResult> {
  for (let round = 0; round < appendRoundsMax; round++) {
    const current = await range(address, key, false);
    const reply = await post(address, 'kv/txn', {
      compare: [{ key: encodeKey(key), target: 'MOD', result: 'EQUAL', mod_revision: current.modRevision }],
      success: [{ request_put: { key: encodeKey(key), value: encodeKey(current.value + suffix) } }],
    });
    if (reply.succeeded === true) return { ok: true, output: null };
  }
  return { ok: false, retryable: false, why: `append lost the race ${appendRoundsMax} times` };
}
