// Visual regression: every chart function, rendered headlessly for a fixed seed, must read at a
// glance: marks drawn (or a note saying why not), a short legend, no text over text, labels
// inside their bars, and one colour per role in every chart. The long faulty Raft run (reference
// solution) is in plot-scale.test.ts, which the student handout leaves out with grading/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { World } from 'distlab';
import { builtinModel, casRegisterModel, checkLinearizability, historyOf, parseJsonHistory } from 'distlab/check';
import {
  eventColors,
  historySpec,
  idealSpeedupLabel,
  metricSpec,
  nodeTimelineSpec,
  roleColors,
  spaceTimeSpec,
  speedupSpec,
  svgToPng,
  timelineKeys,
  type VegaLiteSpec,
} from 'distlab/plot';
import { runTest } from 'distlab/testing';
import { raftLab } from '../labs/raft/lab';
import * as skeleton from '../labs/raft/raft';
import { busyWorld } from './fixtures/runtime/busy-world';
import { dataItems, legendOf, readabilityProblems, sceneOf, type ReadabilityRules, type Scene } from './fixtures/plot-scene';

async function readable(spec: VegaLiteSpec | object, rules: ReadabilityRules = {}): Promise<Scene> {
  const scene = await sceneOf(spec as VegaLiteSpec);
  expect(readabilityProblems(scene, rules)).toEqual([]);
  expect(svgToPng(scene.svg).length).toBeGreaterThan(1000);
  return scene;
}

/** The colour a spec's layers give `key` (role, down, partition side), from its explicit scale. */
function colorOf(spec: object, key: string): string | undefined {
  const layers = (spec as { layer: Array<{ encoding?: { color?: { scale?: { domain?: string[]; range?: string[] } } } }> }).layer;
  for (const layer of layers) {
    const scale = layer.encoding?.color?.scale;
    const index = scale?.domain?.indexOf(key) ?? -1;
    if (scale?.range !== undefined && index >= 0) return scale.range[index];
  }
  return undefined;
}

/** Notebook 00's world: a leader pushing a counter to two followers, a partition, a crash. */
async function tourWorld(): Promise<World> {
  const world = new World({ seed: 1, reporter: null, network: { latency: { msMin: 2, msMax: 10 } } });
  world.addNode('n1', (ctx) => {
    ctx.role('leader', 1);
    void (async () => {
      for (let round = 1; round <= 30; round++) {
        await ctx.sleep(40);
        ctx.metric('counter', round);
        for (const peer of ['n2', 'n3']) void ctx.call(peer, 'Push', { value: round });
      }
    })();
    return {};
  });
  for (const id of ['n2', 'n3']) {
    world.addNode(id, (ctx) => {
      let value = 0;
      ctx.role('follower', 1);
      ctx.metric('counter', value);
      ctx.serve('Push', (args: { value: number }) => {
        value = Math.max(value, args.value);
        ctx.metric('counter', value);
        return { value };
      });
      return {};
    });
  }
  await world.runFor(300);
  world.network.partition([['n1', 'n2'], ['n3']]);
  await world.runFor(250);
  world.network.heal();
  world.crash('n2');
  await world.runFor(200);
  world.restart('n2');
  await world.runFor(500);
  return world;
}

describe('Plot: charts of a small run (notebook 00) read at a glance', () => {
  let world: World;
  beforeAll(async () => {
    world = await tourWorld();
  });

  it('Plot: node timeline has one short legend, terms inside their bars, and the shared role colours', async () => {
    const spec = nodeTimelineSpec(world.trace.events, { toMs: 1250 });
    const scene = await readable(spec, { labelsInsideBars: true });
    expect(legendOf(scene).labels).toEqual(['follower', 'leader', timelineKeys.down, 'partition: n1 n2', 'partition: n3']);
    expect(colorOf(spec, 'leader')).toBe(roleColors.leader);
    expect(colorOf(spec, 'follower')).toBe(roleColors.follower);
    expect(colorOf(spec, timelineKeys.down)).toBe(eventColors.down);
  });

  it('Plot: space-time diagram names drops, crashes and restarts in its legend', async () => {
    const scene = await readable(spaceTimeSpec(world.trace.events, { fromMs: 0, toMs: 1250 }));
    expect(legendOf(scene).labels).toEqual(expect.arrayContaining(['Push', 'request', 'reply', 'message dropped', 'crash', 'restart']));
  });

  it('Plot: metric chart draws one line per node', async () => {
    const scene = await readable(metricSpec(world.trace.events, { name: 'counter', toMs: 1250 }));
    expect(dataItems(scene, 'line').length).toBeGreaterThanOrEqual(3);
  });
});

