/**
 * `distlab release --out DIR`: the student handout and Gradescope's autograder.zip, from the
 * instructor checkout (one source of truth).
 *
 *   DIR/handout/        labs/, notebooks/, src/, docs, package files; every
 *                       `// BEGIN SOLUTION` ... `// END SOLUTION` region replaced by a
 *                       `// TODO: your code here` line; lab notebooks without outputs; no
 *                       grading/, and no file that imports it or names the reference.
 *   DIR/autograder.zip  setup.sh + run_autograder at the root, distlab/ beside them: the
 *                       built runtime, the labs, the grader, the hidden tests and configs
 *                       (never the reference solutions, mutants or fixtures).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from 'distlab/testing';
import { answerLines, auditAutograder } from './audit';
import { zipArchive, type ZipEntry } from './zip';

export interface ReleaseOptions {
  readonly out: string;
  /** The lab the autograder grades (default raft). */
  readonly lab?: string;
  /** The checkout (default: found from this file). */
  readonly root?: string;
  /**
   * Let run_autograder grade where the OS cannot contain the workers (a Gradescope image that
   * forbids `unshare --net`), with a WARNING at the top of every results.json. Default false:
   * such a machine refuses to grade and every results.json says why and how to opt in.
   */
  readonly allowInsecure?: boolean;
}

export interface ReleaseReport {
  readonly handout: string;
  readonly zip: string;
  readonly handoutFiles: number;
  readonly strippedRegions: number;
  readonly droppedFiles: readonly string[];
  readonly zipFiles: number;
}

export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}

