import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  casRegisterModel,
  checkLinearizability,
  historyOf,
  kvModel,
  kvVersionedModel,
  registerModel,
  type AnyModel,
  type KvState,
  type CasRegisterInput,
  type Operation,
  type OperationInput,
} from 'distlab/check';

/** Brute force: tries every order that respects real time; the reference the checker must agree with. */
function bruteForceLinearizable(model: AnyModel, operations: readonly Operation[]): boolean {
  const done = new Array<boolean>(operations.length).fill(false);
  const search = (state: unknown, placed: number): boolean => {
    if (placed === operations.length) return true;
    // The earliest return among operations not yet placed bounds which calls may go next.
    let boundary = Infinity;
    operations.forEach((operation, index) => {
      if (!done[index]) boundary = Math.min(boundary, operation.returnMs);
    });
    for (let index = 0; index < operations.length; index++) {
      const operation = operations[index];
      if (done[index] || operation.callMs > boundary) continue;
      const result = model.step(state, operation.input, operation.output);
      if (!result.legal) continue;
      done[index] = true;
      const found = search(result.next, placed + 1);
      done[index] = false;
      if (found) return true;
    }
    return false;
  };
  return search(model.init(), 0);
}

const casInput: fc.Arbitrary<CasRegisterInput> = fc.oneof(
  fc.constant({ kind: 'read' as const }),
  fc.record({ kind: fc.constant('write' as const), value: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('cas' as const), from: fc.integer({ min: 0, max: 3 }), to: fc.integer({ min: 0, max: 3 }) }),
);

/** Runs the inputs sequentially on the model, then widens each interval around its point. */
function widenedHistory(model: AnyModel, inputs: readonly unknown[], widths: readonly [number, number][], clients: number): Operation[] {
  let state = model.init();
  const records: OperationInput[] = inputs.map((input, index) => {
    // Outputs are whatever the sequential run produced; find it by trying the step with each candidate.
    const output = sequentialOutput(model, state, input);
    state = model.step(state, input, output).next;
    const point = index * 10;
    const [before, after] = widths[index];
    return { client: index % clients, input, output, callMs: point - before, returnMs: point + after };
  });
  return historyOf(records);
}

/** The output a correct sequential object would give (for the built-in register-like models). */
function sequentialOutput(model: AnyModel, state: unknown, input: unknown): unknown {
  const typed = input as { kind: string; from?: unknown };
  if (model.name === 'kv') return typed.kind === 'get' ? (state as KvState).get((input as { key: string }).key) : null;
  switch (typed.kind) {
    case 'read':
      return state;
    case 'cas':
      return model.step(state, input, true).legal;
    default:
      return null;
  }
}

const widthArbitrary = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }));

