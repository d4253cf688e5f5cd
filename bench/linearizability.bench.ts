/**
 * Linearizability checker benchmarks on generated histories: a correct object's run, with each
 * operation's interval drawn around its linearization point, and an "illegal" twin where one
 * late read returns a stale value.
 *
 * - Orientation cases mirror Porcupine's published figures (85-op 5-client CAS register,
 *   1,700-op 50-client kv partitioned, 340-op 10-client kv unpartitioned); baseline: the same
 *   search with the memo table off (plain Wing-Gong with Lowe's lifting), capped at the same
 *   budget. When the baseline gives up, its rate is an upper bound (ops / budget) and
 *   `baselineVerdict` says `unknown`.
 * - Growth cases vary history length and client count, partitioned and not; for partitioned
 *   histories the baseline is the same check with partitioning off (what P-compositionality buys).
 */
import type { Benchmark } from './harness';
import { measureRate, result } from './harness';
import {
  casRegisterModel,
  checkLinearizability,
  historyOf,
  kvModel,
  type AnyModel,
  type CheckOptions,
  type CheckResult,
  type KvState,
  type Operation,
  type OperationInput,
} from '../src/check';

/** Per-run budget for subject and baseline alike; keeps the whole file well under a minute. */
const checkBudgetMs = 2000;
/** Wall time each measurement repeats for. */
const measureMsMin = 300;

/** Deterministic PRNG (mulberry32) so every run benchmarks the same histories. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  readonly operations: Operation[];
  readonly model: AnyModel;
  readonly clients: number;
}

export type Workload = 'cas' | 'kv';

/**
 * Each client issues operations back to back; each takes effect at a random point inside its
 * interval. Outputs come from applying operations in order of those points, so the history is
 * linearizable; `stale` replaces the output of one late read by an older value.
 */
