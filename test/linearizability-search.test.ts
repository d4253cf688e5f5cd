/**
 * The faster search (flat memo table storing only the window of the linearized set, operations
 * numbered by call time) and the clearer failure picture: state at the failing operation, where
 * indeterminate operations took effect, the history's own time unit on the axis.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  casRegisterModel,
  checkLinearizability,
  historyOf,
  kvModel,
  parseJepsenHistory,
  builtinModel,
  registerModel,
  renumber,
  type AnyModel,
  type CasRegisterInput,
  type Value,
  type Operation,
  type OperationInput,
} from 'distlab/check';
import { effectPoints, historySpec } from 'distlab/plot';

/** A linearization is valid when each operation starts before every later one returns and the model accepts the order. */
function validLinearization(model: AnyModel, operations: readonly Operation[], order: readonly number[]): boolean {
  let state: unknown = model.init();
  for (let index = 0; index < order.length; index++) {
    const operation = operations[order[index]];
    for (const later of order.slice(index + 1)) if (operations[later].returnMs < operation.callMs) return false;
    const result = model.step(state, operation.input, operation.output);
    if (!result.legal) return false;
    state = result.next;
  }
  return order.length === operations.length;
}

/** A cas-register run of `count` operations by `clients` clients, intervals widened around each effect. */
const casRun = (count: number, clients: number) =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 30 })), {
    minLength: count,
    maxLength: count,
  }).map((draws) => {
    const model = casRegisterModel({ initial: 0 });
    let state: Value = 0;
    const free = new Array<number>(clients).fill(0);
    let lastPointMs = 0;
    return draws.map(([kind, a, b, widen], index): OperationInput => {
      const client = index % clients;
      // Effect instants increase with the index, so outputs computed in index order are consistent.
      const pointMs = (lastPointMs = Math.max(lastPointMs + 10, free[client] + 1));
      const input: CasRegisterInput = kind === 0 ? { kind: 'read' } : kind === 1 ? { kind: 'write', value: a } : { kind: 'cas', from: a, to: b };
      const output = kind === 0 ? state : kind === 1 ? null : state === a;
      state = model.step(state, input, output).next;
      const callMs = Math.max(free[client], pointMs - widen);
      free[client] = pointMs + widen + 1;
      return { client, input, output, callMs, returnMs: pointMs + widen };
    });
  });

describe('linearizability search: numbering and the memo window', () => {
  it('any order of the same operations gives the same verdict, and every linearization is valid (100-op histories)', () => {
    const model = casRegisterModel({ initial: 0 });
    fc.assert(
      fc.property(casRun(100, 6), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (records, seed, stale) => {
        const all = stale ? [...records, { client: 'late', input: { kind: 'read' }, output: 99, callMs: 1_000_000, returnMs: 1_000_001 }] : records;
        // A deterministic shuffle: histories need not come in call order.
        const shuffled = all.map((record, index) => ({ record, key: Math.imul(index + 1, 0x9e3779b1) ^ seed })).sort((a, b) => a.key - b.key).map((entry) => entry.record);
        for (const history of [historyOf(all), historyOf(shuffled)]) {
          const result = checkLinearizability(model, history, { stepsMax: 2_000_000 });
          expect(result.verdict).toBe(stale ? 'illegal' : 'ok');
          if (result.verdict === 'ok') expect(validLinearization(model, history, result.partitions[0].linearization ?? [])).toBe(true);
        }
      }),
      { numRuns: 25, seed: 16 },
    );
  });

  it('a 3,000-operation history (bitsets of 94 words) is checked and its linearization is valid', () => {
    const model = casRegisterModel({ initial: 0 });
    const records = fc.sample(casRun(3000, 5), { numRuns: 1, seed: 3 })[0];
    const history = historyOf(records);
    const result = checkLinearizability(model, history, { stepsMax: 5_000_000 });
    expect(result.verdict).toBe('ok');
    expect(validLinearization(model, history, result.partitions[0].linearization ?? [])).toBe(true);
  });

  it('a dropped operation renumbered still checks the same (ids follow the history, not call order)', () => {
    const model = kvModel();
    const history = historyOf<unknown, unknown>([
      { client: 1, input: { kind: 'put', key: 'x', value: 'a' }, output: null, callMs: 20, returnMs: 30 },
      { client: 0, input: { kind: 'get', key: 'x' }, output: 'a', callMs: 0, returnMs: 40 },
      { client: 2, input: { kind: 'get', key: 'x' }, output: '', callMs: 50, returnMs: 60 },
    ]);
    const result = checkLinearizability(model, renumber(history), { partition: false });
    expect(result.verdict).toBe('illegal');
    expect(result.failure?.operation.id).toBe(2);
    expect(result.failure?.prefix.map((operation) => operation.id)).toEqual([0, 1]);
  });
});