describe('linearizability checker: properties', () => {
  it('a sequential run with widened intervals is always ok (cas-register)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(casInput, widthArbitrary), { minLength: 0, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        (rows, clients) => {
          const model = casRegisterModel({ initial: 0 });
          const history = widenedHistory(model, rows.map(([input]) => input), rows.map(([, width]) => width), clients);
          expect(checkLinearizability(model, history, { timeoutMs: 5000 }).verdict).toBe('ok');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a sequential run with widened intervals is always ok (kv, partitioned and not)', () => {
    const kvInput = fc.oneof(
      fc.record({ kind: fc.constant('get' as const), key: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c'), value: fc.constantFrom('x', 'y', '') }),
      fc.record({ kind: fc.constant('append' as const), key: fc.constantFrom('a', 'b', 'c'), value: fc.constantFrom('1', '2') }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(kvInput, widthArbitrary), { maxLength: 40 }), fc.boolean(), (rows, partition) => {
        const model = kvModel();
        const history = widenedHistory(model, rows.map(([input]) => input), rows.map(([, width]) => width), 4);
        expect(checkLinearizability(model, history, { timeoutMs: 5000, partition }).verdict).toBe('ok');
      }),
      { numRuns: 150 },
    );
  });

  it('a stale read appended after a completed write makes it illegal', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(casInput, widthArbitrary), { maxLength: 40 }), (rows) => {
        const model = casRegisterModel({ initial: 0 });
        const history = widenedHistory(model, rows.map(([input]) => input), rows.map(([, width]) => width), 3);
        const end = Math.max(0, ...history.map((operation) => operation.returnMs)) + 1;
        const withStale = historyOf([
          ...history,
          { client: 'w', input: { kind: 'write', value: 100 }, output: null, callMs: end, returnMs: end + 1 },
          { client: 'w', input: { kind: 'write', value: 101 }, output: null, callMs: end + 2, returnMs: end + 3 },
          { client: 'r', input: { kind: 'read' }, output: 100, callMs: end + 4, returnMs: end + 5 },
        ]);
        const result = checkLinearizability(model, withStale, { timeoutMs: 5000 });
        expect(result.verdict).toBe('illegal');
        expect(result.failure?.operation.client).toBe('r');
      }),
      { numRuns: 100 },
    );
  });

  it('a lost write (a read after it completes does not see it) makes it illegal', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(casInput, widthArbitrary), { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (rows, seen) => {
        const model = casRegisterModel({ initial: 0 });
        const history = widenedHistory(model, rows.map(([input]) => input), rows.map(([, width]) => width), 3);
        const end = Math.max(0, ...history.map((operation) => operation.returnMs)) + 1;
        const withLost = historyOf([
          ...history,
          { client: 'w', input: { kind: 'write', value: 7 }, output: null, callMs: end, returnMs: end + 1 },
          { client: 'r', input: { kind: 'read' }, output: seen, callMs: end + 2, returnMs: end + 3 },
        ]);
        expect(checkLinearizability(model, withLost, { timeoutMs: 5000 }).verdict).toBe('illegal');
      }),
      { numRuns: 100 },
    );
  });

  it('making any operation indeterminate keeps a linearizable history ok', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(casInput, widthArbitrary, fc.boolean()), { maxLength: 40 }), (rows) => {
        const model = casRegisterModel({ initial: 0 });
        const history = widenedHistory(model, rows.map(([input]) => input), rows.map(([, width]) => width), 3);
        const blurred = historyOf(
          history.map((operation, index) => ({
            ...operation,
            ...(rows[index][2] ? { known: false, output: undefined, returnMs: null } : {}),
          })),
        );
        expect(checkLinearizability(model, blurred, { timeoutMs: 5000 }).verdict).toBe('ok');
      }),
      { numRuns: 100 },
    );
  });

  it('agrees with brute force on small random cas-register histories', () => {
    const seen = new Set<boolean>();
    const operation = fc.record({
      input: casInput,
      output: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constant(null)),
      callMs: fc.integer({ min: 0, max: 30 }),
      length: fc.integer({ min: 0, max: 15 }),
      known: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 7 }), (rows) => {
        const model = casRegisterModel({ initial: 0 });
        const history = historyOf(
          rows.map((row, index) => ({
            client: index,
            input: row.input,
            output: row.known ? (row.input.kind === 'cas' ? row.output === true : row.output) : undefined,
            callMs: row.callMs,
            returnMs: row.known ? row.callMs + row.length : null,
            known: row.known,
          })),
        );
        const expected = bruteForceLinearizable(model, history);
        seen.add(expected);
        expect(checkLinearizability(model, history, { timeoutMs: 5000 }).verdict).toBe(expected ? 'ok' : 'illegal');
      }),
      { numRuns: 500 },
    );
    expect([...seen].sort()).toEqual([false, true]);
  });

  it('agrees with brute force on small random kv-versioned histories', () => {
    const seen = new Set<boolean>();
    const operation = fc.record({
      put: fc.boolean(),
      key: fc.constantFrom('a', 'b'),
      value: fc.constantFrom('x', 'y'),
      version: fc.integer({ min: 0, max: 2 }),
      putReply: fc.constantFrom('OK', 'ErrVersion', 'ErrNoKey', 'ErrMaybe'),
      callMs: fc.integer({ min: 0, max: 30 }),
      length: fc.integer({ min: 0, max: 15 }),
      known: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 7 }), fc.boolean(), (rows, partition) => {
        const model = kvVersionedModel();
        const history = historyOf(
          rows.map((row, index) => ({
            client: index,
            input: row.put ? { kind: 'put', key: row.key, value: row.value, version: row.version } : { kind: 'get', key: row.key },
            output: !row.known
              ? undefined
              : row.put
                ? row.putReply
                : row.version === 0
                  ? { value: '', version: 0, err: 'ErrNoKey' }
                  : { value: row.value, version: row.version, err: 'OK' },
            callMs: row.callMs,
            returnMs: row.known ? row.callMs + row.length : null,
            known: row.known,
          })),
        );
        const expected = bruteForceLinearizable(model, history);
        seen.add(expected);
        expect(checkLinearizability(model, history, { timeoutMs: 5000, partition }).verdict).toBe(expected ? 'ok' : 'illegal');
      }),
      { numRuns: 500 },
    );
    expect([...seen].sort()).toEqual([false, true]);
  });
});

