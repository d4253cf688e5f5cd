import { describe, expect, it } from 'vitest';
import { Random, World, chooseNemesisAction, randomNemesis, scriptedNemesis } from 'distlab';

function cluster(seed: number) {
  const world = new World({ seed, reporter: null });
  for (const id of ['a', 'b', 'c', 'd', 'e']) world.addNode(id, () => ({}));
  return world;
}

describe('Nemesis', () => {
  it('Nemesis: a script applies each fault at its time', async () => {
    const world = cluster(1);
    scriptedNemesis(world, [
      { atMs: 100, action: { type: 'partition', groups: [['a', 'b'], ['c', 'd', 'e']] } },
      { atMs: 200, action: { type: 'crash', node: 'c' } },
      { atMs: 300, action: { type: 'restart', node: 'c' } },
      { atMs: 400, action: { type: 'heal' } },
    ]);
    await world.runFor(150);
    expect(world.network.linkUp('a', 'c')).toBe(false);
    expect(world.network.groups()).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    await world.runFor(100);
    expect(world.isUp('c')).toBe(false);
    await world.runFor(200);
    expect(world.isUp('c')).toBe(true);
    expect(world.network.linkUp('a', 'c')).toBe(true);
    const kinds = world.trace.events.filter((event) => event.atMs > 0).map((event) => `${event.atMs} ${event.type}`);
    expect(kinds).toEqual(['100 net.fault', '200 node.crash', '300 node.restart', '400 net.fault']);
  });

  it('Nemesis: the random nemesis is deterministic per seed, respects faultyMax and heals at the end', async () => {
    const schedule = async (seed: number) => {
      const world = cluster(seed);
      randomNemesis(world, {
        nodes: world.nodeIds,
        intervalMs: { msMin: 50, msMax: 150 },
        durationMs: 5_000,
        weights: { partition: 1, asymmetric: 1, disconnect: 1, crash: 2, heal: 1 },
        faultyMax: 2,
      });
      let maxDown = 0;
      for (let step = 0; step < 60; step++) {
        await world.runFor(100);
        maxDown = Math.max(maxDown, world.nodeIds.filter((id) => !world.isUp(id)).length);
      }
      return { world, maxDown, lines: world.trace.describe() };
    };
    const first = await schedule(3);
    const again = await schedule(3);
    const other = await schedule(4);
    expect(again.lines).toEqual(first.lines);
    expect(other.lines).not.toEqual(first.lines);
    expect(first.maxDown).toBeLessThanOrEqual(2);
    expect(first.lines.filter((line) => line.includes('CRASH')).length).toBeGreaterThan(2);
    expect(first.world.nodeIds.every((id) => first.world.isUp(id))).toBe(true);
    expect(first.world.network.groups()).toEqual([first.world.nodeIds]);
  });

  it('Nemesis: the decision step is a pure function of state and random stream', () => {
    const options = { nodes: ['a', 'b', 'c'], intervalMs: { msMin: 1, msMax: 2 }, durationMs: 10, weights: { crash: 1 }, faultyMax: 1 };
    const state = { nodes: options.nodes, down: new Set<string>(), disconnected: new Set<string>() };
    const first = chooseNemesisAction(state, new Random(9), options);
    expect(chooseNemesisAction(state, new Random(9), options)).toEqual(first);
    expect(first.type).toBe('crash');
    // With one node already down and faultyMax 1, the nemesis must recover instead.
    expect(chooseNemesisAction({ ...state, down: new Set(['b']) }, new Random(9), options)).toEqual({ type: 'restart', node: 'b' });
  });
});
