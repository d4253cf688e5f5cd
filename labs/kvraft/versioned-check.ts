/**
 * A complete linearizability check for ONE key of lab 2's versioned key/value model, in
 * polynomial time: the fallback when the general checker (Wing-Gong-Lowe search, as Porcupine)
 * runs out of budget. That happens when many clients race on one key (TestSnapshotRecoverManyClients4C:
 * 20 clients in lockstep): every Get and every rejected Put leaves the state unchanged, and the
 * search may try exponentially many orders of them. Go's tests then print "assuming history is
 * ok"; distlab decides.
 *
 * Why it is polynomial: versions order the writes. The Put that moved version v to v + 1 (the
 * writer W_v) is the Put at version v that returned OK, or, if none did, one of those that
 * returned ErrMaybe (the value a later Get saw tells which). With the writers fixed, the state
 * between W_(v-1) and W_v is "version v", and every other operation (a Get, a rejected Put, an
 * ErrMaybe that did not apply) only needs a place in an allowed version's span: a Get of version
 * v exactly there, a rejected Put at version u anywhere but u. Real time adds lower and upper
 * bounds, and "A returned before B was called" means A's span is not after B's. Giving each
 * operation, in call order, the lowest allowed span is optimal, so a failure is a proof.
 */
import type { KvOperation } from '../kvsrv/history';

/** The verdict: null when linearizable, a sentence naming the culprit, or 'undecided' when too many ErrMaybe choices remain. */
export type VersionedVerdict = null | string | 'undecided';

/** Writer choices tried at most (each ErrMaybe that might have applied doubles them). */
const writerChoicesMax = 256;

const describe = (operation: KvOperation): string => {
  const { input, output } = operation;
  const result = typeof output === 'string' ? output : output === undefined || output === null ? '?' : `${output.err} version ${output.version}`;
  const call = input.kind === 'get' ? `Get(${JSON.stringify(input.key)})` : `Put(${JSON.stringify(input.key)}, …, ${input.version})`;
  return `client ${operation.client}'s ${call} -> ${result} [${operation.callMs.toFixed(1)}-${operation.returnMs.toFixed(1)} ms]`;
};

/** Checks the operations of one key; see the module comment. */
export function checkVersionedKey(operations: readonly KvOperation[]): VersionedVerdict {
  const puts = operations.filter((operation) => operation.input.kind === 'put');
  const okAt = new Map<number, KvOperation>();
  for (const put of puts) {
    if (put.output !== 'OK') continue;
    const version = (put.input as { version: number }).version;
    const other = okAt.get(version);
    if (other !== undefined) return `two Puts at version ${version} returned OK: ${describe(other)} and ${describe(put)}; only one can have matched the version`;
    okAt.set(version, put);
  }
  const observed = Math.max(0, ...operations.map(versionAfter));
  const choices = writerChoices(operations, okAt, observed);
  if (typeof choices === 'string') return choices;
  if (choices.length > writerChoicesMax) return 'undecided';
  let firstFailure: string | null = null;
  for (const writers of choices) {
    const failure = placeWithTopMaybes(operations, writers);
    if (failure === null) return null;
    firstFailure ??= failure;
  }
  return firstFailure ?? 'no Put can have written the versions the clients saw';
}

/** ErrMaybe Puts nobody saw the result of may have applied on top: try none, then each as one more writer. */
function placeWithTopMaybes(operations: readonly KvOperation[], writers: readonly KvOperation[]): string | null {
  const failure = placeAll(operations, writers);
  if (failure === null) return null;
  const top = operations.filter((operation) => operation.input.kind === 'put' && operation.input.version === writers.length && mayHaveApplied(operation));
  for (const put of top) if (placeWithTopMaybes(operations, [...writers, put]) === null) return null;
  return failure;
}

/** A Put whose effect is unknown: ErrMaybe, or no answer at all (then it constrains nothing unless it is a writer). */
function mayHaveApplied(operation: KvOperation): boolean {
  return operation.output === 'ErrMaybe' || !operation.known;
}

