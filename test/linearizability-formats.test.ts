import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  builtinModel,
  checkLinearizability,
  historyFromTrace,
  HistoryFormatError,
  kvVersionedModel,
  parseJepsenHistory,
  parseJsonHistory,
} from 'distlab/check';
import type { TraceEvent } from '../src/runtime/trace-event';

const fixtures = join(__dirname, 'fixtures', 'linearizability');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

describe('Jepsen EDN histories', () => {
  it('reads :ok, drops :fail, keeps :info as indeterminate, turns :nemesis into annotations', () => {
    const history = parseJepsenHistory(fixture('cas-ok.edn'), builtinModel('cas-register'));
    expect(history.operations).toHaveLength(5);
    const indeterminate = history.operations.filter((operation) => !operation.known);
    expect(indeterminate.map((operation) => operation.input)).toEqual([{ kind: 'write', value: 9 }]);
    expect(history.annotations).toEqual([{ atMs: 6, kind: 'fault', description: 'nemesis start "partition [n1] [n2 n3]"' }]);
    expect(checkLinearizability(builtinModel('cas-register').create(), history.operations).verdict).toBe('ok');
  });

  it('accepts a file wrapped in [...] and finds the violation', () => {
    const history = parseJepsenHistory(fixture('cas-bad.edn'), builtinModel('cas-register'));
    const result = checkLinearizability(builtinModel('cas-register').create(), history.operations);
    expect(result.verdict).toBe('illegal');
    expect(result.failure?.operation.input).toEqual({ kind: 'read' });
  });

  it('reads keys from :key and from independent [key value] tuples', () => {
    const history = parseJepsenHistory(fixture('kv-independent.edn'), builtinModel('kv'));
    expect(history.operations.map((operation) => operation.input)).toEqual([
      { kind: 'put', key: 'x', value: '1' },
      { kind: 'get', key: 'y' },
      { kind: 'get', key: 'x' },
      { kind: 'append', key: 'y', value: 'a' },
      { kind: 'get', key: 'y' },
    ]);
    expect(checkLinearizability(builtinModel('kv').create(), history.operations).verdict).toBe('ok');
  });

  it('names the line and what was expected for a malformed line', () => {
    expect(() => parseJepsenHistory(fixture('malformed.edn'), builtinModel('cas-register'), 'malformed.edn')).toThrow(
      /^malformed\.edn:2: incomplete EDN/,
    );
    const cases: [string, RegExp][] = [
      ['{:process 0, :type :begin, :f :read}', /:1: :type must be one of :invoke, :ok, :fail, :info/],
      ['{:process 0, :type :invoke, :f :read}\n{:process 0, :type :invoke, :f :read}', /:2: process 0 invoked :read while its :read from line 1/],
      ['{:process 0, :type :ok, :f :read, :value 1}', /:1: :ok for process 0 without a preceding :invoke/],
      ['{:process 0, :type :invoke, :f :cas, :value 3}', /:1: :cas value must be a vector \[from to\]/],
      ['{:process 0, :type :invoke, :f :incr, :value 3}', /:1: :f incr is not an operation of cas-register/],
      ['{:type :invoke, :f :read}', /:1: :process is missing/],
      ['{:process 0 :type :invoke :f :read}}', /:1: unbalanced closing bracket/],
      ['{:a 1} {:b 2}', /:1: expected exactly one map per line/],
    ];
    for (const [text, pattern] of cases) {
      expect(() => parseJepsenHistory(text, builtinModel('cas-register'), 'h.edn')).toThrow(pattern);
    }
    try {
      parseJepsenHistory('\n\n{:process 0, :type :invoke, :f :read', builtinModel('register'));
    } catch (error) {
      expect(error).toBeInstanceOf(HistoryFormatError);
      expect((error as HistoryFormatError).line).toBe(3);
    }
  });
});

