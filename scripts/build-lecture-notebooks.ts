/**
 * Builds lecture notebooks from their editable sources: `notebooks/src/<name>.md` becomes
 * `notebooks/<name>.ipynb` (tslab kernel, no outputs). In a source, every fenced block opened
 * with ```ts is one code cell; the markdown between two code blocks is one markdown cell, and a
 * line `<!-- cell -->` splits markdown into two cells.
 *
 *   npx tsx scripts/build-lecture-notebooks.ts          # write the notebooks
 *   npx tsx scripts/build-lecture-notebooks.ts --check  # exit 1 if a committed notebook is stale
 *
 * The check is also run by test/lecture-notebooks.test.ts, so CI fails when someone edits a
 * source and forgets to rebuild (or edits the .ipynb by hand and forgets the source).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toSourceLines, type Notebook, type NotebookCell } from '../src/notebook/ipynb';

const root = path.resolve(__dirname, '..');
export const lectureSourceDir = path.join(root, 'notebooks', 'src');
export const lectureNotebookDir = path.join(root, 'notebooks');

const metadata = {
  kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
  language_info: {
    codemirror_mode: { mode: 'typescript' },
    file_extension: '.ts',
    mimetype: 'text/typescript',
    name: 'typescript',
  },
};

const cellSplit = '<!-- cell -->';
const codeOpen = /^```ts\s*$/;
const codeClose = /^```\s*$/;
/** Sources are small; a longer one is a mistake (e.g. an unclosed fence swallowing the file). */
const sourceLinesMax = 2_000;

interface DraftCell {
  readonly kind: 'markdown' | 'code';
  readonly text: string;
}

/** Splits a source into cells; throws with the line number on an unclosed code fence. */
export function parseLectureSource(text: string, file: string): DraftCell[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > sourceLinesMax) throw new Error(`${file}: ${lines.length} lines, over sourceLinesMax (${sourceLinesMax})`);
  const cells: DraftCell[] = [];
  let markdown: string[] = [];
  const flushMarkdown = (): void => {
    const body = markdown.join('\n').trim();
    if (body.length > 0) cells.push({ kind: 'markdown', text: body });
    markdown = [];
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (line.trim() === cellSplit) {
      flushMarkdown();
      continue;
    }
    if (!codeOpen.test(line)) {
      markdown.push(line);
      continue;
    }
    flushMarkdown();
    const code: string[] = [];
    const opened = index + 1;
    index += 1;
    while (index < lines.length && !codeClose.test(lines[index] as string)) {
      code.push(lines[index] as string);
      index += 1;
    }
    if (index >= lines.length) throw new Error(`${file}:${opened}: a \`\`\`ts block is never closed`);
    cells.push({ kind: 'code', text: code.join('\n').trimEnd() });
  }
  flushMarkdown();
  return cells;
}

/** The notebook for one source, with stable cell ids `<prefix>-<n>`. */
export function lectureNotebook(cells: readonly DraftCell[], idPrefix: string): Notebook {
  const notebookCells: NotebookCell[] = cells.map((cell, index) => {
    const id = `${idPrefix}-${String(index).padStart(2, '0')}`;
    const source = toSourceLines(cell.text);
    return cell.kind === 'code'
      ? { cell_type: 'code', id, metadata: {}, source, execution_count: null, outputs: [] }
      : { cell_type: 'markdown', id, metadata: {}, source };
  });
  return { nbformat: 4, nbformat_minor: 5, metadata, cells: notebookCells };
}

/** The notebook file's exact text (Jupyter's layout: sorted keys, one-space indent). */
export function notebookText(notebook: Notebook): string {
  return `${JSON.stringify(sortKeys(notebook), null, 1)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}

export interface LectureBuild {
  readonly source: string;
  readonly target: string;
  readonly text: string;
}

/** Every source in notebooks/src and the notebook text it should produce. */
export function lectureBuilds(): LectureBuild[] {
  return fs
    .readdirSync(lectureSourceDir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => {
      const source = path.join(lectureSourceDir, name);
      const base = name.replace(/\.md$/, '');
      const idPrefix = base.replace(/^(\d+)-.*$/, 'lecture-$1');
      const cells = parseLectureSource(fs.readFileSync(source, 'utf8'), path.relative(root, source));
      return { source, target: path.join(lectureNotebookDir, `${base}.ipynb`), text: notebookText(lectureNotebook(cells, idPrefix)) };
    });
}

/** Notebooks whose committed text differs from what their source produces. */
export function staleLectureNotebooks(): string[] {
  return lectureBuilds()
    .filter((build) => !fs.existsSync(build.target) || fs.readFileSync(build.target, 'utf8') !== build.text)
    .map((build) => path.relative(root, build.target));
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = staleLectureNotebooks();
    if (stale.length > 0) {
      process.stderr.write(`stale lecture notebooks (run \`npx tsx scripts/build-lecture-notebooks.ts\`): ${stale.join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write('lecture notebooks are up to date\n');
    return;
  }
  for (const build of lectureBuilds()) {
    fs.writeFileSync(build.target, build.text, 'utf8');
    process.stdout.write(`wrote ${path.relative(root, build.target)}\n`);
  }
}

if (require.main === module) main();