/** The version an operation proves existed: a Get's version, an OK Put's version + 1. */
function versionAfter(operation: KvOperation): number {
  const { input, output } = operation;
  if (input.kind === 'get') return typeof output === 'object' && output !== null && output.err === 'OK' ? output.version : 0;
  return output === 'OK' ? input.version + 1 : 0;
}

/** Every consistent choice of writers W_0..W_(observed-1) (each a Put at its version whose value the next version's Gets saw). */
function writerChoices(operations: readonly KvOperation[], okAt: ReadonlyMap<number, KvOperation>, observed: number): KvOperation[][] | string {
  let choices: KvOperation[][] = [[]];
  for (let version = 0; version < observed; version++) {
    const seen = operations.find((operation) => operation.input.kind === 'get' && typeof operation.output === 'object' && operation.output?.err === 'OK' && operation.output.version === version + 1);
    const value = seen === undefined ? null : (seen.output as { value: string }).value;
    const ok = okAt.get(version);
    const candidates = ok !== undefined ? [ok] : operations.filter((operation) => operation.input.kind === 'put' && operation.input.version === version && mayHaveApplied(operation));
    const fitting = candidates.filter((put) => value === null || (put.input as { value: string }).value === value);
    if (fitting.length === 0) {
      const what = seen === undefined ? `version ${version + 1} exists` : `${describe(seen)} saw ${JSON.stringify(value)} at version ${version + 1}`;
      return `${what}, but no Put at version ${version} that returned OK or ErrMaybe wrote ${value === null ? 'it' : 'that value'} (a Put applied twice, or an ErrVersion for a Put that did apply)`;
    }
    choices = choices.flatMap((chosen) => fitting.map((put) => [...chosen, put]));
    if (choices.length > writerChoicesMax) return choices;
  }
  return choices;
}

/** Places every non-writer in its lowest allowed span given the writers; null, or why one cannot be placed. */
function placeAll(operations: readonly KvOperation[], writers: readonly KvOperation[]): string | null {
  for (let j = 1; j < writers.length; j++) {
    for (let i = 0; i < j; i++) {
      if (writers[j].returnMs < writers[i].callMs) return `${describe(writers[j])} wrote version ${j + 1} and returned before ${describe(writers[i])}, which wrote version ${i + 1}, was called`;
    }
  }
  const isWriter = new Set(writers);
  const others = operations.filter((operation) => !isWriter.has(operation) && operation.known).sort((a, b) => a.callMs - b.callMs);
  const placed: Array<{ readonly returnMs: number; readonly span: number }> = [];
  for (const operation of others) {
    let low = 0;
    let high = writers.length;
    writers.forEach((writer, j) => {
      if (writer.returnMs < operation.callMs) low = Math.max(low, j + 1);
      if (operation.returnMs < writer.callMs) high = Math.min(high, j);
    });
    for (const before of placed) if (before.returnMs < operation.callMs) low = Math.max(low, before.span);
    const span = lowestAllowed(operation, low, writers);
    if (span === null || span > high) return `${describe(operation)} fits no version its real-time order allows (between versions ${low} and ${high})`;
    placed.push({ returnMs: operation.returnMs, span });
  }
  return null;
}

/** The lowest span >= low (0..number of writers) in which the operation's result holds, or null. */
function lowestAllowed(operation: KvOperation, low: number, writers: readonly KvOperation[]): number | null {
  const { input, output } = operation;
  const top = writers.length;
  if (input.kind === 'get') {
    if (typeof output !== 'object' || output === null) return null;
    const version = output.err === 'ErrNoKey' ? 0 : output.version;
    // A Get of version v sees the value W_(v-1) wrote.
    if (version > 0 && (writers[version - 1]?.input as { value?: string } | undefined)?.value !== output.value) return null;
    return version >= low && version <= top ? version : null;
  }
  if (output === 'ErrNoKey') return input.version > 0 && low === 0 ? 0 : null;
  // A rejected Put (ErrVersion, or an ErrMaybe that did not apply) needs an existing key
  // (version 0 is "no key": a Put there applies or gets ErrNoKey) at a version other than its own.
  for (let span = Math.max(low, 1); span <= top; span++) if (span !== input.version) return span;
  return null;
}
