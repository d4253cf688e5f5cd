/**
 * Builds every generated notebook of the checkout from its markdown source (source.ts):
 *
 *   notebooks/src/<path>.md         -> notebooks/<path>.ipynb (lecture notebooks)
 *   <anything>.notebook.md under grading/ or labs/ -> the targets its front matter names: the
 *                                      student notebook (solution regions stripped), the
 *                                      instructor notebook (regions kept) and stripped skeletons.
 *
 * Output is deterministic text (Jupyter's layout, no outputs), so a check can compare it with
 * what is committed: `npm run notebooks -- --check` (scripts/build-notebooks.ts, also run by
 * test/notebook-build.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notebookText, toSourceLines, type Notebook, type NotebookCell } from '../ipynb';
import { namedRegion, namedRegions, stripSolutions, withoutExports, withoutImports } from './regions';
import { NotebookSourceError, parseNotebookSource, type DraftCell, type NotebookSource } from './source';
import { translatedCells } from './translation';

/** One file a source produces. */
export interface BuildOutput {
  /** Repository-relative paths. */
  readonly source: string;
  readonly target: string;
  readonly kind: 'notebook' | 'instructor' | 'skeleton';
  readonly text: string;
}

type Version = 'student' | 'instructor';

const notebookMetadata = {
  kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
  language_info: { codemirror_mode: { mode: 'typescript' }, file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
};
const lectureSources = path.join('notebooks', 'src');
const skippedFolders = new Set(['node_modules', 'dist', '.git', '.venv', '.jupyter-local', 'artifacts']);

function readRepoFile(root: string, relative: string, from: string): string {
  const absolute = path.join(root, relative);
  if (!fs.existsSync(absolute)) throw new NotebookSourceError(`${from}: ${relative} does not exist (paths are relative to the repository root)`);
  return fs.readFileSync(absolute, 'utf8');
}

/**
 * `// include: PATH[#REGION][; student: PATH[#REGION]]`: the second form gives students other
 * code (e.g. a hand-written skeleton) where instructors get the reference.
 */
const includeLine = /^\/\/ include: (\S+?)(?:#(\S+?))?(?:;\s*student: (\S+?)(?:#(\S+))?)?\s*$/;

/** The code an include brings in: a named region, or the whole file without imports. */
function includedCode(root: string, file: string, name: string | undefined, version: Version, where: string): string {
  const content = readRepoFile(root, file, where);
  if (name === undefined) return version === 'student' ? stripSolutions(withoutImports(content), null, file) : withoutImports(content);
  const region = namedRegion(content, name, file);
  const code = withoutExports(region.code);
  return version === 'student' ? stripSolutions(code, region.part, `${file}#${name}`) : code;
}

/** A code cell's text with `// include:` lines replaced (and, for students, solutions stripped). */
function codeCellText(root: string, text: string, version: Version, where: string): string {
  const lines = text.split('\n').map((line) => {
    const include = includeLine.exec(line);
    if (include === null) return line;
    const [, file, name, studentFile, studentName] = include as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    return version === 'student' && studentFile !== undefined
      ? includedCode(root, studentFile, studentName, version, where)
      : includedCode(root, file, name, version, where);
  });
  const joined = lines.join('\n');
  return version === 'student' ? stripSolutions(joined, null, where) : joined;
}

/** The notebook for parsed cells, with stable cell ids `<prefix>-<nn>`. */
export function notebookFromCells(cells: readonly DraftCell[], idPrefix: string): Notebook {
  const notebookCells: NotebookCell[] = cells.map((cell, index) => {
    const id = `${idPrefix}-${String(index).padStart(2, '0')}`;
    const source = toSourceLines(cell.text);
    return cell.kind === 'code'
      ? { cell_type: 'code', id, metadata: {}, source, execution_count: null, outputs: [] }
      : { cell_type: 'markdown', id, metadata: {}, source };
  });
  return { nbformat: 4, nbformat_minor: 5, metadata: notebookMetadata, cells: notebookCells };
}

function notebookVersion(root: string, source: NotebookSource, version: Version, idPrefix: string): string {
  const { instructor, imports } = source.frontMatter;
  const local = version === 'instructor' && instructor !== undefined && imports !== undefined
    ? (text: string) => importsFrom(text, path.posix.relative(path.posix.dirname(instructor), imports))
    : (text: string) => text;
  const cells = source.cells.map((cell, index) =>
    cell.kind === 'code' ? { kind: cell.kind, text: local(codeCellText(root, cell.text, version, `${source.file} code cell ${index}`)) } : cell,
  );
  return notebookText(notebookFromCells(cells, idPrefix));
}

/**
 * `import ... from './x'` lines pointed into `folder`: the instructor notebook sits in
 * grading/, where tslab cannot reach the lab's `.ts` files (it compiles only the notebook's
 * folder), so it imports the built lab instead and runs where it lives.
 */
function importsFrom(text: string, folder: string): string {
  return text.replace(/^(import .* from ['"])\.\/([^'"]+)(['"];?)$/gm, `$1${folder}/$2$3`);
}

/**
 * A student skeleton: the header block from the source, the file's imports (paths into
 * `labs/<lab>/` made local), then every named region with its solutions stripped.
 */
export function skeletonText(content: string, header: string, file: string): string {
  const local = (line: string): string => line.replace(/(['"])(\.\.\/)+labs\/[\w-]+\//, '$1./');
  const regions = namedRegions(content);
  const firstMarker = content.split('\n').findIndex((line) => line.startsWith('// notebook: '));
  const head = firstMarker === -1 ? content.split('\n') : content.split('\n').slice(0, firstMarker);
  const imports = head.filter((line) => line.startsWith('import ')).map(local);
  if (regions.length === 0) {
    const body = head.slice(head.findIndex((line) => line.startsWith('import '))).map(local).join('\n');
    return `${header}\n${stripSolutions(body, null, file).trimEnd()}\n`;
  }
  const body = regions.map((region) => `// notebook: ${region.name}${region.part === null ? '' : ` ${region.part}`}\n${stripSolutions(region.code, region.part, `${file}#${region.name}`)}`);
  return `${header}\n${imports.join('\n')}\n\n${body.join('\n\n')}\n`;
}

function defaultIdPrefix(relative: string): string {
  const base = path.basename(relative).replace(/(\.notebook)?\.md$/, '');
  const lecture = /^(\d+)-/.exec(base);
  return lecture !== null && relative.startsWith(lectureSources) ? `lecture-${lecture[1]}` : base;
}

/** What one source produces. `relative` is the source's repository-relative path. */
export function buildSource(root: string, relative: string): BuildOutput[] {
  const parsed = parseNotebookSource(fs.readFileSync(path.join(root, relative), 'utf8'), relative);
  const { frontMatter } = parsed;
  const original = frontMatter.code === undefined ? null : parseNotebookSource(readRepoFile(root, frontMatter.code, relative), frontMatter.code);
  const source = original === null ? parsed : { ...parsed, cells: translatedCells(original.cells, parsed.cells, relative, original.file) };
  const idPrefix = frontMatter.id ?? defaultIdPrefix(relative);
  const lectureTarget = relative.startsWith(lectureSources + path.sep) ? path.join('notebooks', path.relative(lectureSources, relative)).replace(/\.md$/, '.ipynb') : undefined;
  const notebook = frontMatter.notebook ?? lectureTarget;
  if (notebook === undefined) throw new NotebookSourceError(`${relative}: say where the notebook goes (front matter \`notebook: labs/<lab>/<lab>.ipynb\`)`);
  const outputs: BuildOutput[] = [{ source: relative, target: notebook, kind: 'notebook', text: notebookVersion(root, source, 'student', idPrefix) }];
  if (frontMatter.imports !== undefined && frontMatter.instructor === undefined) {
    throw new NotebookSourceError(`${relative}: \`imports: ${frontMatter.imports}\` applies to the instructor notebook only; name it (front matter \`instructor: ...\`) or drop the line`);
  }
  if (frontMatter.instructor !== undefined) {
    outputs.push({ source: relative, target: frontMatter.instructor, kind: 'instructor', text: notebookVersion(root, source, 'instructor', idPrefix) });
  }
  for (const skeleton of frontMatter.skeletons) {
    if (source.skeletonHeader === null) throw new NotebookSourceError(`${relative}: a skeleton needs a \`\`\`ts skeleton-header block (the doc comment that heads it)`);
    const content = readRepoFile(root, skeleton.source, relative);
    outputs.push({ source: relative, target: skeleton.target, kind: 'skeleton', text: skeletonText(content, source.skeletonHeader, skeleton.source) });
  }
  return outputs;
}

function findSources(root: string, relative: string, accept: (name: string) => boolean, found: string[]): void {
  const absolute = path.join(root, relative);
  if (!fs.existsSync(absolute)) return;
  for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory() && !skippedFolders.has(entry.name)) findSources(root, child, accept, found);
    else if (entry.isFile() && accept(entry.name)) found.push(child);
  }
}

/** Every notebook source of the checkout, sorted. */
export function notebookSources(root: string): string[] {
  const found: string[] = [];
  findSources(root, lectureSources, (name) => name.endsWith('.md'), found);
  for (const top of ['labs', 'grading']) findSources(root, top, (name) => name.endsWith('.notebook.md'), found);
  return found.sort();
}

/** Every output of every source. */
export function allBuildOutputs(root: string): BuildOutput[] {
  return notebookSources(root).flatMap((source) => buildSource(root, source));
}

/** Outputs whose committed text differs from what their source produces. */
export function staleOutputs(root: string, outputs: readonly BuildOutput[] = allBuildOutputs(root)): BuildOutput[] {
  return outputs.filter((output) => {
    const file = path.join(root, output.target);
    return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== output.text;
  });
}

/** Writes the outputs that changed; returns their paths. */
export function writeOutputs(root: string, outputs: readonly BuildOutput[] = allBuildOutputs(root)): string[] {
  const stale = staleOutputs(root, outputs);
  for (const output of stale) {
    fs.mkdirSync(path.dirname(path.join(root, output.target)), { recursive: true });
    fs.writeFileSync(path.join(root, output.target), output.text, 'utf8');
  }
  return stale.map((output) => output.target);
}