describe('JSON histories', () => {
  it('drops failed operations and keeps annotations', () => {
    const history = parseJsonHistory(fixture('kv-bad.json'), builtinModel('kv'));
    expect(history.operations).toHaveLength(4);
    expect(history.annotations).toHaveLength(1);
    const result = checkLinearizability(builtinModel('kv').create(), history.operations);
    expect(result.verdict).toBe('illegal');
    expect(result.failure?.key).toBe('k');
  });

  it('accepts Porcupine field names and fills kv-versioned reply defaults', () => {
    const history = parseJsonHistory(fixture('kv-versioned-ok.json'), builtinModel('kv-versioned'));
    expect(history.operations[4].output).toEqual({ value: '', version: 0, err: 'ErrNoKey' });
    expect(history.operations[5].known).toBe(false);
    expect(checkLinearizability(kvVersionedModel(), history.operations).verdict).toBe('ok');
  });

  it('reads a simulator trace dump', () => {
    const history = parseJsonHistory(fixture('trace.json'), builtinModel('kv-versioned'));
    expect(history.operations).toHaveLength(3);
    expect(history.annotations.map((annotation) => annotation.kind)).toEqual(['fault', 'crash', 'restart']);
  });

  it('says where a JSON history is wrong and what was expected', () => {
    expect(() => parseJsonHistory('[{"client": 0, "input": {"kind": "read"}}]', builtinModel('register'), 'h.json')).toThrow(
      /h\.json: at \[0\]: needs a call time/,
    );
    expect(() => parseJsonHistory('[{"client": 0, "input": {"kind": "jump"}, "callMs": 1}]', builtinModel('register'), 'h.json')).toThrow(
      /\[0\]\.input\.kind: .*is --model register the right model\?/,
    );
    expect(() => parseJsonHistory('[\n{"client": 0,,}\n]', builtinModel('register'), 'h.json')).toThrow(/h\.json:2: not valid JSON/);
    expect(() =>
      parseJsonHistory('[{"client": 0, "input": {"kind": "read"}, "output": 1, "callMs": 5, "returnMs": 1}]', builtinModel('register'), 'h.json'),
    ).toThrow(/returnMs 1 is before callMs 5/);
  });
});

describe('historyFromTrace', () => {
  const base = { seq: 0 };
  it('pairs invocations and returns, and marks given-up and unreturned operations indeterminate', () => {
    const events: TraceEvent[] = [
      { ...base, type: 'client.invoke', atMs: 0, client: 'a', op: 0, input: { kind: 'write', value: 1 } },
      { ...base, type: 'client.invoke', atMs: 1, client: 'b', op: 0, input: { kind: 'write', value: 2 } },
      { ...base, type: 'net.fault', atMs: 2, description: 'partition [s1] [s2]', groups: [['s1'], ['s2']] },
      { ...base, type: 'client.return', atMs: 3, client: 'a', op: 0, output: undefined, known: true },
      { ...base, type: 'client.return', atMs: 4, client: 'b', op: 0, output: undefined, known: false },
      { ...base, type: 'client.invoke', atMs: 5, client: 'a', op: 1, input: { kind: 'read' } },
      { ...base, type: 'client.return', atMs: 6, client: 'a', op: 1, output: 2, known: true },
      { ...base, type: 'client.invoke', atMs: 7, client: 'c', op: 0, input: { kind: 'read' } },
    ];
    const history = historyFromTrace(events);
    expect(history.operations.map((operation) => [operation.client, operation.known, operation.returnMs])).toEqual([
      ['a', true, 3],
      ['b', false, Infinity],
      ['a', true, 6],
      ['c', false, Infinity],
    ]);
    expect(history.operations[0].output).toBeNull();
    expect(history.operations[1].gaveUpMs).toBe(4);
    expect(history.annotations).toEqual([{ atMs: 2, kind: 'fault', description: 'partition [s1] [s2]' }]);
    expect(checkLinearizability(builtinModel('register').create(), history.operations).verdict).toBe('ok');
  });

  it('refuses a return that was never invoked', () => {
    const events: TraceEvent[] = [{ seq: 9, type: 'client.return', atMs: 3, client: 'a', op: 0, output: 1, known: true }];
    expect(() => historyFromTrace(events)).toThrow(/seq 9: client a returned op 0 that was never invoked/);
  });
});