describe('Plot: charts stay readable on a faulty run (busy world, 5 nodes, random nemesis)', () => {
  it('Plot: timeline legend stays short however many partitions the nemesis made', async () => {
    const world = await busyWorld(7);
    const faults = new Set(world.trace.events.filter((event) => event.type === 'net.fault').map((event) => JSON.stringify(event)));
    expect(faults.size).toBeGreaterThan(5);
    const scene = await readable(nodeTimelineSpec(world.trace.events), { labelsInsideBars: true });
    // More groups than a legend should list: each band says which side its node was on.
    expect(legendOf(scene).labels).toEqual(expect.arrayContaining([timelineKeys.majoritySide, timelineKeys.minoritySide]));
    await readable(spaceTimeSpec(world.trace.events, { fromMs: 1000, toMs: 1500 }));
  });
});

describe('Plot: the Raft skeleton (no election code yet) gets plots that say what is missing', () => {
  let plots: Array<{ title: string; spec: object }>;
  beforeAll(async () => {
    const test = raftLab.tests.find((candidate) => candidate.name === 'TestInitialElection3A');
    if (test === undefined) throw new Error('TestInitialElection3A is missing from the Raft lab');
    const { world, failure } = await runTest(raftLab, test, raftLab.implementationFrom({ ...skeleton }), 1);
    expect(failure).not.toBeNull();
    plots = raftLab.plots?.(world, failure) ?? [];
  });

  it('Plot: the role timeline marks the failure with a red rule and says what it is', async () => {
    const spec = plots[0]?.spec ?? {};
    const scene = await readable(spec, { labelsInsideBars: true });
    expect(JSON.stringify((spec as { title: unknown }).title)).toMatch(/red line at \d+ ms: FAILED \(liveness\)/);
    expect(dataItems(scene, 'rule').length).toBe(1);
    expect(colorOf(spec, 'follower')).toBe(roleColors.follower);
  });

  it('Plot: an empty commit-index chart and an empty message window say why they are empty', async () => {
    for (const plot of plots.slice(1)) {
      const scene = await readable(plot.spec);
      const notes = dataItems(scene, 'text').map((item) => item.text);
      expect(notes.join(' ')).toMatch(/^No (data|messages)/);
      expect(legendOf(scene).labels).toEqual([]);
    }
  });
});

describe('Plot: other chart functions', () => {
  it('Plot: speedup chart: the ideal is the dashed line and the legend says so', async () => {
    const points = [1, 2, 4, 8, 16].map((workers) => ({ workers, speedup: Math.min(workers, 4.5) }));
    const spec = speedupSpec(points, { title: 'Speedup' });
    const scene = await readable(spec);
    expect(legendOf(scene).labels).toEqual(['measured', idealSpeedupLabel]);
    expect(idealSpeedupLabel).toMatch(/dashed/);
    const dashes = JSON.stringify(spec).match(/"range":\[\[1,0\],\[6,4\]\]/);
    expect(dashes).not.toBeNull(); // measured solid, ideal dashed, in the legend's order
    expect(() => speedupSpec([{ workers: 0, speedup: 1 }])).toThrow(/workers > 0/);
  });

  it('Plot: history chart of a failed kv check', async () => {
    const file = join(__dirname, 'fixtures', 'linearizability', 'kv-bad.json');
    const history = parseJsonHistory(readFileSync(file, 'utf8'), builtinModel('kv'));
    const model = builtinModel('kv').create();
    await readable(historySpec(history, checkLinearizability(model, history.operations), { model }));
  });

  it('Plot: history chart of 300 short operations keeps position labels apart (only where they fit)', async () => {
    const operations = historyOf(
      Array.from({ length: 300 }, (_, index) => ({
        client: index % 50 === 0 ? 9 : index % 3, // client 9: a few slow writes, wide enough for a label
        input: { kind: 'write', value: index },
        output: null,
        callMs: index * 10,
        returnMs: index * 10 + (index % 50 === 0 ? 150 : 8),
      })),
    );
    const scene = await readable(historySpec(operations, checkLinearizability(casRegisterModel(), operations), { model: casRegisterModel() }));
    const labels = dataItems(scene, 'text');
    expect(labels.length).toBeGreaterThan(0); // the long operations keep their position
    expect(labels.length).toBeLessThan(20);
  });
});
