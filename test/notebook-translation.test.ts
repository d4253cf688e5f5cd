// Translated lecture notebooks (notebooks/src/zh/) share the original's code cells; the builder's
// translation pass (src/notebook/build/translation.ts) must refuse a translation that drifted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNotebookSource, translatedCells } from '../src/notebook/build';
import { renderLibraries } from '../src/plot/render';

const root = path.resolve(__dirname, '..');

const original = parseNotebookSource('# Title\n\n```ts\nconst a = 1;\n```\nText.\n\n```ts\nshow(spec, { title: "Appends" });\n```\n', 'en.md').cells;

describe('notebook translations', () => {
  it('Translations: prose is the translation\'s own, code is the original\'s with the listed strings replaced', () => {
    const translation = parseNotebookSource('# 标题\n\n```ts\n```\n文字。\n\n```ts\n"Appends" => "追加"\n```\n', 'zh.md').cells;
    expect(translatedCells(original, translation, 'zh.md', 'en.md')).toEqual([
      { kind: 'markdown', text: '# 标题' },
      { kind: 'code', text: 'const a = 1;' },
      { kind: 'markdown', text: '文字。' },
      { kind: 'code', text: 'show(spec, { title: "追加" });' },
    ]);
  });

  it('Translations: a missing code block, a replacement the code no longer has, or a bad line is an error naming the block', () => {
    const oneBlock = parseNotebookSource('```ts\n```\n', 'zh.md').cells;
    expect(() => translatedCells(original, oneBlock, 'zh.md', 'en.md')).toThrow(/zh.md: 1 code blocks, but en.md has 2 code cells/);
    const stale = parseNotebookSource('```ts\n```\n```ts\n"Appended" => "追加"\n```\n', 'zh.md').cells;
    expect(() => translatedCells(original, stale, 'zh.md', 'en.md')).toThrow(/zh.md code block 2: "Appended" is not in code cell 2 of en.md/);
    const bad = parseNotebookSource('```ts\n```\n```ts\nAppends => 追加\n```\n', 'zh.md').cells;
    expect(() => translatedCells(original, bad, 'zh.md', 'en.md')).toThrow(/zh.md code block 2: write each replacement as "original text" => "translated text"/);
  });
});

describe('the Chinese lecture notebooks', () => {
  it.each(['01-introduction-and-mapreduce', '02-threads-and-rpc', '03-gfs'])('Translations: seed lecture %s has a Chinese version sharing its code, charts relabelled, no prose left in English', (name) => {
    const english = parseNotebookSource(fs.readFileSync(path.join(root, 'notebooks', 'src', `${name}.md`), 'utf8'), `${name}.md`);
    const chinese = parseNotebookSource(fs.readFileSync(path.join(root, 'notebooks', 'src', 'zh', `${name}.md`), 'utf8'), `zh/${name}.md`);
    expect(chinese.frontMatter.code).toBe(`notebooks/src/${name}.md`);
    const cells = translatedCells(english.cells, chinese.cells, `zh/${name}.md`, `${name}.md`);
    const code = cells.filter((cell) => cell.kind === 'code');
    expect(code).toHaveLength(english.cells.filter((cell) => cell.kind === 'code').length);
    // Every chart goes through withLabels(spec, chartLabelsZh): the first cell redefines show.
    expect(code[0]?.text).toMatch(/const show = \(spec: VegaLiteSpec\) => showChart\(withLabels\(spec, chartLabelsZh\)\);/);
    // Each markdown cell is Chinese prose (code names and terms in parentheses aside).
    for (const cell of cells.filter((candidate) => candidate.kind === 'markdown')) expect(cell.text, cell.text.slice(0, 80)).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('withLabels', () => {
  it('Translations: withLabels translates chart, axis and legend titles and leaves data values alone', async () => {
    const { spaceTimeSpec, withLabels, chartLabelsZh } = await import('distlab/plot');
    const { World } = await import('distlab');
    const world = new World({ seed: 1 });
    world.addNode('b', () => ({}));
    world.addNode('a', (ctx) => { ctx.send('b', 'Ping', {}); return {}; });
    await world.runFor(50);
    const spec = spaceTimeSpec(world.trace.events, { fromMs: 0, toMs: 50 });
    const text = JSON.stringify(withLabels(spec, chartLabelsZh));
    expect(text).toContain('虚拟时间（毫秒）');
    expect(text).not.toContain('"virtual time (ms)"');
    expect(JSON.stringify(withLabels(spec, {}))).toEqual(JSON.stringify(spec));
  });

  it('Translations: withLabels translates the legend entries the built-in charts write, whole or by prefix, and keeps data values', async () => {
    const { nodeTimelineSpec, speedupSpec, renderSvg, withLabels, chartLabelsZh } = await import('distlab/plot');
    const { World } = await import('distlab');
    const speedup = withLabels(speedupSpec([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 1.8 }]), chartLabelsZh);
    const speedupSvg = await renderSvg(speedup);
    expect(speedupSvg).toContain('理想（线性，虚线）');
    expect(speedupSvg).toContain('实测');
    expect(speedupSvg).not.toContain('>ideal (linear, dashed)<'); // the aria-label still lists the data values
    expect(JSON.stringify(speedup)).toContain('"series":"measured"');
    const world = new World({ seed: 1, reporter: null });
    for (const id of ['a', 'b']) world.addNode(id, (ctx) => { ctx.role('leader', 1); return {}; });
    await world.runFor(10);
    world.network.partition([['a'], ['b']]);
    await world.runFor(10);
    const timelineSvg = await renderSvg(withLabels(nodeTimelineSpec(world.trace.events, { fromMs: 0, toMs: 20 }), chartLabelsZh));
    expect(timelineSvg).toContain('分区：a');
    expect(timelineSvg).not.toContain('>partition: a<');
    expect(timelineSvg).toContain('>leader<');
  });

  it('Translations: the SVG layout measures a Chinese character as 1 em (else a legend entry runs into the next), Latin text as before', () => {
    const vega = renderLibraries().vega as unknown as { textMetrics: { width: (item: object, text: string) => number } };
    expect(vega.textMetrics.width({ fontSize: 10 }, '工作节点崩溃')).toBe(60);
    expect(vega.textMetrics.width({ fontSize: 10 }, '分区：a b')).toBe(30 + 24);
    expect(vega.textMetrics.width({ fontSize: 10 }, 'worker crash')).toBe(96);
    expect(vega.textMetrics.width({ fontSize: 10, limit: 40 }, '工作节点崩溃')).toBe(40);
  });
});
