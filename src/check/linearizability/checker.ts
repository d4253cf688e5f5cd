/**
 * Checks a history against a model: splits it into independent partitions (P-compositionality),
 * searches each, and combines the verdicts. `illegal` is definitive and wins; a search that ran
 * out of budget makes the whole verdict `unknown`, never `ok`.
 */
import type { Operation } from './history';
import type { AnyModel } from './model';
import { searchLinearization, type SearchBudget, type SearchOutcome } from './search';

/** Default time budget. Porcupine in the course tests uses 1 s; files from the CLI get more. */
export const checkTimeoutMsDefault = 10_000;

export type Verdict = 'ok' | 'illegal' | 'unknown';

export interface CheckOptions {
  /** Wall-clock budget for the whole check, in milliseconds. Default `checkTimeoutMsDefault`. */
  readonly timeoutMs?: number;
  /** Budget in search steps, for deterministic tests; default no step limit (the time budget still holds). */
  readonly stepsMax?: number;
  /** Split by the model's `partitionKey` when it has one. Default true. */
  readonly partition?: boolean;
  /** Clock for the budget; defaults to `performance.now`. */
  readonly clock?: () => number;
  /** Use the memo table (default true). False only to benchmark what memoisation buys. */
  readonly memoise?: boolean;
}

/** One independent part of the history and how its search ended. */
export interface PartitionResult {
  readonly index: number;
  /** The model's partition key, or null when the history was checked as one piece. */
  readonly key: string | null;
  /** Ids of the operations in this partition. */
  readonly operations: readonly number[];
  /** `skipped` when another partition was already illegal, or the budget ran out before this one. */
  readonly verdict: Verdict | 'skipped';
  /** A valid order of all operations (ok only). */
  readonly linearization?: readonly number[];
  /** The longest linearizable prefix found (illegal and unknown). */
  readonly longestPrefix?: readonly number[];
  /** The operation that cannot be placed after the longest prefix (illegal only). */
  readonly culprit?: number;
  readonly steps: number;
  readonly ms: number;
}

/** The first illegal partition, spelled out. */
export interface CheckFailure {
  readonly partition: number;
  readonly key: string | null;
  /** The operation that cannot be linearized. */
  readonly operation: Operation;
  /** The longest linearizable prefix of its partition, in linearization order. */
  readonly prefix: readonly Operation[];
  /**
   * The model state after that prefix, in the model's words (`describeState`, else JSON): the
   * state in which `operation` is impossible, e.g. `"x"` for a register a read claims held `"y"`.
   */
  readonly state?: string;
}

export interface CheckResult {
  readonly verdict: Verdict;
  readonly model: string;
  /** Number of operations checked. */
  readonly ops: number;
  readonly partitions: readonly PartitionResult[];
  /** Wall-clock milliseconds the check took. */
  readonly ms: number;
  /** Present when illegal. */
  readonly failure?: CheckFailure;
  /** Present when unknown: which budget ran out. */
  readonly reason?: string;
}

/** A history split into the parts the checker searches independently. */
export interface HistoryPartition {
  readonly key: string | null;
  readonly operations: readonly Operation[];
}

/**
 * Splits by `model.partitionKey`, keeping history order inside each part; parts are listed in
 * order of their first operation. Without a key function (or with `enabled` false): one part.
 */
export function partitionHistory(model: AnyModel, operations: readonly Operation[], enabled: boolean): HistoryPartition[] {
  const keyOf = model.partitionKey;
  if (!enabled || keyOf === undefined) return [{ key: null, operations }];
  const parts = new Map<string, Operation[]>();
  for (const operation of operations) {
    const key = keyOf.call(model, operation.input);
    const part = parts.get(key);
    if (part === undefined) parts.set(key, [operation]);
    else part.push(operation);
  }
  return [...parts].map(([key, part]) => ({ key, operations: part }));
}

/**
 * Is `history` linearizable under `model`? Synchronous, in the calling thread.
 *
 * @example
 * const result = checkLinearizability(casRegisterModel(), history, { timeoutMs: 1000 });
 * if (result.verdict === 'illegal') console.log(describeOperation(model, result.failure!.operation));
 */
