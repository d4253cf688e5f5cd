import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NotebookFormatError,
  cellSource,
  codeCells,
  parseNotebook,
  readNotebook,
  toSourceLines,
  writeNotebook,
} from 'distlab/notebook';

const root = path.resolve(__dirname, '..');

function notebookJson(cells: unknown[]): Record<string, unknown> {
  return { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'tslab' } }, cells };
}

describe('parseNotebook', () => {
  it('Notebook: the tour parses, with tslab kernel metadata and code cells indexed among all cells', () => {
    const notebook = readNotebook(path.join(root, 'notebooks', '00-runtime-tour.ipynb'));
    expect(notebook.metadata.kernelspec).toEqual({ name: 'tslab', display_name: 'TypeScript', language: 'typescript' });
    const cells = codeCells(notebook);
    expect(cells.length).toBeGreaterThan(3);
    expect(cells[0]?.source).toContain('from "distlab"');
    for (const cell of cells) expect(notebook.cells[cell.index]?.cell_type).toBe('code');
  });

  it('Notebook: committed notebooks carry no outputs', () => {
    for (const name of fs.readdirSync(path.join(root, 'notebooks')).filter((file) => file.endsWith('.ipynb'))) {
      const notebook = readNotebook(path.join(root, 'notebooks', name));
      for (const cell of notebook.cells) {
        if (cell.cell_type === 'code') expect(cell.outputs, `${name}: outputs committed`).toEqual([]);
      }
    }
  });

  it('Notebook: a bad cell is reported with the file, the cell index and the problem', () => {
    const json = notebookJson([
      { cell_type: 'markdown', metadata: {}, source: 'ok' },
      { cell_type: 'code', metadata: {}, source: 42, outputs: [] },
    ]);
    expect(() => parseNotebook(json, 'x.ipynb')).toThrow(NotebookFormatError);
    expect(() => parseNotebook(json, 'x.ipynb')).toThrow(/^x\.ipynb: cell 1: source: /);
    expect(() => parseNotebook(notebookJson([{ cell_type: 'widget', source: '' }]), 'y.ipynb')).toThrow(
      /y\.ipynb: cell 0: cell_type/,
    );
  });

  it('Notebook: other nbformat versions and non-notebooks are refused with the reason', () => {
    expect(() => parseNotebook({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }, 'old.ipynb')).toThrow(
      /old\.ipynb: not an nbformat 4 notebook \(nbformat 3; only version 4 is supported\)/,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-ipynb-'));
    const file = path.join(dir, 'broken.ipynb');
    fs.writeFileSync(file, '{ not json');
    expect(() => readNotebook(file)).toThrow(/broken\.ipynb: not valid JSON/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Notebook: code cells expose source (string or lines), metadata and tags', () => {
    const notebook = parseNotebook(
      notebookJson([
        { cell_type: 'code', metadata: { tags: ['solution', 3] }, source: ['a\n', 'b'], outputs: [], execution_count: 2 },
        { cell_type: 'raw', metadata: {}, source: 'r' },
        { cell_type: 'code', metadata: {}, source: 'c' },
      ]),
      'z.ipynb',
    );
    expect(codeCells(notebook)).toEqual([
      { index: 0, source: 'a\nb', metadata: { tags: ['solution', 3] }, tags: ['solution'] },
      { index: 2, source: 'c', metadata: {}, tags: [] },
    ]);
    expect(cellSource(notebook.cells[1] ?? { cell_type: 'raw', source: '', metadata: {} })).toBe('r');
    expect(toSourceLines('x\ny\n\nz')).toEqual(['x\n', 'y\n', '\n', 'z']);
  });
});

describe('writeNotebook', () => {
  it('Notebook: writing strips outputs and execution counts and keeps everything else', () => {
    const notebook = parseNotebook(
      notebookJson([
        {
          cell_type: 'code',
          id: 'c1',
          metadata: { tags: ['t'] },
          source: ['1 + 1'],
          execution_count: 7,
          outputs: [{ output_type: 'stream', name: 'stdout', text: '2\n' }],
        },
        { cell_type: 'markdown', id: 'm1', metadata: {}, source: '# hi' },
      ]),
      'w.ipynb',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-ipynb-'));
    const file = path.join(dir, 'w.ipynb');
    writeNotebook(file, notebook);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const again = readNotebook(file);
    expect(again.cells[0]).toMatchObject({ id: 'c1', outputs: [], execution_count: null, metadata: { tags: ['t'] } });
    expect(again.cells[1]).toMatchObject({ id: 'm1', source: '# hi' });
    expect(again.metadata).toEqual({ kernelspec: { name: 'tslab' } });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
