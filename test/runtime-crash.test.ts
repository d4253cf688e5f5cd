import { interval } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ContextRevokedError, World, type NodeContext } from 'distlab';

describe('Crash and restart', () => {
  it("Crash: a crashed node's pending async code never runs again", async () => {
    const world = new World({ seed: 1, reporter: null });
    const steps: string[] = [];
    world.addNode('peer', (ctx) => {
      ctx.serve('Slow', async () => {
        await ctx.sleep(300);
        return 'done';
      });
      return {};
    });
    world.addNode('n', (ctx) => {
      void (async () => {
        steps.push(`start ${ctx.incarnation}`);
        await ctx.sleep(100);
        steps.push(`slept ${ctx.incarnation}`);
        const result = await ctx.call('peer', 'Slow', null);
        steps.push(`called ${ctx.incarnation} ${result.ok}`); // must never run for incarnation 0
        await ctx.sleep(1_000);
        steps.push(`after ${ctx.incarnation}`);
      })();
      return {};
    });
    world.schedule(200, () => world.crash('n'));
    world.schedule(1_000, () => world.restart('n'));
    await world.runFor(5_000);
    expect(steps).toEqual(['start 0', 'slept 0', 'start 1', 'slept 1', 'called 1 true', 'after 1']);
  });

  it('Crash: timers, calls and subscriptions of a crashed node are gone', async () => {
    const world = new World({ seed: 2, reporter: null });
    let ticks = 0;
    world.addNode('peer', (ctx) => {
      ctx.serve('Hang', () => new Promise(() => {}));
      return {};
    });
    world.addNode('n', (ctx) => {
      interval(10, ctx.scheduler).subscribe(() => ticks++);
      ctx.requests$.subscribe(() => {});
      void ctx.call('peer', 'Hang', null);
      return {};
    });
    await world.runFor(55);
    expect(ticks).toBe(5);
    expect(world.liveResources('n')).toMatchObject({ timers: 1, pendingCalls: 1, subscribers: 1 });
    world.crash('n');
    expect(world.liveResources('n')).toEqual({ timers: 0, pendingCalls: 0, serving: 0, subscribers: 0 });
    await world.runFor(1_000);
    expect(ticks).toBe(5);
    expect(world.node('n')).toBeNull();
  });

  it('Crash: restart builds a fresh instance from what was persisted, with copy semantics', async () => {
    const world = new World({ seed: 3, reporter: null });
    const state = { log: [1, 2, 3] };
    const instances: Array<{ restored: unknown }> = [];
    world.addNode('n', (ctx) => {
      const restored = ctx.persister.readState();
      if (restored === null) ctx.persister.save(state, new Uint8Array([9, 8, 7]));
      const instance = { restored };
      instances.push(instance);
      return instance;
    });
    state.log.push(4); // must not leak into storage
    world.restart('n');
    expect(instances).toHaveLength(2);
    expect(instances[1]!.restored).toEqual({ log: [1, 2, 3] });
    expect(world.persister('n').readSnapshot()).toEqual(new Uint8Array([9, 8, 7]));
    expect(world.persister('n').snapshotSize()).toBe(3);
    expect(world.persister('n').stateSize()).toBe(JSON.stringify({ log: [1, 2, 3] }).length);
    expect(world.node('n')).toBe(instances[1]);
    const events = world.trace.events.map((event) => event.type);
    expect(events).toEqual(['node.start', 'node.persist', 'node.crash', 'node.restart']);
  });

  it('Crash: a revoked context throws ContextRevokedError naming the node and the operation', async () => {
    const world = new World({ seed: 4, reporter: null });
    let saved!: NodeContext;
    world.addNode('n', (ctx) => {
      saved = ctx;
      return {};
    });
    world.crash('n');
    expect(() => saved.send('n', 'x', 1)).toThrow(ContextRevokedError);
    expect(() => saved.persister.save(1, null)).toThrow(/node n \(incarnation 0\) called persister.save/);
    expect(saved.signal.aborted).toBe(true);
  });
});
