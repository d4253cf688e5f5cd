import { describe, expect, it } from 'vitest';
import { retainedBytes, retainedCost } from './heap';

describe('retainedBytes (the server-state walk of TestMemPutManyClientsReliable)', () => {
  it('counts a per-client table by its entries, and gives the same number every time', () => {
    const table = new Map<string, number>();
    const empty = retainedBytes({ table });
    for (let client = 0; client < 100; client++) table.set(`client-${client}`, client);
    const full = retainedBytes({ table });
    expect(full).toBe(retainedBytes({ table }));
    // Each entry: the entry itself, the key string (header + length); the number sits in its slot.
    const keys = [...table.keys()].reduce((sum, key) => sum + retainedCost.stringHeader + key.length, 0);
    expect(full - empty).toBe(100 * retainedCost.entry + keys);
    expect((full - empty) / 100).toBeGreaterThan(8);
  });

  it('counts shared objects once, stops at the runtime objects it is given, and runs no getter', () => {
    const shared = { value: 'x'.repeat(1000) };
    const context = { world: { everything: new Array(10_000).fill('y') } };
    let getterRan = false;
    const node = {
      a: shared,
      b: shared,
      context,
      get expensive(): number {
        getterRan = true;
        return 1;
      },
    };
    const alone = retainedBytes({ a: shared, b: shared, context: null, expensive: null });
    expect(retainedBytes(node, new Set([context]))).toBe(alone);
    expect(retainedBytes(node)).toBeGreaterThan(alone + 10_000 * retainedCost.slot);
    expect(getterRan).toBe(false);
  });

  it('an unchanged server state measures exactly zero growth', () => {
    const data = new Map([['k', { value: 'x'.repeat(1000), version: 1 }]]);
    const server = { data };
    const before = retainedBytes(server);
    for (let version = 1; version <= 1000; version++) data.set('k', { value: 'x'.repeat(1000), version: version + 1 });
    expect(retainedBytes(server)).toBe(before);
  });
});
