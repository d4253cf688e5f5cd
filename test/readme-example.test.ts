/**
 * The README promises a cell anyone can paste into a notebook. Paste it: execute it as the only
 * cell of a notebook through Jupyter with the tslab kernel, and check it ran and printed a trace.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeNotebook } from '../src/notebook';

const root = resolve(__dirname, '..');

function readmeCell(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (match === null) throw new Error('README.md has no ```ts block: the paste-able example is missing');
  return match[1] as string;
}

describe('README', () => {
  it('README: lists every notebook under notebooks/ by file name', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const notebooks = readdirSync(join(root, 'notebooks')).filter((name) => name.endsWith('.ipynb'));
    expect(notebooks.length).toBeGreaterThan(0);
    expect(notebooks.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('README: the example cell runs in a notebook and prints a deterministic trace', async () => {
    const source = readmeCell();
    expect(source.split('\n').length).toBeLessThanOrEqual(25);
    // A folder inside the checkout, so `distlab` resolves as it does for notebooks/.
    const folder = join(root, '.readme-check');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    try {
      const notebook = {
        cells: [source, source].map((cell) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: cell })),
        metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      const file = join(folder, 'readme.ipynb');
      writeFileSync(file, JSON.stringify(notebook));
      const run = await executeNotebook(file, { cellTimeoutMs: 60_000 });
      expect(run.failures.map((cell) => cell.stderr)).toEqual([]);
      const [first, second] = run.cells.map((cell) => cell.stdout);
      expect(first).toMatch(/server CRASH/);
      expect(first).toMatch(/server restart/);
      expect(first).toMatch(/trace [0-9a-f]{64}/);
      expect(second).toBe(first); // same seed, same trace, bit for bit
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
