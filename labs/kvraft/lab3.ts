/**
 * How lab 4 gets your Raft: from your lab-3 work, as it is now, never from a copy.
 *
 * `lab3Raft('../raft/raft.ipynb')` (or `'../raft/raft.ts'`) returns a Raft class whose first
 * `new` compiles that notebook's implementation cells (or that module) with distlab's own loader
 * (the one `distlab test raft` uses) and builds your Raft from it. It is distlab's general
 * `fromLab` (distlab/testing, which lab 5 uses for labs 2-4) for lab 3's `Raft`: each call
 * evaluates the code afresh, so module-level state never leaks from one test into the next;
 * compiling is cached per file version, so an edit to lab 3 is picked up on the next call.
 *
 * Where the file is looked for, in order: the path relative to this folder (the handout:
 * labs/kvraft/../raft/raft.ipynb), relative to the current folder, and the file of the same
 * name beside this one. The autograder stages your submission as the handout lays it out
 * (labs/raft/raft.ipynb beside labs/kvraft/) and compiles the lab-3 file it brings with your
 * lab-4 code; `lab3Raft` then takes that compiled code (this module's `require` finds it).
 *
 * Example (the first implementation cell of kvraft.ipynb, and the top of kvraft.ts):
 * ```ts
 * import { lab3Raft } from './lab3';
 * export const Raft = lab3Raft('../raft/raft.ipynb');
 * ```
 */
import 'distlab'; // the runner preloads it, and your Raft's code imports it
import { findLabFile, fromLab, prepareFromLab } from 'distlab/testing';
import type { RaftClass } from './types';

const what = 'lab-3 Raft';

/** The lab-3 file `source` names, looked up where `lab3Raft` says; throws a sentence if none exists. */
export function findLab3Source(source: string): string {
  return findLabFile(source, { relativeTo: __dirname, what });
}

/**
 * Your lab-3 Raft class, loaded from `source` (default: the lab-3 notebook). The file is read
 * and compiled at the first `new`, not here, so a notebook cell that calls this runs at once.
 */
export function lab3Raft(source = '../raft/raft.ipynb'): RaftClass {
  const Raft = fromLab<RaftClass>(source, 'Raft', { relativeTo: __dirname, what, require });
  Object.defineProperty(Raft, 'lab3Source', { value: source });
  // Real mode ships the compiled lab 3 to its node processes (src/real/implementation.ts).
  Object.defineProperty(Raft, 'lab3Compiled', { value: Raft.labCompiled });
  return Raft;
}

/**
 * Compiles `Raft`'s lab-3 file and loads what its code imports from distlab: call before a test
 * when `Raft` came from `lab3Raft` in a notebook kernel, where nothing else has. A Raft that did
 * not come from `lab3Raft` (or that the grader compiled with the lab-4 code) needs nothing.
 */
export async function prepareLab3Raft(Raft: unknown): Promise<void> {
  await prepareFromLab([Raft]);
}
