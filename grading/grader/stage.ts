/**
 * The layout of a submission, and the staged copy the grader compiles.
 *
 * A lab that builds on earlier labs (lab 4 runs on the student's lab-3 Raft; lab 5 on their
 * lab-2 server, lab-4 RSM and lab-3 Raft) is graded with the earlier labs' code the submission
 * brings, so a submission holds one file per lab, named after the lab:
 *
 *   kvraft.ipynb (or kvraft.ts) and raft.ipynb (or raft.ts), either
 *     side by side (a flat upload of the files), or
 *     in one folder per lab: kvraft/kvraft.ipynb, raft/raft.ipynb (a zip of the folders, or
 *     the handout's labs/ folder itself)
 *
 * and is staged as the handout lays the labs out, each lab beside its own public files:
 *
 *   <stage>/labs/kvraft/kvraft.ipynb + labs/kvraft's public .ts files (types.ts, lab3.ts, ...)
 *   <stage>/labs/raft/raft.ipynb     + labs/raft's public .ts files (types.ts, ...)
 *
 * so `lab3Raft('../raft/raft.ipynb')` and `export { Raft } from '../raft/raft'` mean in the
 * grader what they mean in the student's checkout, and the labs' `types.ts` files never meet.
 *
 * Only regular files are copied (a symbolic link in a submission is refused, so it cannot
 * bring in the reference solution or any other file of the grading machine), only `.ts` files
 * and the lab notebooks, each at most `stagedFileBytesMax`. What the grader compiles must lie
 * inside the staged tree (grade.ts checks the module graph), and the workers never read the
 * tree: they get the compiled code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readNotebook } from 'distlab/notebook';
import { ImplementationLoadError, implementationCells } from 'distlab/testing';

/** A lab of a submission: its name and the public files staged beside its file (absolute). */
export interface LabSlot {
  readonly lab: string;
  readonly support: readonly string[];
}

/** A staged submission: the main lab's file and each earlier lab's, inside `root`. */
export interface StagedSubmission {
  readonly root: string;
  readonly main: string;
  readonly earlier: ReadonlyArray<{ readonly lab: string; readonly file: string; readonly submitted: string }>;
}

/** Files larger than this in a submission are not staged. */
export const stagedFileBytesMax = 2 * 1024 * 1024;

/**
 * Stages `submission` (a file, or a folder holding the main lab's file) into `stage` for the
 * lab `main`, with the earlier labs `uses` it runs on. Throws ImplementationLoadError saying
 * what to upload when a lab's file is missing or is a symbolic link.
 */
export function stageSubmission(submission: string, stage: string, main: LabSlot, uses: readonly LabSlot[] = [], checkFile: (file: string) => void = () => undefined): StagedSubmission {
  const given = path.resolve(submission);
  const mainFile = mainLabFile(given, main.lab);
  if (isLink(mainFile)) throw new ImplementationLoadError('format', `${path.basename(mainFile)} is a symbolic link; submit the file itself.`);
  if (!fs.existsSync(mainFile) || !fs.statSync(mainFile).isFile()) return { root: stage, main: mainFile, earlier: [] }; // the loader explains
  // Sizes first: nothing is parsed (not even to find which earlier file it names) before.
  checkFile(mainFile);
  const root = submissionRoot(given, mainFile, main.lab);
  const staged = stageLab(mainFile, path.join(stage, 'labs', main.lab), main.support);
  const earlier = uses.map((slot) => {
    const file = earlierLabFile(root, slot.lab, namedExtension(mainFile, slot.lab), main.lab);
    if (!isLink(file)) checkFile(file);
    return { lab: slot.lab, file: stageLab(file, path.join(stage, 'labs', slot.lab), slot.support), submitted: path.relative(root, file) || path.basename(file) };
  });
  return { root: stage, main: staged, earlier };
}

/** The main lab's file: the submission itself, or `<lab>.ipynb` / `<lab>.ts` in the folder given. */
function mainLabFile(given: string, lab: string): string {
  if (!fs.existsSync(given) || !fs.statSync(given).isDirectory()) return given;
  const found = labFileIn(given, lab, null);
  if (found !== null) return found;
  throw new ImplementationLoadError('missing', `the submission (the folder ${path.basename(given)}) has no ${lab}.ipynb or ${lab}.ts (looked in ${shownFolders(given, lab)}). ${uploadAdvice(lab, [])}`);
}

/**
 * Where the other labs' files are looked for: the folder given, or the folder of the file given;
 * when that folder is named after the lab (kvraft/kvraft.ipynb), its parent.
 */
function submissionRoot(given: string, mainFile: string, lab: string): string {
  if (fs.existsSync(given) && fs.statSync(given).isDirectory()) return given;
  const folder = path.dirname(mainFile);
  return path.basename(folder) === lab ? path.dirname(folder) : folder;
}

/** Folders searched for a lab's file, in order: <root>/<lab>/, <root>/labs/<lab>/, <root>/. */
function searchedFolders(root: string, lab: string): string[] {
  return [path.join(root, lab), path.join(root, 'labs', lab), root];
}

/** The searched folders as a student reads them, relative to the submission: "raft/, labs/raft/ and the submission's top folder". */
function shownFolders(root: string, lab: string): string {
  return `${searchedFolders(root, lab).slice(0, 2).map((folder) => `${path.relative(root, folder)}/`).join(', ')} and the submission's top folder`;
}