export function generate(workload: Workload, count: number, clients: number, keys: number, seed: number, stale: boolean): Generated {
  const random = prng(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const clock = new Array<number>(clients).fill(0);
  const drafts: { client: number; input: Record<string, unknown>; callMs: number; pointMs: number; returnMs: number }[] = [];
  for (let index = 0; index < count; index++) {
    const client = index % clients;
    const callMs = clock[client] + random() * 5;
    const pointMs = callMs + random() * 10;
    const returnMs = pointMs + random() * 10;
    clock[client] = returnMs;
    const key = `k${Math.floor(random() * keys)}`;
    const input =
      workload === 'cas'
        ? pick([{ kind: 'read' }, { kind: 'write', value: Math.floor(random() * 5) }, { kind: 'cas', from: Math.floor(random() * 5), to: Math.floor(random() * 5) }])
        : pick([{ kind: 'get', key }, { kind: 'put', key, value: `${index}` }, { kind: 'append', key, value: `${index % 10}` }]);
    drafts.push({ client, input, callMs, pointMs, returnMs });
  }
  const model: AnyModel = workload === 'cas' ? casRegisterModel({ initial: 0 }) : kvModel();
  const outputs = new Array<unknown>(count);
  let state: unknown = model.init();
  for (const index of drafts.map((_, i) => i).sort((a, b) => drafts[a].pointMs - drafts[b].pointMs)) {
    outputs[index] = sequentialOutput(workload, state, drafts[index].input);
    state = model.step(state, drafts[index].input, outputs[index]).next;
  }
  const records: OperationInput[] = drafts.map((draft, index) => ({
    client: draft.client,
    input: draft.input,
    output: outputs[index],
    callMs: draft.callMs,
    returnMs: draft.returnMs,
  }));
  if (stale) records.push(...staleRead(workload, Math.max(...clock), state));
  return { operations: historyOf(records), model, clients };
}

function sequentialOutput(workload: Workload, state: unknown, input: Record<string, unknown>): unknown {
  if (workload === 'cas') return input.kind === 'read' ? state : input.kind === 'cas' ? state === input.from : null;
  return input.kind === 'get' ? (state as KvState).get(String(input.key)) : null;
}

/**
 * After every operation has returned: a write of a fresh value, then a read that still returns
 * the value before it. The search must linearize the whole history before it can find that out.
 */
function staleRead(workload: Workload, endMs: number, state: unknown): OperationInput[] {
  if (workload === 'cas') {
    return [
      { client: 'writer', input: { kind: 'write', value: 1000 }, output: null, callMs: endMs + 1, returnMs: endMs + 2 },
      { client: 'reader', input: { kind: 'read' }, output: state, callMs: endMs + 3, returnMs: endMs + 4 },
    ];
  }
  const old = (state as KvState).get('k0');
  return [
    { client: 'writer', input: { kind: 'put', key: 'k0', value: 'fresh' }, output: null, callMs: endMs + 1, returnMs: endMs + 2 },
    { client: 'reader', input: { kind: 'get', key: 'k0' }, output: old, callMs: endMs + 3, returnMs: endMs + 4 },
  ];
}

interface Case {
  readonly name: string;
  readonly baseline: string;
  readonly history: () => Generated;
  readonly subject: CheckOptions;
  readonly reference: CheckOptions;
  /** Porcupine's published time for the same shape of history, for orientation (not measured here). */
  readonly porcupineMs?: string;
}

function benchmark(spec: Case): Benchmark {
  return {
    name: spec.name,
    baseline: spec.baseline,
    async run() {
      const { operations, model, clients } = spec.history();
      const once = (options: CheckOptions) => checkLinearizability(model, operations, { timeoutMs: checkBudgetMs, ...options });
      // A run that already took longer than a measurement window is its own measurement;
      // a run that gave up is not repeated either (its rate is then the upper bound ops / time spent).
      const rateOf = async (options: CheckOptions, first: CheckResult): Promise<number> =>
        first.ms >= measureMsMin || first.verdict === 'unknown'
          ? (operations.length / first.ms) * 1000
          : measureRate(() => (once(options), operations.length), { minMs: measureMsMin, warmupRuns: 0 });
      const subject = { outcome: once(spec.subject) };
      const reference = { outcome: once(spec.reference) };
      const subjectRate = await rateOf(spec.subject, subject.outcome);
      const referenceRate = await rateOf(spec.reference, reference.outcome);
      return result(spec.name, subjectRate, referenceRate, {
        ops: operations.length,
        clients,
        partitions: subject.outcome.partitions.length,
        ms: Number(((operations.length / subjectRate) * 1000).toFixed(3)),
        verdict: subject.outcome.verdict,
        baselineVerdict: reference.outcome.verdict,
        ...(spec.porcupineMs === undefined ? {} : { porcupineMs: spec.porcupineMs }),
      });
    },
  };
}

const noMemo = 'same search, memo table off (plain Wing-Gong + lifting)';
const noPartition = 'same check, partitioning off';

function orientation(name: string, workload: Workload, count: number, clients: number, keys: number, partition: boolean, porcupineMs: string): Case[] {
  return [false, true].map((stale) => ({
    name: `linearizability: ${name}${stale ? ' (stale read: illegal)' : ''}`,
    baseline: noMemo,
    history: () => generate(workload, count, clients, keys, 17 + count + clients, stale),
    subject: { partition },
    reference: { partition, memoise: false },
    porcupineMs,
  }));
}

const cases: Case[] = [
  ...orientation('cas-register 85 ops 5 clients', 'cas', 85, 5, 1, true, '<1'),
  ...orientation('kv 1700 ops 50 clients partitioned', 'kv', 1700, 50, 10, true, '~200'),
  ...orientation('kv 340 ops 10 clients unpartitioned', 'kv', 340, 10, 10, false, '2000-3000'),
  ...[200, 2000, 20_000].map((count) => ({
    name: `linearizability: growth by length, cas-register ${count} ops 5 clients`,
    baseline: noMemo,
    history: () => generate('cas', count, 5, 1, count, false),
    subject: {},
    reference: { memoise: false },
  })),
  ...[5, 20, 50, 100].map((clients) => ({
    name: `linearizability: growth by clients, kv 1000 ops ${clients} clients 10 keys`,
    baseline: noPartition,
    history: () => generate('kv', 1000, clients, 10, clients, false),
    subject: {},
    reference: { partition: false },
  })),
  ...[5, 10, 20].map((clients) => ({
    name: `linearizability: growth by clients, cas-register 500 ops ${clients} clients`,
    baseline: noMemo,
    history: () => generate('cas', 500, clients, 1, clients, false),
    subject: {},
    reference: { memoise: false },
  })),
];

/** Registered in bench/index.ts by the lead. */
export const linearizabilityBenchmarks: Benchmark[] = cases.map(benchmark);