/** Top-level entries of the handout; anything else (grading/, dist/, bench/) stays out. */
const handoutTop = ['README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.mts', '.gitignore', 'bin', 'src', 'labs', 'notebooks', 'docs', 'scripts', 'test'];
const skippedNames = new Set(['node_modules', 'dist', '.git', '.ipynb_checkpoints', '.jupyter-local', 'artifacts', 'traces']);
/** Outside src/, a file that reaches into grading/ is instructor material. */
const gradingReference = /(from\s+|require\(\s*|import\(\s*)['"][^'"]*\bgrading\/|\bgrading\/(solutions|hidden|mutants|config)\b|grading\.bench/;
const instructorDocs = new Set(['docs/grading.md']);

const regionBegin = /^(\s*)\/\/ BEGIN SOLUTION(?:\s*\((\S+)\))?\s*$/;
const regionEnd = /^\s*\/\/ END SOLUTION\s*$/;

/** Replaces each solution region by one `// TODO: your code here` line (indentation kept). */
export function stripSolutionRegions(code: string, where: string): { code: string; regions: number } {
  const out: string[] = [];
  let inside = false;
  let regions = 0;
  for (const line of code.split('\n')) {
    const begin = regionBegin.exec(line);
    if (begin !== null) {
      if (inside) throw new ReleaseError(`${where}: nested BEGIN SOLUTION`);
      inside = true;
      regions += 1;
      out.push(`${begin[1] ?? ''}// TODO: your code here${begin[2] === undefined ? '' : ` (${begin[2]})`}.`);
      continue;
    }
    if (regionEnd.test(line)) {
      if (!inside) throw new ReleaseError(`${where}: END SOLUTION without BEGIN SOLUTION`);
      inside = false;
      continue;
    }
    if (!inside) out.push(line);
  }
  if (inside) throw new ReleaseError(`${where}: BEGIN SOLUTION without END SOLUTION`);
  return { code: out.join('\n'), regions };
}

interface NotebookJson {
  cells: Array<{ cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }>;
}

/** A notebook with its code cells' regions stripped; lab notebooks lose their outputs too. */
export function stripNotebook(text: string, where: string, clearOutputs: boolean): { text: string; regions: number } {
  const notebook = JSON.parse(text) as NotebookJson;
  let regions = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const stripped = stripSolutionRegions(source, where);
    regions += stripped.regions;
    if (stripped.regions > 0) cell.source = stripped.code.split(/(?<=\n)/);
    if (clearOutputs || stripped.regions > 0) {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  return { text: `${JSON.stringify(notebook, null, 1)}\n`, regions };
}

function walk(root: string, relative: string, found: string[]): void {
  const absolute = path.join(root, relative);
  const stat = fs.lstatSync(absolute);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(absolute).sort()) {
      if (skippedNames.has(name)) continue;
      walk(root, path.posix.join(relative, name), found);
    }
    return;
  }
  if (stat.isFile()) found.push(relative);
}

/** Writes the student handout into `target`. */
export function writeHandout(root: string, target: string): { files: number; regions: number; dropped: string[] } {
  const files: string[] = [];
  for (const top of handoutTop) if (fs.existsSync(path.join(root, top))) walk(root, top, files);
  const dropped: string[] = [];
  let regions = 0;
  let written = 0;
  for (const relative of files) {
    const source = path.join(root, relative);
    let data: Buffer | string = fs.readFileSync(source);
    const textual = /\.(ts|js|mjs|cjs|mts|json|md|ipynb|py|sh|txt)$/.test(relative);
    if (textual) {
      const text = data.toString('utf8');
      const code = /\.(ts|js|mjs|cjs|mts|ipynb)$/.test(relative);
      if (instructorDocs.has(relative) || (code && !relative.startsWith('src/') && gradingReference.test(text))) {
        dropped.push(relative);
        continue;
      }
      if (relative.endsWith('.ipynb')) {
        const stripped = stripNotebook(text, relative, relative.startsWith('labs/'));
        regions += stripped.regions;
        data = stripped.text;
      } else if (!/\.test\.ts$/.test(relative) && /\.(ts|js)$/.test(relative)) {
        const stripped = stripSolutionRegions(text, relative);
        regions += stripped.regions;
        data = stripped.code;
      }
    }
    const destination = path.join(target, relative);
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    fs.writeFileSync(destination, data);
    fs.chmodSync(destination, fs.statSync(source).mode & 0o777);
    written += 1;
  }
  return { files: written, regions, dropped };
}

/** Fails when anything in the handout is a solution region or grading material. */
export function checkHandout(target: string): string[] {
  const problems: string[] = [];
  const files: string[] = [];
  walk(target, '.', files);
  for (const relative of files) {
    if (relative.split('/').includes('grading')) problems.push(`${relative}: grading material in the handout`);
    if (!/\.(ts|js|ipynb)$/.test(relative) || relative.endsWith('.test.ts')) continue;
    const text = fs.readFileSync(path.join(target, relative), 'utf8');
    const marker = relative.endsWith('.ipynb') ? /"\s*\/\/ BEGIN SOLUTION/ : /^\s*\/\/ BEGIN SOLUTION(\s*\(\S+\))?\s*$/m;
    if (marker.test(text)) problems.push(`${relative}: contains a solution region`);
  }
  return problems;
}

/** Files of the checkout that go into the autograder (under `distlab/`). */
function autograderFiles(root: string): string[] {
  const files: string[] = [];
  for (const top of ['package.json', 'package-lock.json', 'tsconfig.json', 'bin', 'scripts/link-package.js', 'src', 'labs', 'dist/src', 'dist/labs', 'dist/grading/grader', 'grading/grader', 'grading/hidden', 'grading/config', 'grading/gradescope']) {
    if (fs.existsSync(path.join(root, top))) walk(root, top, files);
  }
  return files.filter((file) => !/\.test\.ts$/.test(file) && !/\.(map)$/.test(file) && !file.startsWith('grading/grader/test-support'));
}

export function release(options: ReleaseOptions): ReleaseReport {
  const root = options.root ?? packageRoot();
  const lab = options.lab ?? 'raft';
  if (!fs.existsSync(path.join(root, 'grading', 'config', `${lab}.json`))) throw new ReleaseError(`no grading config for lab ${lab} (grading/config/${lab}.json)`);
  for (const built of ['dist/src/cli/main.js', 'dist/grading/grader/cli.js', `dist/labs/${lab}/lab.js`]) {
    if (!fs.existsSync(path.join(root, built))) throw new ReleaseError(`${built} is missing: run \`npm run build\` before \`distlab release\` (the autograder ships built JavaScript).`);
  }
  const out = path.resolve(options.out);
  const handout = path.join(out, 'handout');
  fs.rmSync(handout, { recursive: true, force: true });
  fs.mkdirSync(handout, { recursive: true });
  const written = writeHandout(root, handout);
  const problems = checkHandout(handout);
  if (problems.length > 0) throw new ReleaseError(`the handout is not clean:\n  ${problems.join('\n  ')}`);
  const entries: ZipEntry[] = [
    { name: 'setup.sh', data: fs.readFileSync(path.join(root, 'grading', 'gradescope', 'setup.sh')), mode: 0o755 },
    { name: 'run_autograder', data: Buffer.from(fs.readFileSync(path.join(root, 'grading', 'gradescope', 'run_autograder'), 'utf8').replaceAll('__DISTLAB_LAB__', lab).replaceAll('__DISTLAB_ALLOW_INSECURE__', options.allowInsecure === true ? '1' : '0')), mode: 0o755 },
    ...autograderFiles(root).map((file) => ({ name: `distlab/${file}`, data: fs.readFileSync(path.join(root, file)), mode: fs.statSync(path.join(root, file)).mode & 0o777 })),
  ];
  const leaks = auditAutograder(entries, answerLines(root));
  if (leaks.length > 0) throw new ReleaseError(`the autograder package would carry answers:\n  ${leaks.join('\n  ')}`);
  const zip = path.join(out, 'autograder.zip');
  fs.writeFileSync(zip, zipArchive(entries));
  return { handout, zip, handoutFiles: written.files, strippedRegions: written.regions, droppedFiles: written.dropped, zipFiles: entries.length };
}

export async function runReleaseCli(options: Record<string, unknown>, output: { stdout(text: string): void; stderr(text: string): void }): Promise<number> {
  try {
    const report = release({ out: typeof options.out === 'string' ? options.out : 'release', ...(typeof options.lab === 'string' ? { lab: options.lab } : {}), ...(options.allowInsecure === true ? { allowInsecure: true } : {}) });
    output.stdout(
      `handout: ${report.handout} (${report.handoutFiles} files, ${report.strippedRegions} solution regions stripped, ${report.droppedFiles.length} instructor files left out)\n` +
        `autograder: ${report.zip} (${report.zipFiles} files; upload it to Gradescope as the autograder)\n`,
    );
    return 0;
  } catch (error) {
    output.stderr(`distlab release: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