describe('linearizability checker: edge cases', () => {
  const register = registerModel({ initial: 0 });

  it('an empty history is ok', () => {
    const result = checkLinearizability(register, []);
    expect(result.verdict).toBe('ok');
    expect(result.ops).toBe(0);
  });

  it('a single client is checked in program order', () => {
    const ok = historyOf([
      { client: 0, input: { kind: 'write', value: 1 }, output: null, callMs: 0, returnMs: 1 },
      { client: 0, input: { kind: 'read' }, output: 1, callMs: 2, returnMs: 3 },
    ]);
    expect(checkLinearizability(register, ok).verdict).toBe('ok');
    const bad = historyOf([
      { client: 0, input: { kind: 'write', value: 1 }, output: null, callMs: 0, returnMs: 1 },
      { client: 0, input: { kind: 'read' }, output: 0, callMs: 2, returnMs: 3 },
    ]);
    const result = checkLinearizability(register, bad);
    expect(result.verdict).toBe('illegal');
    expect(result.failure?.operation.id).toBe(1);
    expect(result.failure?.prefix.map((operation) => operation.id)).toEqual([0]);
  });

  it('all operations concurrent: any consistent order is found', () => {
    const history = historyOf([
      { client: 0, input: { kind: 'read' }, output: 2, callMs: 0, returnMs: 100 },
      { client: 1, input: { kind: 'write', value: 1 }, output: null, callMs: 0, returnMs: 100 },
      { client: 2, input: { kind: 'read' }, output: 1, callMs: 0, returnMs: 100 },
      { client: 3, input: { kind: 'write', value: 2 }, output: null, callMs: 0, returnMs: 100 },
      { client: 4, input: { kind: 'read' }, output: 0, callMs: 0, returnMs: 100 },
    ]);
    const result = checkLinearizability(register, history);
    expect(result.verdict).toBe('ok');
    expect(result.partitions[0].linearization).toHaveLength(5);
  });

  it('intervals that only touch count as concurrent (closed intervals, as in Porcupine)', () => {
    const history = historyOf([
      { client: 0, input: { kind: 'read' }, output: 1, callMs: 0, returnMs: 10 },
      { client: 1, input: { kind: 'write', value: 1 }, output: null, callMs: 10, returnMs: 20 },
    ]);
    expect(checkLinearizability(register, history).verdict).toBe('ok');
  });

  it('operations that never return may or may not have taken effect', () => {
    const seen = historyOf([
      { client: 0, input: { kind: 'write', value: 5 }, callMs: 0 },
      { client: 1, input: { kind: 'read' }, output: 5, callMs: 10, returnMs: 11 },
    ]);
    expect(checkLinearizability(register, seen).verdict).toBe('ok');
    const unseen = historyOf([
      { client: 0, input: { kind: 'write', value: 5 }, callMs: 0 },
      { client: 1, input: { kind: 'read' }, output: 0, callMs: 10, returnMs: 11 },
    ]);
    expect(checkLinearizability(register, unseen).verdict).toBe('ok');
    const flickers = historyOf([
      { client: 0, input: { kind: 'write', value: 5 }, callMs: 0 },
      { client: 1, input: { kind: 'read' }, output: 5, callMs: 10, returnMs: 11 },
      { client: 1, input: { kind: 'read' }, output: 0, callMs: 12, returnMs: 13 },
    ]);
    expect(checkLinearizability(register, flickers).verdict).toBe('illegal');
    const fromTheFuture = historyOf([
      { client: 1, input: { kind: 'read' }, output: 5, callMs: 0, returnMs: 1 },
      { client: 0, input: { kind: 'write', value: 5 }, callMs: 2, known: false },
    ]);
    expect(checkLinearizability(register, fromTheFuture).verdict).toBe('illegal');
  });

  it('a cas that reports failure is checked against the state it saw', () => {
    const cas = casRegisterModel({ initial: 0 });
    const history = historyOf([
      { client: 0, input: { kind: 'cas', from: 0, to: 1 }, output: false, callMs: 0, returnMs: 1 },
    ]);
    expect(checkLinearizability(cas, history).verdict).toBe('illegal');
  });

  it('a budget too small yields unknown, never ok', () => {
    const cas = casRegisterModel({ initial: 0 });
    const history = historyOf(
      Array.from({ length: 30 }, (_, index) => ({
        client: index,
        input: { kind: 'write', value: index },
        output: null,
        callMs: 0,
        returnMs: 100,
      })),
    );
    const bySteps = checkLinearizability(cas, history, { stepsMax: 5 });
    expect(bySteps.verdict).toBe('unknown');
    expect(bySteps.reason).toMatch(/stepsMax/);
    let now = 0;
    const byTime = checkLinearizability(cas, history, { timeoutMs: 10, clock: () => (now += 100) });
    expect(byTime.verdict).toBe('unknown');
    expect(checkLinearizability(cas, history).verdict).toBe('ok');
  });

  it('an illegal partition ends the check; the others are skipped or ok', () => {
    const kv = kvModel();
    const history = historyOf([
      { client: 0, input: { kind: 'put', key: 'a', value: 'x' }, output: null, callMs: 0, returnMs: 1 },
      { client: 0, input: { kind: 'get', key: 'a' }, output: 'y', callMs: 2, returnMs: 3 },
      { client: 1, input: { kind: 'put', key: 'b', value: 'x' }, output: null, callMs: 0, returnMs: 1 },
      { client: 1, input: { kind: 'put', key: 'b', value: 'z' }, output: null, callMs: 2, returnMs: 3 },
      { client: 1, input: { kind: 'get', key: 'b' }, output: 'z', callMs: 4, returnMs: 5 },
    ]);
    const result = checkLinearizability(kv, history);
    expect(result.verdict).toBe('illegal');
    expect(result.failure?.key).toBe('a');
    expect(result.partitions.find((partition) => partition.key === 'b')?.verdict).toBe('skipped');
  });

  it('kv append returning the old value is checked', () => {
    const kv = kvModel();
    const history = historyOf([
      { client: 0, input: { kind: 'append', key: 'k', value: 'a' }, output: '', callMs: 0, returnMs: 1 },
      { client: 0, input: { kind: 'append', key: 'k', value: 'b' }, output: 'x', callMs: 2, returnMs: 3 },
    ]);
    expect(checkLinearizability(kv, history).verdict).toBe('illegal');
  });

  it('rejects a return before its call with a message naming the operation', () => {
    expect(() => historyOf([{ client: 'c', input: {}, output: null, callMs: 10, returnMs: 5 }])).toThrow(/operation 0 \(client c\).*before callMs/);
  });
});

