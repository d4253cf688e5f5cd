import { describe, expect, it } from 'vitest';
import { Random } from 'distlab';
import { checkLinearizability, kvVersionedModel } from 'distlab/check';
import type { KvOperation } from '../kvsrv/history';
import { checkVersionedKey } from './versioned-check';

type Output = KvOperation['output'];

/**
 * A random history of one key: clients issue Gets and Puts (versions near the current one),
 * each takes effect at a random point of its interval, outputs follow from that order; then,
 * sometimes, one output is corrupted (a stale version, a wrong error). Small enough for the
 * general search to decide, so the two checkers can be compared.
 */
function randomHistory(random: () => number): KvOperation[] {
  const clients = 2 + Math.floor(random() * 4);
  const operations: Array<KvOperation & { pointMs: number }> = [];
  for (let client = 0; client < clients; client++) {
    let at = random() * 5;
    for (let i = 0; i < 3 + Math.floor(random() * 3); i++) {
      const duration = 1 + random() * 10;
      const isGet = random() < 0.4;
      const input = isGet ? { kind: 'get' as const, key: 'k' } : { kind: 'put' as const, key: 'k', value: `${client}.${i}`, version: Math.floor(random() * 4) };
      operations.push({ id: 0, client: `c${client}`, input, output: undefined, callMs: at, returnMs: at + duration, known: true, pointMs: at + random() * duration });
      at += duration + random() * 3;
    }
  }
  let state = { value: '', version: 0 };
  for (const operation of [...operations].sort((a, b) => a.pointMs - b.pointMs)) {
    const { input } = operation;
    let output: Output;
    if (input.kind === 'get') output = state.version === 0 ? { value: '', version: 0, err: 'ErrNoKey' } : { value: state.value, version: state.version, err: 'OK' };
    else if (state.version === 0 && input.version > 0) output = 'ErrNoKey';
    else if (input.version !== state.version) output = random() < 0.2 ? 'ErrMaybe' : 'ErrVersion';
    else {
      state = { value: input.value, version: state.version + 1 };
      output = random() < 0.15 ? 'ErrMaybe' : 'OK';
    }
    (operation as { output: Output }).output = output;
  }
  if (random() < 0.5) corrupt(operations[Math.floor(random() * operations.length)], random);
  return operations.sort((a, b) => a.callMs - b.callMs).map(({ pointMs: _, ...operation }, id) => ({ ...operation, id }));
}

function corrupt(operation: KvOperation, random: () => number): void {
  const target = operation as { output: Output };
  if (typeof operation.output === 'object' && operation.output !== null) target.output = { ...operation.output, version: Math.max(1, operation.output.version + (random() < 0.5 ? -1 : 1)), err: 'OK' };
  else target.output = (['OK', 'ErrVersion', 'ErrNoKey'] as const)[Math.floor(random() * 3)];
}

describe('the versioned check (one key) agrees with the general search', () => {
  it('on 1500 random small histories, linearizable or not', () => {
    const source = new Random(12);
    const random = () => source.float();
    let illegal = 0;
    for (let run = 0; run < 1500; run++) {
      const history = randomHistory(random);
      const expected = checkLinearizability(kvVersionedModel(), history, { timeoutMs: 10_000 });
      expect(expected.verdict).not.toBe('unknown');
      const verdict = checkVersionedKey(history);
      if (expected.verdict === 'illegal') illegal++;
      expect(verdict === null ? 'ok' : 'illegal', JSON.stringify(history)).toBe(expected.verdict);
    }
    expect(illegal).toBeGreaterThan(150);
  });

  it('names the culprit: two OK Puts at one version; a Get of a version nobody wrote', () => {
    const op = (id: number, client: string, input: KvOperation['input'], output: Output, callMs: number, returnMs: number): KvOperation => ({ id, client, input, output, callMs, returnMs, known: true });
    const put = (value: string, version: number) => ({ kind: 'put' as const, key: 'k', value, version });
    expect(checkVersionedKey([op(0, 'a', put('x', 0), 'OK', 0, 1), op(1, 'b', put('y', 0), 'OK', 2, 3)])).toMatch(/two Puts at version 0 returned OK/);
    expect(checkVersionedKey([op(0, 'a', put('x', 0), 'OK', 0, 1), op(1, 'b', { kind: 'get', key: 'k' }, { value: 'z', version: 1, err: 'OK' }, 2, 3)])).toMatch(/saw "z" at version 1, but no Put at version 0/);
    expect(checkVersionedKey([op(0, 'a', put('x', 0), 'OK', 0, 1), op(1, 'b', { kind: 'get', key: 'k' }, { value: '', version: 0, err: 'ErrNoKey' }, 2, 3)])).toMatch(/client b's Get\("k"\) -> ErrNoKey version 0 .* fits no version/);
  });
});
