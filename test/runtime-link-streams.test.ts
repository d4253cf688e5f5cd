// Each directed link draws its fates (drops, delays, duplicates) from its own seeded stream, so
// a change in what one link carries leaves every other link's fates as they were: two versions
// of a node differ only where they differ (docs/runtime.md, "Randomness").
import { take, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { World, type TraceEvent } from 'distlab';

/** a and c call b every 10 ms on a lossy, jittery, duplicating network; `extra` adds calls from a to c. */
async function lossyWorld(extra: boolean, seed = 5): Promise<World> {
  const world = new World({ seed, reporter: null, network: { reliable: false, duplicateProbability: 0.1, latency: { msMin: 1, msMax: 20 } } });
  for (const [id, peer] of [['a', 'b'], ['b', null], ['c', 'b']] as const) {
    world.addNode(id, (ctx) => {
      ctx.serve('Ping', (args: { n: number }) => args);
      if (peer === null) return {};
      timer(0, 10, ctx.scheduler)
        .pipe(take(60))
        .subscribe((n) => {
          void ctx.call(peer, 'Ping', { n });
          if (extra && id === 'a' && n % 3 === 0) void ctx.call('c', 'Ping', { n });
        });
      return {};
    });
  }
  await world.runFor(1_000);
  return world;
}

/** What happened on one directed link, without envelope ids (a global count that extra messages shift). */
function linkFates(world: World, source: string, target: string): string[] {
  return world.trace.events
    .filter((event): event is Extract<TraceEvent, { type: 'net.send' | 'net.deliver' | 'net.drop' | 'net.duplicate' }> => event.type.startsWith('net.') && event.type !== 'net.fault')
    .filter((event) => event.source === source && event.target === target)
    .map((event) => {
      const { envelope: _envelope, seq: _seq, ...rest } = event as TraceEvent & { envelope: number; copy?: number };
      return JSON.stringify({ ...rest, copy: undefined, call: undefined });
    });
}

describe('Network: one random stream per directed link', () => {
  it('Network: more traffic on a -> c leaves the fates on a -> b, b -> a, c -> b and b -> c unchanged (lossy, 60 calls each)', async () => {
    const plain = await lossyWorld(false);
    const busier = await lossyWorld(true);
    expect(linkFates(busier, 'a', 'c').length).toBeGreaterThan(0);
    const drops = plain.trace.events.filter((event) => event.type === 'net.drop').length;
    expect(drops, 'the network must lose some messages for this test to mean anything').toBeGreaterThan(5);
    for (const [source, target] of [['a', 'b'], ['b', 'a'], ['c', 'b'], ['b', 'c']] as const) {
      const fates = linkFates(plain, source, target);
      expect(fates.length, `${source} -> ${target}`).toBeGreaterThan(50);
      expect(linkFates(busier, source, target), `${source} -> ${target}`).toEqual(fates);
    }
  });

  it('Network: the same seed still gives the same trace, and another seed other fates', async () => {
    const first = await lossyWorld(true);
    const second = await lossyWorld(true);
    expect(second.trace.hash()).toBe(first.trace.hash());
    const other = await lossyWorld(true, 6);
    expect(linkFates(other, 'a', 'b')).not.toEqual(linkFates(first, 'a', 'b'));
  });
});