/** `<lab>.ipynb` or `<lab>.ts` (`extension` first when given) in the searched folders, or null. */
function labFileIn(root: string, lab: string, extension: '.ipynb' | '.ts' | null): string | null {
  const extensions = extension === '.ts' ? ['.ts', '.ipynb'] : ['.ipynb', '.ts'];
  for (const folder of searchedFolders(root, lab)) {
    for (const candidate of extensions.map((ending) => path.join(folder, `${lab}${ending}`))) {
      if (isLink(candidate) || (fs.existsSync(candidate) && fs.statSync(candidate).isFile())) return candidate;
    }
  }
  return null;
}

function earlierLabFile(root: string, lab: string, extension: '.ipynb' | '.ts' | null, mainLab: string): string {
  const found = labFileIn(root, lab, extension);
  if (found !== null && (extension === null || found.endsWith(extension))) return found;
  const wanted = extension === null ? `${lab}.ipynb or ${lab}.ts` : `${lab}${extension}`;
  const named = extension === null ? '' : ` (your ${mainLab} code loads its ${lab} code from ${lab}${extension})`;
  throw new ImplementationLoadError(
    'missing',
    `the ${mainLab} lab runs on your own ${lab} lab, but the submission has no ${wanted}${named}; looked in ${shownFolders(root, lab)}. ${uploadAdvice(mainLab, [lab])}`,
  );
}

/** What to upload, in one sentence. */
export function uploadAdvice(lab: string, uses: readonly string[]): string {
  if (uses.length === 0) return `Upload your lab notebook (${lab}.ipynb) or your ${lab}.ts file.`;
  const files = [lab, ...uses].map((name) => `${name}.ipynb (or ${name}.ts)`).join(', ');
  return `Upload ${files} together: the files side by side, or a zip with one folder per lab (${[lab, ...uses].map((name) => `${name}/`).join(', ')}).`;
}

/**
 * The extension of `lab`'s file that the main file's code names (`lab3Raft('../raft/raft.ipynb')`
 * -> .ipynb; `export { Raft } from '../raft/raft'` -> .ts), or null when it names none. Comments
 * and, in a notebook, test and demo cells do not count.
 */
export function namedExtension(mainFile: string, lab: string): '.ipynb' | '.ts' | null {
  const code = stripComments(codeOf(mainFile));
  const quoted = new RegExp(`(['"\`])([^'"\`\\n]*\\b${lab})(\\.ipynb|\\.ts)?\\1`, 'g');
  for (const match of code.matchAll(quoted)) {
    const named = match[2] ?? '';
    // A path to the lab's file ('../raft/raft', 'raft.ipynb'), not any string ending in the name.
    if (!/(^|[/\\])$/.test(named.slice(0, named.length - lab.length)) || (!named.includes('/') && match[3] === undefined)) continue;
    return match[3] === '.ipynb' ? '.ipynb' : '.ts';
  }
  return null;
}

function codeOf(file: string): string {
  if (!file.endsWith('.ipynb')) return fs.readFileSync(file, 'utf8');
  try {
    return implementationCells(readNotebook(file))
      .map((cell) => cell.source)
      .join('\n');
  } catch {
    return ''; // not a notebook: the loader says so
  }
}

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Copies a lab's file, the .ts files beside it (which it may import) and the lab's support
 * files into `folder`; support files are the official copies and replace submitted files of
 * the same name, except the lab's file itself. Returns the staged file.
 */
function stageLab(file: string, folder: string, support: readonly string[]): string {
  if (isLink(file)) throw new ImplementationLoadError('format', `${path.basename(file)} is a symbolic link; submit the file itself.`);
  fs.mkdirSync(folder, { recursive: true });
  const source = path.dirname(file);
  for (const name of fs.readdirSync(source).filter((entry) => /\.tsx?$/.test(entry) && !entry.endsWith('.d.ts') && !entry.endsWith('.test.ts'))) {
    copyRegularFile(path.join(source, name), path.join(folder, name));
  }
  const staged = path.join(folder, path.basename(file));
  for (const entry of support) copySupport(entry, folder, staged);
  fs.copyFileSync(file, staged);
  return staged;
}

/** Copies `from` if it is a regular file (not a link) of at most `stagedFileBytesMax` bytes. */
function copyRegularFile(from: string, to: string): void {
  const stat = fs.lstatSync(from);
  if (stat.isFile() && stat.size <= stagedFileBytesMax) fs.copyFileSync(from, to);
}

function copySupport(entry: string, target: string, staged: string): void {
  if (!fs.existsSync(entry)) return;
  if (fs.statSync(entry).isDirectory()) {
    for (const item of fs.readdirSync(entry, { withFileTypes: true })) {
      const from = path.join(entry, item.name);
      if (item.isDirectory()) copySupport(from, path.join(target, item.name), staged);
      else if (item.isFile() && /\.tsx?$/.test(item.name) && !item.name.endsWith('.test.ts')) copySupport(from, target, staged);
    }
    return;
  }
  const destination = path.join(target, path.basename(entry));
  if (destination === staged) return;
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(entry, destination);
}
