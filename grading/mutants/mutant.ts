/**
 * Mutants: buggy variants of a lab's reference solution, as exact text edits, and the folder
 * they are written to for grading.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readGradingConfig } from '../grader/config';

export interface MutantEdit {
  /**
   * The reference module the edit applies to, for a reference in several modules
   * (grading/solutions/<lab>/ without a <lab>.ts, e.g. `coordinator.ts`); default `index.ts`.
   * Ignored for a one-file reference.
   */
  readonly file?: string;
  /** Text that must occur exactly once in the reference. */
  readonly find: string;
  readonly replace: string;
}

export interface Mutant {
  /** kebab-case, used as the file name. */
  readonly name: string;
  /** The student mistake, one sentence. */
  readonly mistake: string;
  readonly edits: readonly MutantEdit[];
  /**
   * The tests aimed at this mistake (hidden scenarios, or public tests where the hidden ones add
   * nothing): CI runs just these on one grading seed (grading/mutants.test.ts), and
   * `catch.ts --aimed` measures them on every grading seed.
   */
  readonly caughtBy?: readonly string[];
}

export class MutantError extends Error {
  override readonly name = 'MutantError';
}

/** The reference with the mutant's edits applied; throws when an edit does not match exactly once. */
export function applyMutant(reference: string, mutant: Mutant, file?: string): string {
  let text = reference;
  for (const edit of mutant.edits.filter((candidate) => file === undefined || (candidate.file ?? 'index.ts') === file)) {
    const first = text.indexOf(edit.find);
    if (first === -1 || text.indexOf(edit.find, first + 1) !== -1) {
      throw new MutantError(`mutant ${mutant.name}: the text to replace occurs ${first === -1 ? 'nowhere' : 'more than once'} in the reference: ${JSON.stringify(edit.find.slice(0, 80))}; update grading/mutants to the reference`);
    }
    text = text.slice(0, first) + edit.replace + text.slice(first + edit.find.length);
  }
  return text;
}

/**
 * Writes `code` as `<folder>/<file>` with the reference's imports of its lab folder
 * (`../../../labs/<lab>/x`) pointed at copies beside it, as a student's file would import them.
 */
export function writeSubmission(folder: string, file: string, code: string, lab: string, root: string): string {
  fs.mkdirSync(folder, { recursive: true });
  const labImport = new RegExp(`(['"])\\.\\./\\.\\./\\.\\./labs/${lab}/([^'"]+)\\1`, 'g');
  const rewritten = code.replace(labImport, (_match, quote: string, rest: string) => {
    const source = path.join(root, 'labs', lab, `${rest.replace(/\.(js|ts)$/, '')}.ts`);
    if (fs.existsSync(source)) fs.copyFileSync(source, path.join(folder, path.basename(source)));
    return `${quote}./${path.basename(rest).replace(/\.(js|ts)$/, '')}${quote}`;
  });
  // Another lab's public modules (`../../../labs/kvraft/types` in shardkv): that lab's folder of
  // a submission of several labs, beside this one.
  const otherLab = /(['"])\.\.\/\.\.\/\.\.\/labs\/([\w-]+)\/([^'"]+)\1/g;
  const relinked = rewritten.replace(otherLab, (_match, quote: string, other: string, rest: string) => {
    const source = path.join(root, 'labs', other, `${rest.replace(/\.(js|ts)$/, '')}.ts`);
    const copy = path.join(folder, '..', other, path.basename(source));
    if (fs.existsSync(source) && !fs.existsSync(copy)) {
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.copyFileSync(source, copy);
    }
    return `${quote}../${other}/${path.basename(rest).replace(/\.(js|ts)$/, '')}${quote}`;
  });
  const target = path.join(folder, file);
  fs.writeFileSync(target, relinked);
  return target;
}

/**
 * Writes the lab's reference with `mutant` applied (`null`: the reference itself) into `folder`
 * as a submission and returns the file to grade: `<lab>.ts` for a one-file reference, else
 * every module of grading/solutions/<lab>/ (not tests, not `buggy-*` variants) with the edits
 * applied to the modules they name, graded through `index.ts`. A reference built on other
 * labs' references (`../raft/raft`) is written as a submission of several labs, one folder per
 * lab (`<folder>/kvraft/index.ts`, `<folder>/raft/raft.ts`), as a student submits lab 4 with
 * their lab-3 Raft (grading/grader/stage.ts); its imports stay as they are.
 */
export function writeMutant(folder: string, lab: string, mutant: Mutant | null, root: string): string {
  const solutions = path.join(root, 'grading', 'solutions', lab);
  const single = path.join(solutions, `${lab}.ts`);
  const edited = (code: string, file?: string): string => (mutant === null ? code : applyMutant(code, mutant, file));
  if (fs.existsSync(single)) {
    const uses = usedLabs(lab, root);
    if (uses.length === 0) return writeSubmission(folder, `${lab}.ts`, edited(fs.readFileSync(single, 'utf8')), lab, root);
    const code = edited(fs.readFileSync(single, 'utf8'));
    const written = new Set([path.join(lab, `${lab}.ts`)]);
    for (const use of uses) writeOtherLabs(`'../${use}/${use}'`, lab, folder, root, written);
    writeOtherLabs(code, lab, folder, root, written);
    return writeSubmission(path.join(folder, lab), `${lab}.ts`, code, lab, root);
  }
  const modules = fs.readdirSync(solutions).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('buggy-'));
  const missing = (mutant?.edits ?? []).map((edit) => edit.file ?? 'index.ts').filter((file) => !modules.includes(file));
  if (missing.length > 0) throw new MutantError(`mutant ${mutant?.name}: no module ${missing.join(', ')} in grading/solutions/${lab}/`);
  const written = new Set(modules.map((file) => path.join(lab, file)));
  for (const file of modules) {
    const code = edited(fs.readFileSync(path.join(solutions, file), 'utf8'), file);
    writeSubmission(path.join(folder, lab), file, code, lab, root);
    writeOtherLabs(code, lab, folder, root, written);
  }
  return path.join(folder, lab, 'index.ts');
}

/** The earlier labs a lab's submissions bring (its grading config's `uses`). */
function usedLabs(lab: string, root: string): readonly string[] {
  const config = path.join(root, 'grading', 'config', `${lab}.json`);
  return fs.existsSync(config) ? readGradingConfig(config).uses : [];
}

/**
 * Writes the other labs' reference modules `code` imports (`../raft/raft`), and what those
 * import in turn, into `<folder>/<their lab>/`, each with its imports of labs/<lab> pointed at
 * copies beside it.
 */
function writeOtherLabs(code: string, lab: string, folder: string, root: string, written: Set<string>): void {
  for (const match of code.matchAll(/(['"])(\.\.?)\/(?:([\w-]+)\/)?([\w./-]+)\1/g)) {
    const dir = match[2] === '..' ? match[3] : lab;
    const rest = (match[3] !== undefined && match[2] === '.' ? `${match[3]}/` : '') + (match[4] ?? '');
    if (dir === undefined || dir === 'labs' || rest.startsWith('.')) continue;
    const file = `${rest.replace(/\.(js|ts)$/, '')}.ts`;
    const source = path.join(root, 'grading', 'solutions', dir, file);
    const key = path.join(dir, file);
    if (written.has(key) || !fs.existsSync(source)) continue;
    written.add(key);
    const text = fs.readFileSync(source, 'utf8');
    writeSubmission(path.join(folder, dir), file, text, dir, root);
    writeOtherLabs(text, dir, folder, root, written);
  }
}
