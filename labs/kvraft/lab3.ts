/**
 * How lab 4 gets your Raft: from your lab-3 work, as it is now, never from a copy.
 *
 * `lab3Raft('../raft/raft.ipynb')` (or `'../raft/raft.ts'`) returns a Raft class whose first
 * `new` compiles that notebook's implementation cells (or that module) with distlab's own loader
 * (the one `distlab test raft` uses) and builds your Raft from it. Each call evaluates the code
 * afresh, so module-level state never leaks from one test into the next; compiling is cached
 * per file version, so an edit to lab 3 is picked up on the next call.
 *
 * Where the file is looked for, in order: the path relative to this folder (the handout:
 * labs/kvraft/../raft/raft.ipynb), relative to the current folder, and the file of the same
 * name beside this one. The autograder stages your submission as the handout lays it out
 * (labs/raft/raft.ipynb beside labs/kvraft/) and compiles the lab-3 file it brings with your
 * lab-4 code; `lab3Raft` then takes that compiled code (see `compiledBySubmission`).
 *
 * Example (the first implementation cell of kvraft.ipynb, and the top of kvraft.ts):
 * ```ts
 * import { lab3Raft } from './lab3';
 * export const Raft = lab3Raft('../raft/raft.ipynb');
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import 'distlab'; // the runner preloads it, and your Raft's code imports it
import { compileImplementation, evaluateGraph, ImplementationLoadError, preloadDistlab, type CompiledImplementation } from 'distlab/testing';
import type { RaftClass } from './types';

/** Compiled lab-3 sources by file version, shared by every evaluation in this process. */
const compiledKey = Symbol.for('distlab.kvraft.lab3Raft');
type CompiledCache = Map<string, CompiledImplementation>;

function compiledCache(): CompiledCache {
  const holder = globalThis as unknown as Record<symbol, CompiledCache | undefined>;
  holder[compiledKey] ??= new Map();
  return holder[compiledKey];
}

/** A Raft class built by `lab3Raft`, which `prepareLab3Raft` can make ready ahead of time. */
interface Lab3RaftClass extends RaftClass {
  readonly lab3Source: string;
  lab3Compiled(): CompiledImplementation | undefined;
}

/** The lab-3 file `source` names, looked up where `lab3Raft` says; throws a sentence if none exists. */
export function findLab3Source(source: string): string {
  const candidates = [path.resolve(__dirname, source), path.resolve(process.cwd(), source), path.join(__dirname, path.basename(source))];
  const found = candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  if (found === undefined) {
    throw new Error(
      `lab3Raft: no lab-3 Raft at ${JSON.stringify(source)} (looked for ${[...new Set(candidates)].join(', ')}). ` +
        "Pass the path of your lab-3 notebook or module, e.g. lab3Raft('../raft/raft.ipynb') or lab3Raft('../raft/raft.ts'); when you submit, upload that file with your lab-4 work.",
    );
  }
  return found;
}

function compileLab3(file: string): CompiledImplementation {
  const stat = fs.statSync(file);
  const key = `${file}|${stat.mtimeMs}|${stat.size}`;
  const cache = compiledCache();
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  // Lab 3's tests type-checked this code already; here it only needs to run.
  const compiled = compileImplementation(file, { typeCheck: false });
  cache.set(key, compiled);
  return compiled;
}

/**
 * Your lab-3 Raft class, loaded from `source` (default: the lab-3 notebook). The file is read
 * and compiled at the first `new`, not here, so a notebook cell that calls this runs at once.
 */
export function lab3Raft(source = '../raft/raft.ipynb'): RaftClass {
  let loaded: RaftClass | null = null;
  const load = (): RaftClass => {
    if (loaded !== null) return loaded;
    const exports = compiledBySubmission(source) ?? evaluateGraph(compileLab3(findLab3Source(source)).graph);
    const candidate = exports.Raft;
    if (typeof candidate !== 'function') {
      throw new ImplementationLoadError('export', `lab3Raft: ${source} does not define a class Raft (it exports ${Object.keys(exports).join(', ') || 'nothing'})`);
    }
    loaded = candidate as RaftClass;
    return loaded;
  };
  const Lab3Raft = function Lab3Raft(...args: ConstructorParameters<RaftClass>) {
    const Raft = load();
    return new Raft(...args);
  } as unknown as Lab3RaftClass;
  Object.defineProperty(Lab3Raft, 'lab3Source', { value: source });
  Object.defineProperty(Lab3Raft, 'lab3Compiled', { value: () => (inSubmissionGraph(source) === null ? compileLab3(findLab3Source(source)) : undefined) });
  // The tester checks the class shape before any test: forward the prototype's methods.
  Lab3Raft.prototype = new Proxy({}, { get: (_, name) => (load().prototype as Record<string | symbol, unknown>)[name] });
  return Lab3Raft;
}

/**
 * The lab-3 module compiled into the same module graph as this file, when the submission was
 * compiled with it (the grader: `grading/grader/stage.ts`), as `require` gives it: evaluated
 * once per evaluation of the lab-4 code, so fresh for every test. Looked for at `source`
 * relative to this folder, then as the lab-3 file of the same name in labs/raft/. Null outside
 * such a graph (a notebook kernel, vitest, `distlab test`), where the file is compiled instead.
 */
function compiledBySubmission(source: string): Record<string, unknown> | null {
  const specifier = inSubmissionGraph(source);
  return specifier === null ? null : (require(specifier) as Record<string, unknown>);
}

function inSubmissionGraph(source: string): string | null {
  // A graph module's require has inGraph (distlab/testing's module-graph); node's and tslab's do not.
  const graphRequire = typeof require === 'function' ? (require as unknown as { inGraph?: (specifier: string) => boolean }) : null;
  if (typeof graphRequire?.inGraph !== 'function') return null;
  const candidates = [source, path.join('..', 'raft', path.basename(source))];
  return candidates.find((candidate) => graphRequire.inGraph?.(candidate) === true) ?? null;
}

/**
 * Loads what `Raft`'s code imports from distlab (asynchronous, once per process): call before a
 * test when `Raft` came from `lab3Raft` in a notebook kernel, where nothing else has. A Raft
 * that did not come from `lab3Raft` needs nothing.
 */
export async function prepareLab3Raft(Raft: unknown): Promise<void> {
  const compiled = (Raft as Partial<Lab3RaftClass>).lab3Compiled?.();
  if (compiled !== undefined) await preloadDistlab(compiled.graph);
}