describe('kv model: states', () => {
  it('two stores are equal exactly when their non-empty keys hold the same values, and equal stores hash equal (property)', () => {
    const write = fc.record({
      kind: fc.constantFrom('put' as const, 'append' as const),
      key: fc.constantFrom('a', 'b', 'c', 'd'),
      value: fc.constantFrom('', 'x', 'y', 'xy'),
    });
    const model = kvModel();
    const run = (writes: ReadonlyArray<{ kind: 'put' | 'append'; key: string; value: string }>): KvState =>
      writes.reduce((state, input) => model.step(state, input, null).next, model.init());
    const record = (state: KvState): Record<string, string> => state.toJSON();
    fc.assert(
      fc.property(fc.array(write, { maxLength: 12 }), fc.array(write, { maxLength: 12 }), (first, second) => {
        const a = run(first);
        const b = run(second);
        const same = JSON.stringify(Object.entries(record(a)).sort()) === JSON.stringify(Object.entries(record(b)).sort());
        expect(model.equal!(a, b)).toBe(same);
        if (same) expect(model.hash!(a)).toBe(model.hash!(b));
        for (const key of ['a', 'b', 'c', 'd']) expect(a.get(key)).toBe(record(a)[key] ?? '');
      }),
      { numRuns: 400 },
    );
  });
});

