import { describe, expect, it } from 'vitest';
import { World } from 'distlab';

describe('World: smoke', () => {
  it('runs an echo RPC', async () => {
    const world = new World({ seed: 1 });
    const seen: unknown[] = [];
    world.addNode('server', (ctx) => {
      ctx.serve('Echo', (args: { text: string }) => ({ text: args.text.toUpperCase() }));
      return {};
    });
    world.addNode('client', (ctx) => {
      void (async () => {
        const result = await ctx.call('server', 'Echo', { text: 'hi' });
        seen.push(result);
        await ctx.sleep(10);
        seen.push(ctx.now());
      })();
      return {};
    });
    await world.runFor(100);
    expect(seen).toEqual([{ ok: true, value: { text: 'HI' } }, 10]);
    expect(world.trace.hash()).toMatch(/^[0-9a-f]{64}$/);
  });
});
