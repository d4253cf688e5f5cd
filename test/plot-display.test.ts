import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  __unsafe_setDisplayWriter,
  htmlPage,
  kernelDisplayWriter,
  show,
  showTable,
  spaceTimeSpec,
  type DisplayBundle,
} from 'distlab/plot';
import { fixtureTrace } from './fixtures/plot-trace';

afterEach(() => {
  __unsafe_setDisplayWriter(undefined);
  vi.restoreAllMocks();
});

describe('show', () => {
  it('Display: inside a kernel a plot is one bundle with Vega-Lite, SVG, PNG and text', async () => {
    const bundles: DisplayBundle[] = [];
    __unsafe_setDisplayWriter((bundle) => bundles.push(bundle));
    const spec = spaceTimeSpec(fixtureTrace(), { fromMs: 0, toMs: 700 });
    await show(spec, { summary: 'three nodes' });
    expect(bundles).toHaveLength(1);
    const bundle = bundles[0] ?? {};
    expect(Object.keys(bundle).sort()).toEqual([
      'application/vnd.vegalite.v5+json',
      'image/png',
      'image/svg+xml',
      'text/plain',
    ]);
    expect(bundle['application/vnd.vegalite.v5+json']).toBe(spec); // the object, not a JSON string
    expect(String(bundle['image/svg+xml'])).toMatch(/^<svg/);
    const png = Buffer.from(String(bundle['image/png']), 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(String(bundle['text/plain'])).toContain('three nodes');
  });

  it('Display: the summary defaults to the spec description', async () => {
    const bundles: DisplayBundle[] = [];
    __unsafe_setDisplayWriter((bundle) => bundles.push(bundle));
    await show(spaceTimeSpec(fixtureTrace(), { fromMs: 0, toMs: 700 }));
    expect(String(bundles[0]?.['text/plain'])).toMatch(/^space-time diagram: 3 nodes/);
  });

  it('Display: outside a kernel only the text summary is printed', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(kernelDisplayWriter()).toBeNull(); // vitest is not a tslab kernel
    await show(spaceTimeSpec(fixtureTrace(), { fromMs: 0, toMs: 700 }), { summary: 'plain node' });
    expect(write).toHaveBeenCalledWith('plain node\n');
  });
});

describe('kernelDisplayWriter', () => {
  it("Display: inside tslab's kernel the bundle goes through its per-cell display-data writer", async () => {
    // Simulate the kernel: tslab/dist/jupyter is loaded and holds the current cell's writer.
    const nodeRequire = createRequire(__filename);
    const file = nodeRequire.resolve('tslab/dist/jupyter');
    const calls: unknown[][] = [];
    const lastWriteDisplayData = (...args: unknown[]): number => calls.push(args);
    const fake = { id: file, filename: file, loaded: true, exports: { lastWriteDisplayData } };
    nodeRequire.cache[file] = fake as unknown as NodeJS.Module;
    try {
      const writer = kernelDisplayWriter();
      expect(writer).not.toBeNull();
      await show(spaceTimeSpec(fixtureTrace(), { fromMs: 0, toMs: 700 }), { summary: 'in a kernel' });
      expect(calls).toHaveLength(1);
      const [message, update] = calls[0] ?? [];
      expect(update).toBe(false);
      expect(message).toMatchObject({ metadata: {}, transient: {}, data: { 'text/plain': 'in a kernel' } });
      expect(Object.keys((message as { data: object }).data)).toHaveLength(4);
    } finally {
      delete nodeRequire.cache[file];
    }
  });
});

describe('showTable', () => {
  it('Display: a table is HTML plus an aligned text twin, values escaped', () => {
    const bundles: DisplayBundle[] = [];
    __unsafe_setDisplayWriter((bundle) => bundles.push(bundle));
    showTable(
      [
        { test: 'TestInitialElection3A', verdict: 'pass', ms: 812 },
        { test: '<b>x</b>', verdict: 'fail' },
      ],
      { title: 'Raft 3A' },
    );
    const bundle = bundles[0] ?? {};
    expect(Object.keys(bundle).sort()).toEqual(['text/html', 'text/plain']);
    expect(String(bundle['text/html'])).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(String(bundle['text/html'])).toContain('<th style="text-align:left">verdict</th>');
    expect(String(bundle['text/plain']).split('\n')).toEqual([
      'Raft 3A',
      'test                   verdict  ms',
      '---------------------  -------  ---',
      'TestInitialElection3A  pass     812',
      '<b>x</b>               fail',
    ]);
  });
});

describe('htmlPage', () => {
  it('HTML: a page inlines the SVG, embeds the spec JSON and references no network resource', async () => {
    const spec = spaceTimeSpec(fixtureTrace(), { fromMs: 0, toMs: 700 });
    const page = await htmlPage({
      title: 'Run <seed 7>',
      sections: [{ heading: 'Messages', text: 'a </script> b', spec }, { heading: 'Results', table: [{ a: 1 }] }],
    });
    expect(page).toContain('<title>Run &lt;seed 7&gt;</title>');
    expect(page).toContain('<svg');
    const json = /<script type="application\/json" id="vega-lite-spec-0">([^<]*)<\/script>/.exec(page);
    expect(JSON.parse(json?.[1] ?? 'null')).toEqual(spec);
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(page).toContain('<td style="text-align:left">1</td>');
  });

  it('HTML: a page over the size cap stops with a note naming what was left out', async () => {
    const big = 'x'.repeat(2000);
    const page = await htmlPage({
      title: 'big',
      bytesMax: 5000,
      sections: [1, 2, 3, 4].map((index) => ({ heading: `part ${index}`, text: big })),
    });
    expect(page).toContain('part 2');
    expect(page).not.toContain('part 3</h2>');
    expect(page).toMatch(/Truncated: 2 of 4 sections omitted \(starting with "part 3"\)/);
    expect(Buffer.byteLength(page)).toBeLessThan(5000 + 400);
  });
});