describe('linearizability failure: the state that makes the operation impossible', () => {
  it('names the register value a stale read contradicts', () => {
    const history = historyOf([
      { client: 0, input: { kind: 'write', value: 1 }, output: null, callMs: 0, returnMs: 10 },
      { client: 0, input: { kind: 'write', value: 2 }, output: null, callMs: 20, returnMs: 30 },
      { client: 1, input: { kind: 'read' }, output: 1, callMs: 40, returnMs: 50 },
    ]);
    const result = checkLinearizability(registerModel(), history);
    expect(result.verdict).toBe('illegal');
    expect(result.failure?.state).toBe('2');
  });

  it('uses the per-key model for a partitioned kv history', () => {
    const history = historyOf([
      { client: 0, input: { kind: 'put', key: 'x', value: 'new' }, output: null, callMs: 0, returnMs: 10 },
      { client: 1, input: { kind: 'put', key: 'y', value: 'other' }, output: null, callMs: 0, returnMs: 10 },
      { client: 1, input: { kind: 'get', key: 'x' }, output: '', callMs: 20, returnMs: 30 },
    ]);
    const result = checkLinearizability(kvModel(), history);
    expect(result.failure?.key).toBe('x');
    expect(result.failure?.state).toBe('"new"');
    const spec = JSON.stringify(historySpec(history, result, { model: kvModel() }));
    expect(spec).toContain('state: \\"new\\"');
    expect(spec).toContain('impossible in the state after the longest prefix');
  });
});

describe('history picture: effect instants and time unit', () => {
  it('an indeterminate write another read saw is drawn up to where it took effect', () => {
    const history = historyOf([
      { client: 0, input: { kind: 'write', value: 7 }, callMs: 10, returnMs: null, known: false },
      { client: 1, input: { kind: 'read' }, output: 7, callMs: 30, returnMs: 40 },
      { client: 2, input: { kind: 'write', value: 8 }, callMs: 50, returnMs: null, known: false },
    ]);
    const result = checkLinearizability(registerModel(), history);
    expect(result.verdict).toBe('ok');
    const points = effectPoints(history, result);
    // The write of 7 took effect by the time the read returned; the write of 8 is never seen: no instant.
    expect(points.get(0)).toBe(40);
    expect(points.has(2)).toBe(false);
    const spec = historySpec(history, result) as { layer: Array<{ mark: { shape?: string }; data: { values: Array<{ endMs: number }> } }> };
    expect(spec.layer.some((layer) => layer.mark.shape === 'diamond')).toBe(true);
    expect(spec.layer[0].data.values[0].endMs).toBe(40);
  });

  it("labels the axis with the history's unit: lines for Jepsen EDN", () => {
    const text = ['{:process 0, :type :invoke, :f :write, :value 1}', '{:process 0, :type :ok, :f :write, :value 1}'].join('\n');
    const history = parseJepsenHistory(text, builtinModel('register'));
    expect(history.timeUnit).toBe('line');
    expect(JSON.stringify(historySpec(history, null))).toContain('time (line)');
    expect(JSON.stringify(historySpec(history.operations, null))).toContain('time (ms)');
  });
});
