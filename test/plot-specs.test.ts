import { describe, expect, it } from 'vitest';
import * as vl from 'vega-lite';
import { metricSpec, nodeTimelineSpec, renderSvg, spaceTimeSpec, svgToPng, type VegaLiteSpec } from 'distlab/plot';
import { fixtureTrace } from './fixtures/plot-trace';

type Rows = Array<Record<string, unknown>>;

/** The inline data rows of layer `index` (or of a single-view spec). */
function layerRows(spec: VegaLiteSpec, index?: number): Rows {
  const record = spec as { layer?: Array<{ data: { values: Rows } }>; data?: { values: Rows } };
  if (index === undefined) return record.data?.values ?? [];
  return record.layer?.[index]?.data.values ?? [];
}

async function expectRenders(spec: VegaLiteSpec): Promise<void> {
  expect(() => vl.compile(spec)).not.toThrow();
  const svg = await renderSvg(spec);
  expect(svg.startsWith('<svg')).toBe(true);
  const png = svgToPng(svg);
  expect(Array.from(png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  expect(png.length).toBeGreaterThan(1000);
}

describe('spaceTimeSpec', () => {
  it('Plot: space-time diagram of a small trace compiles and renders', async () => {
    const spec = spaceTimeSpec(fixtureTrace(), { fromMs: 0, toMs: 700 });
    await expectRenders(spec);
    expect(layerRows(spec, 1)).toHaveLength(3); // delivered messages
    expect(layerRows(spec, 3).filter((row) => row.event === 'message dropped')).toEqual([
      expect.objectContaining({ node: 'a', atMs: 150, method: 'RequestVote' }), // drop at the send point
    ]);
    expect(layerRows(spec, 3).filter((row) => row.event !== 'message dropped').map((row) => row.event)).toEqual(['crash', 'restart']);
    expect((spec as { description: string }).description).toContain('1 drops');
  });

  it('Plot: space-time diagram caps arrows and says so (arrowsMax 1)', async () => {
    const spec = spaceTimeSpec(fixtureTrace(), { fromMs: 0, toMs: 700, arrowsMax: 1 });
    expect(layerRows(spec, 1)).toHaveLength(1);
    expect(JSON.stringify((spec as { title: unknown }).title)).toContain('first 1 of 3 messages');
    await expectRenders(spec);
  });

  it('Plot: space-time diagram keeps only the window and the chosen lanes', () => {
    const spec = spaceTimeSpec(fixtureTrace(), { fromMs: 175, toMs: 700, nodes: ['a', 'c'] });
    expect(layerRows(spec, 1)).toEqual([expect.objectContaining({ method: 'AppendEntries' })]);
    expect(() => spaceTimeSpec(fixtureTrace(), { fromMs: 10, toMs: 5 })).toThrow(/fromMs <= toMs/);
  });

  it('Plot: space-time diagram of an empty trace still renders', async () => {
    await expectRenders(spaceTimeSpec([], { fromMs: 0, toMs: 100 }));
  });
});

describe('nodeTimelineSpec', () => {
  it('Plot: node timeline shows roles with terms, down periods and partition groups', async () => {
    const spec = nodeTimelineSpec(fixtureTrace());
    await expectRenders(spec);
    const down = layerRows(spec, 0);
    expect(down).toEqual([expect.objectContaining({ node: 'c', startMs: 400, endMs: 500 })]);
    const partitions = layerRows(spec, 1);
    // One split: the legend names each group (many splits: the side, see plot-visual).
    expect(partitions.map((row) => [row.node, row.key, row.groups, row.startMs, row.endMs])).toEqual([
      ['a', 'partition: a', '[a] [b c]', 300, 600],
      ['b', 'partition: b c', '[a] [b c]', 300, 600],
      ['c', 'partition: b c', '[a] [b c]', 300, 600],
    ]);
    const roles = layerRows(spec, 2).filter((row) => row.node === 'a');
    expect(roles.map((row) => [row.role, row.label, row.startMs, row.endMs])).toEqual([
      ['follower', 'T0', 0, 150],
      ['candidate', 'T1', 150, 171],
      ['leader', 'T1', 171, 700],
    ]);
    // c's follower segment ends at its crash; a new one starts after restart.
    const rolesOfC = layerRows(spec, 2).filter((row) => row.node === 'c');
    expect(rolesOfC.map((row) => [row.startMs, row.endMs])).toEqual([[0, 400], [500, 700]]);
  });

  it('Plot: a mark at a fractional virtual time is named in whole milliseconds in the subtitle', () => {
    const spec = nodeTimelineSpec(fixtureTrace(), { marks: [{ atMs: 214.26880707163593, node: 'a', label: 'two leaders in term 1' }] });
    const title = JSON.stringify((spec as { title: unknown }).title);
    expect(title).toContain('red line at 214 ms: two leaders in term 1');
    expect(title).not.toMatch(/214\.\d/);
  });

  it('Plot: node timeline clips to a window', () => {
    const spec = nodeTimelineSpec(fixtureTrace(), { fromMs: 450, toMs: 550 });
    expect(layerRows(spec, 0)).toEqual([expect.objectContaining({ startMs: 450, endMs: 500 })]);
  });
});

describe('metricSpec', () => {
  it('Plot: metric step lines hold the last value to the end of the window', async () => {
    const spec = metricSpec(fixtureTrace(), { name: 'commitIndex' });
    await expectRenders(spec);
    const rows = layerRows(spec, 0).filter((row) => row.node === 'a');
    expect(rows.map((row) => [row.atMs, row.value])).toEqual([[200, 1], [650, 3], [700, 3]]);
  });

  it('Plot: metric carries a value reported before the window into it', () => {
    const spec = metricSpec(fixtureTrace(), { name: 'commitIndex', fromMs: 300, toMs: 700 });
    const rows = layerRows(spec, 0).filter((row) => row.node === 'a');
    expect(rows.map((row) => [row.atMs, row.value])).toEqual([[300, 1], [650, 3], [700, 3]]);
  });

  it('Plot: metric line of a crashed node ends at the crash and resumes when it reports again', () => {
    const events = fixtureTrace();
    const extra = [
      { type: 'node.metric', node: 'c', name: 'commitIndex', value: 1, atMs: 350, seq: 1000 },
    ] as const;
    const merged = [...events.filter((event) => event.atMs < 350), ...extra, ...events.filter((event) => event.atMs >= 350)];
    const spec = metricSpec(merged, { name: 'commitIndex' });
    const rows = layerRows(spec, 0).filter((row) => row.node === 'c');
    // c reported 1 at 350, crashed at 400 and never reported again: its line ends at the crash.
    expect(rows.map((row) => [row.atMs, row.value, row.segment])).toEqual([[350, 1, 'c#0'], [400, 1, 'c#0']]);
  });

  it('Plot: metric with no matching events says so', async () => {
    const spec = metricSpec(fixtureTrace(), { name: 'nothing' });
    expect((spec as { description: string }).description).toContain('no node reported a "nothing" metric');
    await expectRenders(spec);
  });
});
