/**
 * The client workload of a real run: `clients` closed-loop clients issuing lab 2's versioned
 * Get and Put (`Put(key, value, version)` applies only when `version` is the key's current
 * version) on a few keys, each operation recorded with wall-clock invoke and return times. An
 * operation that does not finish within its deadline is recorded as unknown: it may or may not
 * have happened.
 *
 * A client Puts only with the version it last saw for the key (from its own Get or Put), so
 * most Puts are meant to apply, and clients racing on a key get ErrVersion: the history
 * exercises both outcomes. Where operations go is the `KvService`'s business: lab 4's Clerk
 * for our cluster (kvraft-service.ts), HTTP requests to a pinned member for etcd (etcd.ts).
 */
import type { KvVersionedInput, KvVersionedOutput, OperationInput } from '../check';
import type { Random } from '../runtime/random';

/** Where the workload sends operations. */
export interface KvService {
  /**
   * Runs one operation of `client` to its end: its output, or null when it did not finish
   * within `deadlineMs` or its outcome is ambiguous (a write that may or may not have applied).
   */
  execute(client: string, input: KvVersionedInput, deadlineMs: number): Promise<KvVersionedOutput | null>;
  /** Wall-clock ms on the runner's clock (history times). */
  nowMs(): number;
}

export interface WorkloadOptions {
  readonly clients: number;
  readonly keys: number;
  /** An operation not acknowledged within this long is recorded as unknown. */
  readonly operationDeadlineMs: number;
  /** Operations each client may issue (a bound on the loop; the run's end normally comes first). */
  readonly operationsPerClientMax: number;
}

/** A completed or unknown operation. */
export interface RecordedOperation extends OperationInput<KvVersionedInput, KvVersionedOutput> {
  readonly client: string;
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

/**
 * The next operation of `client`: a Get half the time and whenever the client does not know
 * the key's version; otherwise a Put of a unique value at the version it knows.
 */
export function nextInput(random: Random, client: string, seq: number, keys: number, versions: ReadonlyMap<string, number>): KvVersionedInput {
  const key = keyName(random.int(0, keys - 1));
  const version = versions.get(key);
  if (random.float() < 0.5 || version === undefined) return { kind: 'get', key };
  return { kind: 'put', key, value: `${client}.${seq}`, version };
}

/** What `client` knows of the key's version after an operation (undefined: it does not know). */
export function versionAfter(input: KvVersionedInput, output: KvVersionedOutput | null): number | undefined {
  if (output === null) return undefined;
  if (input.kind === 'get') return typeof output === 'object' ? (output.err === 'OK' ? output.version : 0) : undefined;
  return output === 'OK' ? input.version + 1 : undefined;
}

/** Performs one operation and records it. */
export async function perform(service: KvService, state: WorkloadState, client: string, input: KvVersionedInput, deadlineMs: number): Promise<RecordedOperation> {
  const callMs = service.nowMs();
  const output = await service.execute(client, input, deadlineMs);
  const operation: RecordedOperation = output === null ? { client, input, callMs, returnMs: null, known: false } : { client, input, output, callMs, returnMs: service.nowMs() };
  state.operations.push(operation);
  return operation;
}

/** One client's closed loop until the run stops. */
export async function clientLoop(service: KvService, state: WorkloadState, client: string, random: Random, options: WorkloadOptions): Promise<void> {
  const versions = new Map<string, number>();
  for (let seq = 1; seq <= options.operationsPerClientMax && !state.stopping; seq++) {
    const input = nextInput(random, client, seq, options.keys, versions);
    const operation = await perform(service, state, client, input, options.operationDeadlineMs);
    const version = versionAfter(input, operation.output ?? null);
    if (version === undefined) versions.delete(input.key);
    else versions.set(input.key, version);
  }
}
