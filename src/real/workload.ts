/**
 * The client workload of a real run: `clients` closed-loop clients issuing Get, Put and Append
 * on a few keys, each operation recorded with wall-clock invoke and return times. A client
 * retries an operation on the next server until it succeeds or its deadline passes (then the
 * outcome is unknown: it may or may not have happened). Retries reuse (client, seq), so the
 * service applies a Put or Append once however often it is sent.
 *
 * The same generator drives etcd (`etcd.ts`) through a different `KvTarget`.
 */
import type { KvInput, KvOutput } from '../check';
import type { OperationInput } from '../check';
import type { Random } from '../runtime/random';

/** One attempt at an operation on one server: the output, or why it failed (try another server). */
export type AttemptResult = { readonly ok: true; readonly output: KvOutput } | { readonly ok: false; readonly retryable: boolean; readonly why: string };

/** Where the workload sends operations: our kv service over Raft, or etcd. */
export interface KvTarget {
  readonly servers: readonly string[];
  attempt(server: string, client: string, seq: number, input: KvInput): Promise<AttemptResult>;
  /** Waits (in the target's clock) before retrying after every server failed. */
  pause(ms: number): Promise<void>;
  /** Wall-clock ms on the runner's clock (history times). */
  nowMs(): number;
  /** The server a client starts with (etcd: its pinned member); default: whoever answered last. */
  preferredServer?(client: string): string | null;
}

export interface WorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  /** An operation not acknowledged within this long is recorded as unknown. */
  readonly operationDeadlineMs: number;
  /** Operations each client may issue (a bound on the loop; the run's end normally comes first). */
  readonly operationsPerClientMax: number;
}

/** A completed, failed or unknown operation, with the server that answered (null if none). */
export interface RecordedOperation extends OperationInput<KvInput, KvOutput> {
  readonly client: string;
  readonly server: string | null;
}

/** Shared by every client of a run: who answered last (the likely leader), and the history. */
export class WorkloadState {
  readonly operations: RecordedOperation[] = [];
  /** The server that acknowledged the latest operation: the nemesis kills "the leader" with it. */
  lastServer: string | null = null;
  stopping = false;
}

export function keyName(index: number): string {
  return `k${index}`;
}

/** The next operation of `client`: half reads, the rest appends and puts of unique values. */
export function nextInput(random: Random, client: string, seq: number, keys: number): KvInput {
  const key = keyName(random.int(0, keys - 1));
  const draw = random.float();
  if (draw < 0.5) return { kind: 'get', key };
  if (draw < 0.85) return { kind: 'append', key, value: `${client}.${seq};` };
  return { kind: 'put', key, value: `${client}.${seq};` };
}

/** Performs one operation (retrying across servers) and records it. */
export async function perform(target: KvTarget, state: WorkloadState, client: string, seq: number, input: KvInput, deadlineMs: number): Promise<RecordedOperation> {
  const callMs = target.nowMs();
  const servers = target.servers;
  const preferred = target.preferredServer?.(client) ?? state.lastServer ?? '';
  let server = servers.indexOf(preferred) >= 0 ? servers.indexOf(preferred) : seq % servers.length;
  const attemptsMax = 10_000;
  for (let attempt = 0; attempt < attemptsMax && target.nowMs() - callMs < deadlineMs; attempt++) {
    const name = servers[server] as string;
    const result = await target.attempt(name, client, seq, input);
    if (result.ok) {
      state.lastServer = name;
      const operation: RecordedOperation = { client, input, output: result.output, callMs, returnMs: target.nowMs(), server: name };
      state.operations.push(operation);
      return operation;
    }
    if (!result.retryable) break;
    server = (server + 1) % servers.length;
    if (server === 0) await target.pause(20);
  }
  const operation: RecordedOperation = { client, input, callMs, returnMs: null, known: false, server: null };
  state.operations.push(operation);
  return operation;
}

/** One client's closed loop until the run stops. */
export async function clientLoop(target: KvTarget, state: WorkloadState, client: string, random: Random, options: WorkloadOptions): Promise<void> {
  for (let seq = 1; seq <= options.operationsPerClientMax && !state.stopping; seq++) {
    await perform(target, state, client, seq, nextInput(random, client, seq, options.keys), options.operationDeadlineMs);
  }
}
