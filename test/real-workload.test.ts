// The real-mode workload's rules, on hand-written histories (no processes): a client Puts only
// at a version it knows, and an acknowledged Put that the final read has not reached is
// reported as a lost write, naming the Put and the final version.
import { describe, expect, it } from 'vitest';
import { Random } from '../src/runtime/random';
import { lostPuts } from '../src/real/stats';
import { nextInput, versionAfter, type RecordedOperation } from '../src/real/workload';

const put = (client: string, key: string, version: number, output: RecordedOperation['output'], returnMs: number): RecordedOperation => ({
  client, input: { kind: 'put', key, value: `${client}.${version}`, version }, output, callMs: returnMs - 10, returnMs,
});

describe('real mode: the versioned workload', () => {
  it('Real workload: a client reads a key before it Puts to it, then Puts at the version it saw', () => {
    const random = new Random(7).fork('client:1');
    const versions = new Map<string, number>();
    for (let seq = 1; seq <= 200; seq++) {
      const input = nextInput(random, 'c1', seq, 3, versions);
      if (input.kind === 'put') expect(input.version).toBe(versions.get(input.key));
      const output = input.kind === 'get' ? { value: 'x', version: seq % 5, err: 'OK' as const } : seq % 3 === 0 ? ('ErrVersion' as const) : ('OK' as const);
      const version = versionAfter(input, output);
      if (version === undefined) versions.delete(input.key);
      else versions.set(input.key, version);
    }
    expect(versionAfter({ kind: 'put', key: 'k0', value: 'v', version: 4 }, 'OK')).toBe(5);
    expect(versionAfter({ kind: 'put', key: 'k0', value: 'v', version: 4 }, 'ErrMaybe')).toBeUndefined();
    expect(versionAfter({ kind: 'get', key: 'k0' }, { value: '', version: 0, err: 'ErrNoKey' })).toBe(0);
    expect(versionAfter({ kind: 'get', key: 'k0' }, null)).toBeUndefined();
  });

  it('Real workload: an acknowledged Put the final read has not reached is a lost write; rejected and unknown Puts are not', () => {
    const operations: RecordedOperation[] = [
      put('c1', 'k0', 0, 'OK', 100),
      put('c2', 'k0', 1, 'OK', 200),
      put('c3', 'k0', 1, 'ErrVersion', 210),
      put('c3', 'k1', 0, 'ErrMaybe', 220),
      { client: 'c4', input: { kind: 'put', key: 'k1', value: 'c4.1', version: 0 }, callMs: 230, returnMs: null, known: false },
      put('c5', 'k2', 0, 'OK', 300),
    ];
    const finals = new Map([
      ['k0', { value: 'c1.0', version: 1, err: 'OK' as const }],
      ['k1', { value: '', version: 0, err: 'ErrNoKey' as const }],
    ]);
    expect(lostPuts(operations, finals)).toEqual(['put(k0, "c2.1", version 1) by c2, acknowledged OK at 200 ms, but the final read of k0 is at version 1']);
    expect(lostPuts(operations, new Map([['k0', { value: 'c2.1', version: 2, err: 'OK' as const }], ['k2', { value: '', version: 0, err: 'ErrNoKey' as const }]]))).toEqual([
      'put(k2, "c5.0", version 0) by c5, acknowledged OK at 300 ms, but the final read of k2 finds no such key',
    ]);
  });
});
