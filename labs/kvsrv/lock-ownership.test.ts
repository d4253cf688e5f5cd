import { describe, expect, it } from 'vitest';
import { World } from 'distlab';
import { lockMutualExclusion, overlaps, ownerships } from './lock-ownership';

/** A trace with scripted lock operations: [client, kind, callMs, returnMs]. */
async function traceOf(script: ReadonlyArray<readonly [string, 'acquire' | 'release', number, number]>, crash?: { client: string; atMs: number }) {
  const world = new World({ seed: 1, reporter: null });
  for (const client of new Set(script.map(([name]) => name))) world.addNode(client, () => ({}));
  for (const [client, kind, callMs, returnMs] of script) {
    world.schedule(callMs, () => {
      const operation = world.invoke(client, { kind, lock: 'l' });
      world.schedule(returnMs - callMs, () => operation.complete('OK'));
    });
  }
  if (crash !== undefined) world.schedule(crash.atMs, () => world.crash(crash.client));
  await world.runFor(1000);
  return world.trace.events;
}

describe('Lock ownership: mutual exclusion over the trace', () => {
  it('Lock ownership: back-to-back holders (release called before the next acquire returns) pass', async () => {
    const events = await traceOf([
      ['a', 'acquire', 0, 10],
      ['b', 'acquire', 5, 40],
      ['a', 'release', 30, 35],
      ['b', 'release', 50, 55],
    ]);
    expect(ownerships(events).map((o) => [o.client, o.fromMs, o.toMs])).toEqual([
      ['a', 10, 30],
      ['b', 40, 50],
    ]);
    expect(lockMutualExclusion.check(events)).toBeNull();
  });

  it('Lock ownership: an acquire that returns while another client holds the lock fails, naming both', async () => {
    const events = await traceOf([
      ['a', 'acquire', 0, 10],
      ['b', 'acquire', 5, 20],
      ['a', 'release', 30, 35],
    ]);
    expect(overlaps(ownerships(events))).toHaveLength(1);
    expect(lockMutualExclusion.check(events)).toMatchObject({ atMs: 20, nodes: ['b', 'a'] });
    expect(lockMutualExclusion.check(events)?.detail).toMatch(/two clients held lock "l" at once: a held it from 0.010s until it called release\(\) at 0.030s, but b's acquire\(\) returned at 0.020s/);
  });

  it('Lock ownership: a crashed holder keeps the lock, so a later acquire by another client is an overlap', async () => {
    const events = await traceOf([
      ['a', 'acquire', 0, 10],
      ['b', 'acquire', 5, 200],
    ], { client: 'a', atMs: 50 });
    expect(ownerships(events).find((o) => o.client === 'a')?.end).toBe('crash');
    expect(lockMutualExclusion.check(events)?.detail).toMatch(/a held it from 0.010s until it crashed/);
  });
});