export function checkLinearizability(model: AnyModel, history: readonly Operation[], options: CheckOptions = {}): CheckResult {
  history.forEach((operation, index) => {
    if (operation.id !== index) throw new RangeError(`history[${index}] has id ${operation.id}; ids must be 0..n-1 in order: build histories with historyOf() or renumber().`);
  });
  const clock = options.clock ?? (() => performance.now()); // wall-clock-ok (the checker's own time budget, never inside a world)
  const started = clock();
  const budget: SearchBudget = {
    deadlineMs: started + (options.timeoutMs ?? checkTimeoutMsDefault),
    stepsMax: options.stepsMax ?? Infinity,
    clock,
  };
  const parts = partitionHistory(model, history, options.partition ?? true);
  // Small parts first: a cheap illegal part ends the check before an expensive one starts.
  const order = parts.map((_, index) => index).sort((a, b) => parts[a].operations.length - parts[b].operations.length);
  const outcomes: (SearchOutcome | null)[] = parts.map(() => null);
  const times: number[] = parts.map(() => 0);
  for (const index of order) {
    const partStarted = clock();
    if (partStarted > budget.deadlineMs && parts[index].operations.length > 0) break;
    const part = parts[index];
    const partModel = part.key !== null && model.forPartition ? model.forPartition(part.key) : model;
    const outcome = searchLinearization(partModel, part.operations, budget, options.memoise ?? true);
    outcomes[index] = outcome;
    times[index] = clock() - partStarted;
    if (outcome.verdict !== 'ok') break;
  }
  const result = combineOutcomes(model.name, history, parts, outcomes, times, clock() - started);
  if (result.failure === undefined) return result;
  const failed = parts[result.failure.partition];
  const partModel = failed.key !== null && model.forPartition ? model.forPartition(failed.key) : model;
  return { ...result, failure: { ...result.failure, state: stateAfter(partModel, result.failure.prefix) } };
}

/** The model's state after applying `prefix` in order, described in the model's words. */
export function stateAfter(model: AnyModel, prefix: readonly Operation[]): string {
  let state: unknown = model.init();
  for (const operation of prefix) state = model.step(state, operation.input, operation.output).next;
  if (model.describeState) return model.describeState(state);
  return JSON.stringify(state) ?? String(state);
}

/** Turns per-partition search outcomes (null = not searched) into one result. */
export function combineOutcomes(
  modelName: string,
  history: readonly Operation[],
  parts: readonly HistoryPartition[],
  outcomes: readonly (SearchOutcome | null)[],
  times: readonly number[],
  ms: number,
): CheckResult {
  const partitions = parts.map((part, index) => partitionResult(part, index, outcomes[index], times[index]));
  const base = { model: modelName, ops: history.length, partitions, ms };
  const illegal = partitions.find((partition) => partition.verdict === 'illegal');
  if (illegal !== undefined) {
    const byId = (id: number): Operation => history[id];
    const failure: CheckFailure = {
      partition: illegal.index,
      key: illegal.key,
      operation: byId(illegal.culprit as number),
      prefix: (illegal.longestPrefix ?? []).map(byId),
    };
    return { ...base, verdict: 'illegal', failure };
  }
  if (partitions.every((partition) => partition.verdict === 'ok')) return { ...base, verdict: 'ok' };
  const unknown = outcomes.find((outcome) => outcome?.verdict === 'unknown');
  const reason = unknown?.verdict === 'unknown' ? unknown.reason : 'time budget ran out before every partition was searched';
  return { ...base, verdict: 'unknown', reason };
}

function partitionResult(part: HistoryPartition, index: number, outcome: SearchOutcome | null, ms: number): PartitionResult {
  const base = { index, key: part.key, operations: part.operations.map((operation) => operation.id), ms };
  if (outcome === null) return { ...base, verdict: 'skipped', steps: 0 };
  switch (outcome.verdict) {
    case 'ok':
      return { ...base, verdict: 'ok', linearization: outcome.linearization, steps: outcome.steps };
    case 'illegal':
      return { ...base, verdict: 'illegal', longestPrefix: outcome.longestPrefix, culprit: outcome.culprit, steps: outcome.steps };
    case 'unknown':
      return { ...base, verdict: 'unknown', longestPrefix: outcome.longestPrefix, steps: outcome.steps };
  }
}
