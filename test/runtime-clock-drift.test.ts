import { timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { World, type TraceEvent } from '../src/index';
import { busyWorld } from './fixtures/runtime/busy-world';

/** Virtual times of the node's log lines, by message. */
function logTimes(events: readonly TraceEvent[], node: string): Record<string, number> {
  const times: Record<string, number> = {};
  for (const event of events) if (event.type === 'node.log' && event.node === node) times[event.message] = event.atMs;
  return times;
}

/** A node that reports what its clock reads and when its local timers fire. */
function clockProbe(world: World, id: string): { seen: Record<string, number> } {
  const seen: Record<string, number> = {};
  world.addNode(id, (ctx) => {
    seen.nowAtStart = ctx.now();
    void ctx.sleep(100).then(() => {
      seen.nowAfterSleep = ctx.now();
      seen.schedulerNowAfterSleep = ctx.scheduler.now();
      ctx.log('slept 100');
    });
    timer(300, ctx.scheduler).subscribe(() => ctx.log('rxjs timer 300'));
    return {};
  });
  return { seen };
}

describe('Clock drift: a node reads and times with its own clock', () => {
  it('Clock drift: now() reads offset + rate * virtual time, delays are local (rate 0.5, offset 1000)', async () => {
    const world = new World({ seed: 1, clocks: { slow: { rate: 0.5, offsetMs: 1_000 } }, reporter: null });
    const slow = clockProbe(world, 'slow');
    const plain = clockProbe(world, 'plain');
    await world.runFor(1_000);
    expect(slow.seen).toEqual({ nowAtStart: 1_000, nowAfterSleep: 1_100, schedulerNowAfterSleep: 1_100 });
    expect(plain.seen).toEqual({ nowAtStart: 0, nowAfterSleep: 100, schedulerNowAfterSleep: 100 });
    // The trace stays on true time: a slow clock's 100 local ms take 200 virtual ms.
    expect(logTimes(world.trace.events, 'slow')).toEqual({ 'slept 100': 200, 'rxjs timer 300': 600 });
    expect(logTimes(world.trace.events, 'plain')).toEqual({ 'slept 100': 100, 'rxjs timer 300': 300 });
  });

  it('Clock drift: a fast clock fires its timers early; RPC timeoutMs stays on true time (rate 2)', async () => {
    const world = new World({ seed: 2, clocks: { fast: { rate: 2 } }, reporter: null });
    world.addNode('silent', (ctx) => {
      ctx.serve('Ping', () => new Promise(() => undefined)); // never answers
      return {};
    });
    world.addNode('fast', (ctx) => {
      void ctx.sleep(100).then(() => ctx.log('slept 100'));
      void ctx.call('silent', 'Ping', {}, { timeoutMs: 100 }).then((reply) => ctx.log(`call ${reply.reason}`));
      return {};
    });
    await world.runFor(500);
    expect(logTimes(world.trace.events, 'fast')).toEqual({ 'slept 100': 50, 'call timeout': 100 });
  });

  it('Clock drift: setClock mid-run steps the clock, and the clock survives a restart', async () => {
    const world = new World({ seed: 3, reporter: null });
    const reads: number[] = [];
    world.addNode('n', (ctx) => {
      reads.push(ctx.now());
      return {};
    });
    await world.runFor(100);
    world.setClock('n', { rate: 0.9, offsetMs: -50 });
    world.restart('n');
    await world.runFor(100);
    world.setClock('n', { rate: 1 });
    world.restart('n');
    expect(reads).toEqual([0, -50 + 0.9 * 100, -50 + 200]);
  });

  it('Clock drift: bad settings fail before the run with the field, the rule and the node', async () => {
    expect(() => new World({ seed: 1, clocks: { n: { rate: 0 } } })).toThrow(/clocks\.n\.rate: must be at least 0\.01/);
    expect(() => new World({ seed: 1, clocks: { n: { skew: 3 } as never } })).toThrow(/invalid World options: clocks\.n/);
    expect(() => new World({ seed: 1, clocks: { n: { offsetMs: Number.NaN } } })).toThrow(/clocks\.n\.offsetMs/);
    const world = new World({ seed: 1, clocks: { ghost: { rate: 1.1 } }, reporter: null });
    world.addNode('n', () => ({}));
    await expect(world.runFor(10)).rejects.toThrow(/clocks name "ghost", but no such node was added; nodes are: n/);
    expect(() => world.setClock('n', { rate: 500 })).toThrow(/invalid clock settings for node n.*rate: must be at most 100/);
    expect(() => world.setClock('nobody', { rate: 1 })).toThrow(/no node with id "nobody"/);
  });

  it('Clock drift: same seed, same trace; drift changes the trace; identity clocks change nothing (busy world, seed 7)', async () => {
    const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const drift = { n1: { rate: 0.8, offsetMs: 40 }, n3: { rate: 1.25 } };
    const first = await busyWorld(7, 1_500, drift);
    const second = await busyWorld(7, 1_500, drift);
    expect(second.trace.hash()).toBe(first.trace.hash());
    const plain = await busyWorld(7, 1_500);
    expect(plain.trace.hash()).not.toBe(first.trace.hash());
    const identity = await busyWorld(7, 1_500, Object.fromEntries(ids.map((id) => [id, { rate: 1, offsetMs: 0 }])));
    expect(identity.trace.hash()).toBe(plain.trace.hash());
  });
});
