/**
 * The kvsrv lab's linearizability check: the Get and Put operations a test recorded in the
 * trace, checked with the project's checker against the kv-versioned model (Porcupine's
 * models1.KvModel), and, when no order exists, one sentence saying which client saw which stale
 * or duplicated value.
 */
import type { TraceEvent } from 'distlab';
import { checkLinearizability, formatSeconds, historyFromTrace, kvVersionedModel, renumber, type CheckFailure, type CheckResult, type KvVersionedInput, type KvVersionedOutput, type KvVersionedState, type Operation } from 'distlab/check';

export type KvOperation = Operation<KvVersionedInput, KvVersionedOutput>;

/** The Get and Put operations of a trace (Acquire and Release are left out), numbered from 0. */
export function kvOperations(events: readonly TraceEvent[]): { operations: KvOperation[]; annotations: ReturnType<typeof historyFromTrace>['annotations'] } {
  const history = historyFromTrace(events);
  const operations = history.operations.filter((operation) => {
    const kind = (operation.input as { kind?: unknown } | null)?.kind;
    return kind === 'get' || kind === 'put';
  }) as KvOperation[];
  return { operations: renumber(operations), annotations: history.annotations };
}

/**
 * Checks the trace's Get/Put history; `timeoutMs` is the course's Porcupine budget for the test.
 * `errVersionUncertain`: on a network that duplicates requests, even a first send's ErrVersion
 * may come from a duplicate that arrived after the original applied, so it is checked as ErrMaybe.
 */
export function checkKvHistory(events: readonly TraceEvent[], timeoutMs: number, options: { readonly errVersionUncertain?: boolean } = {}): { result: CheckResult; operations: KvOperation[] } {
  const { operations } = kvOperations(events);
  const checked = options.errVersionUncertain === true ? operations.map((operation) => (operation.output === 'ErrVersion' ? { ...operation, output: 'ErrMaybe' as const } : operation)) : operations;
  return { result: checkLinearizability(kvVersionedModel(), checked, { timeoutMs }), operations: checked };
}

function describe(operation: KvOperation): string {
  return kvVersionedModel().describeOperation?.(operation.input, operation.output) ?? JSON.stringify(operation.input);
}

function at(ms: number): string {
  return formatSeconds(ms, 3);
}

/**
 * Why the culprit cannot be placed, in words: replays the longest linearizable prefix to get
 * the key's value and version just before it, and compares with what the client saw.
 */
export function explainFailure(failure: CheckFailure): string {
  const model = kvVersionedModel();
  const culprit = failure.operation as KvOperation;
  const key = culprit.input.key;
  let state: KvVersionedState = model.init();
  let lastWrite: KvOperation | null = null;
  for (const operation of failure.prefix as KvOperation[]) {
    const next = model.step(state, operation.input, operation.output).next;
    if (operation.input.kind === 'put' && operation.input.key === key && next !== state) lastWrite = operation;
    state = next;
  }
  const current = state[key] ?? { value: '', version: 0 };
  const now = current.version === 0 ? `key ${JSON.stringify(key)} does not exist yet` : `${JSON.stringify(key)} is ${JSON.stringify(shorten(current.value))} at version ${current.version}`;
  const writer = lastWrite === null ? '' : ` (written by client ${lastWrite.client}'s ${describe(lastWrite)}, returned at ${at(lastWrite.returnMs)})`;
  const saw = `client ${culprit.client}'s ${describe(culprit)} (called at ${at(culprit.callMs)}, returned at ${at(culprit.returnMs)})`;
  const after = `after the ${failure.prefix.length} operations that can be ordered before it, ${now}${writer}`;
  return `history is not linearizable: ${saw} cannot be explained: ${after}; ${verdictOf(culprit, current.version)}`;
}

function verdictOf(culprit: KvOperation, version: number): string {
  const { input, output } = culprit;
  if (input.kind === 'get') {
    if (output === undefined || typeof output === 'string') return 'the Get returned no reply';
    if (output.err === 'ErrNoKey') return 'the Get reported ErrNoKey for a key that exists';
    if (output.version < version) return `it saw a stale value (version ${output.version}, older than ${version})`;
    if (output.version > version) return `it saw version ${output.version}, which no order of the Puts can have produced yet (a Put applied twice, or a value no Put wrote)`;
    return 'it saw the right version with a different value (a Put applied twice or to the wrong key)';
  }
  if (output === 'OK') return `the Put returned OK but the version was ${version}, not ${input.version} (a Put applied with a stale version, or applied twice)`;
  if (output === 'ErrVersion') return `the Put returned ErrVersion although version ${input.version} matched (if an earlier copy of it was applied, the Clerk must return ErrMaybe)`;
  if (output === 'ErrNoKey') return 'the Put returned ErrNoKey for a key that exists';
  return `the Put returned ${String(output)}`;
}

function shorten(value: string): string {
  return value.length > 24 ? `${value.slice(0, 16)}…(${value.length} chars)` : value;
}

/** A few lines around the failure for the test log: the culprit and the operations just before it. */
export function failureLines(failure: CheckFailure, count = 6): string[] {
  const prefix = (failure.prefix as KvOperation[]).slice(-count);
  const line = (operation: KvOperation, mark: string) => `${mark} ${operation.client.padEnd(4)} [${at(operation.callMs)} .. ${Number.isFinite(operation.returnMs) ? at(operation.returnMs) : '?'}] ${describe(operation)}`;
  return ['linearizable prefix ends with:', ...prefix.map((operation) => line(operation, ' ')), line(failure.operation as KvOperation, '✗')];
}
