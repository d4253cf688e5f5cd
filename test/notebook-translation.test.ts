// Translated lecture notebooks (notebooks/src/zh/) share the original's code cells; the builder's
// translation pass (src/notebook/build/translation.ts) must refuse a translation that drifted.
import { describe, expect, it } from 'vitest';
import { parseNotebookSource, translatedCells } from '../src/notebook/build';

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
});
