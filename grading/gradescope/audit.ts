/**
 * The audit of the autograder package: nothing in it may be an answer. Gradescope unpacks the
 * package where the grader (and so, in principle, a submission that escaped every other layer)
 * can read it, so the release refuses a package that carries
 *
 *   - instructor material by path: reference solutions, mutants, fixtures, the adversarial
 *     catalogue, test files, docs/grading.md;
 *   - a solution region (`// BEGIN SOLUTION`) anywhere;
 *   - answers by content: three or more lines of the reference solutions' solution regions
 *     (lines that no public file of labs/ or src/ also has), whatever the file is called.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AuditedEntry {
  readonly name: string;
  readonly data: Buffer;
}

const instructorPath = /(^|\/)grading\/(solutions|mutants|fixtures|adversarial)\/|\.test\.(ts|js)$|(^|\/)docs\/grading\.md$/;
/** A region's first line, alone on its line (as regions are written), not a mention of one. */
const regionMarker = /^\/\/ BEGIN SOLUTION(\s*\(\S+\))?$/;
/** Lines shorter than this are too common to be an answer (`}`, `return;`). */
const answerLineCharsMin = 25;
/** Answer lines one file may share with the references before it counts as carrying answers. */
const answerLinesMax = 2;

/** Lines inside solution regions of `text` (a .ts file or a notebook's JSON). */
function normalLines(text: string): string[] {
  return text.replaceAll('\\n', '\n').split('\n').map((line) => line.replace(/^\s*"|",?\s*$/g, '').trim());
}

function regionLines(text: string): string[] {
  const lines = normalLines(text);
  const found: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (line.startsWith('// BEGIN SOLUTION')) inside = true;
    else if (line.startsWith('// END SOLUTION')) inside = false;
    else if (inside && line.length >= answerLineCharsMin) found.push(line);
  }
  return found;
}

function filesUnder(folder: string, accept: (file: string) => boolean, found: string[] = []): string[] {
  if (!fs.existsSync(folder)) return found;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') filesUnder(full, accept, found);
    else if (entry.isFile() && accept(full)) found.push(full);
  }
  return found;
}

/** The answer lines of the checkout's reference solutions that no public file has. */
export function answerLines(root: string): Set<string> {
  const answers = new Set<string>();
  for (const file of filesUnder(path.join(root, 'grading', 'solutions'), (name) => /\.(ts|ipynb)$/.test(name) && !name.endsWith('.test.ts'))) {
    for (const line of regionLines(fs.readFileSync(file, 'utf8'))) answers.add(line);
  }
  for (const file of filesUnder(path.join(root, 'labs'), (name) => /\.(ts|ipynb|md)$/.test(name)).concat(filesUnder(path.join(root, 'src'), (name) => name.endsWith('.ts')))) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) answers.delete(line.trim());
  }
  return answers;
}

/** What makes the package unfit to ship (empty when it is clean). */
export function auditAutograder(entries: readonly AuditedEntry[], answers: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    if (instructorPath.test(entry.name)) {
      problems.push(`${entry.name}: instructor material`);
      continue;
    }
    if (entry.data.includes(0)) continue; // binary
    const text = entry.data.toString('utf8');
    if (normalLines(text).some((line) => regionMarker.test(line))) problems.push(`${entry.name}: contains a solution region`);
    const shared = text.split('\n').filter((line) => answers.has(line.trim()));
    if (shared.length > answerLinesMax) problems.push(`${entry.name}: carries ${shared.length} lines of a reference solution (e.g. "${(shared[0] ?? '').trim().slice(0, 80)}")`);
  }
  return problems;
}
