/**
 * Mutants: buggy variants of a lab's reference solution, as exact text edits, and the folder
 * they are written to for grading.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface MutantEdit {
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
   * The hidden scenario aimed at this mistake (or the one that catches it most often): CI runs
   * just that one on one grading seed (grading/mutants.test.ts); `catch.ts` measures all seeds.
   */
  readonly caughtBy?: string;
}

export class MutantError extends Error {
  override readonly name = 'MutantError';
}

/** The reference with the mutant's edits applied; throws when an edit does not match exactly once. */
export function applyMutant(reference: string, mutant: Mutant): string {
  let text = reference;
  for (const edit of mutant.edits) {
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
  const target = path.join(folder, file);
  fs.writeFileSync(target, rewritten);
  return target;
}
