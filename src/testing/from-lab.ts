/**
 * Bringing a student's earlier lab into a later one: `fromLab('../kvsrv/kvsrv.ipynb', 'KVServer')`
 * is the class `KVServer` of that lab-2 notebook (or module), as the file is now, never a copy.
 * Lab 4 takes the lab-3 Raft this way (`lab3Raft`, labs/kvraft/lab3.ts), lab 5 takes lab 2's
 * server and Clerk, lab 3's Raft and lab 4's RSM.
 *
 * Why a loader and not an import: tslab compiles only the `.ts` files under the notebook's own
 * folder ("not under rootDir"), a notebook cannot import another notebook, and the grader stages
 * a submission's files in one folder. The loader compiles the file with the loader `distlab
 * test` uses (implementation cells of a notebook, or a module and its relative imports).
 *
 * - Lazy: the file is read and compiled at the first `new` (or when the tester reads the class's
 *   methods), so the cell or module that calls `fromLab` runs at once.
 * - What the earlier lab imports from distlab resolves to the running distlab (built: at once;
 *   from sources, under tsx or vitest: after `prepareFromLab`).
 * - Fresh: each `fromLab` call evaluates the code anew, so module-level state of one test's
 *   evaluation never leaks into the next; compiling is cached per file version in one cache for
 *   the whole process, so an edit to the earlier lab is picked up by the next evaluation.
 * - Where the class comes from, in order: the asking module's own module graph, when the grader
 *   compiled the earlier lab into it (pass your `require`: grading/grader/stage.ts lays the labs
 *   out as the handout does, `labs/<lab>/<lab>.ipynb`, and a grading worker reads no files);
 *   else the file, relative to `relativeTo` (the folder of the lab that asks, e.g. labs/shardkv),
 *   relative to the current folder (a notebook kernel's is the notebook's folder), and the file
 *   of the same name in `relativeTo`.
 *
 * @example
 *   // in labs/shardkv/shardkv.ipynb (the kernel's folder is labs/shardkv):
 *   const KVServer = fromLab('../kvsrv/kvsrv.ipynb', 'KVServer');
 *   const Raft = fromLab<RaftClass>('../raft/raft.ipynb', 'Raft');
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImplementationLoadError, compileImplementation, type CompiledImplementation } from './load-impl';
import { evaluateGraph, preloadDistlab } from './module-graph';

/** Any class a lab exports. */
export type LabClass = abstract new (...args: any[]) => unknown;

export interface FromLabOptions {
  /** The folder the path is relative to first (a lab module passes its `__dirname`); default: none. */
  readonly relativeTo?: string;
  /** How error messages name the lab, e.g. "lab-2 server"; default: the file's name. */
  readonly what?: string;
  /** The asking module's `require` (see the module comment: where the class comes from). */
  readonly require?: (specifier: string) => unknown;
}

/** A module graph's `require` (src/testing/module-graph.ts): it knows which modules the graph holds. */
type GraphRequire = ((specifier: string) => unknown) & { readonly inGraph?: (specifier: string) => boolean };

/**
 * The specifier under which the earlier lab at `source` was compiled into the asking module's
 * graph (as given, or as the handout places that lab: `../<name>/<file>`), or null.
 */
function inSubmissionGraph(source: string, options: FromLabOptions): string | null {
  const inGraph = (options.require as GraphRequire | undefined)?.inGraph;
  if (typeof inGraph !== 'function') return null;
  const file = path.basename(source);
  const candidates = [source, ['..', file.replace(/\.(ipynb|ts)$/, ''), file].join('/')];
  return candidates.find((candidate) => inGraph(candidate)) ?? null;
}

/** A class built by `fromLab`: the class it stands for, plus where it comes from. */
export interface LoadedLabClass {
  /** The path given to `fromLab`. */
  readonly labSource: string;
  /** The export it stands for. */
  readonly labExport: string;
  /** Compiles the file (cached) and loads what its code imports from distlab: await before a test in a notebook kernel. */
  labReady(): Promise<void>;
  /**
   * The compiled earlier lab (cached), to ship with a graph to processes that compile nothing
   * (real mode); undefined when it already comes from the asking module's graph.
   */
  labCompiled(): CompiledImplementation | undefined;
}

/** Compiled earlier labs by file version, shared by every `fromLab` class in this process. */
const compiledKey = Symbol.for('distlab.fromLab.compiled');
type CompiledCache = Map<string, CompiledImplementation>;

function compiledCache(): CompiledCache {
  const holder = globalThis as unknown as Record<symbol, CompiledCache | undefined>;
  holder[compiledKey] ??= new Map();
  return holder[compiledKey];
}

/** The file `source` names, looked up as the module comment says; throws a sentence naming every place tried. */
export function findLabFile(source: string, options: FromLabOptions = {}): string {
  const base = options.relativeTo;
  const candidates = [
    ...(base === undefined ? [] : [path.resolve(base, source)]),
    path.resolve(process.cwd(), source),
    ...(base === undefined ? [] : [path.join(base, path.basename(source))]),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  if (found === undefined) {
    throw new ImplementationLoadError(
      'missing',
      `fromLab: no ${options.what ?? path.basename(source)} at ${JSON.stringify(source)} (looked for ${[...new Set(candidates)].join(', ')}). ` +
        'Pass the path of your earlier lab\'s notebook or module, relative to this lab\'s folder, e.g. "../kvsrv/kvsrv.ipynb" or "../kvsrv/kvsrv.ts"; when you submit, upload that file with this lab\'s work.',
    );
  }
  return found;
}

/** The compiled file (cached per path, modification time and size). */
function compileLabFile(file: string): CompiledImplementation {
  const stat = fs.statSync(file);
  const key = `${file}|${stat.mtimeMs}|${stat.size}`;
  const cache = compiledCache();
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  // The earlier lab's own tests type-checked this code; here it only needs to run.
  const compiled = compileImplementation(file, { typeCheck: false });
  cache.set(key, compiled);
  return compiled;
}

/**
 * The class `exportName` of the earlier lab at `source` (a notebook or a `.ts` module), compiled
 * at its first use. Throws `ImplementationLoadError` naming the file when it is missing, does not
 * compile, throws while loading, or does not export a class of that name (listing what it
 * exports).
 */
export function fromLab<C extends LabClass>(source: string, exportName: string, options: FromLabOptions = {}): C & LoadedLabClass {
  let loaded: C | null = null;
  const compiled = (): CompiledImplementation => compileLabFile(findLabFile(source, options));
  const load = (): C => {
    if (loaded !== null) return loaded;
    const specifier = inSubmissionGraph(source, options);
    // In the graph: evaluated with the asking module's graph, so fresh for every evaluation of it.
    const exports = (specifier === null ? evaluateGraph(compiled().graph) : options.require?.(specifier)) as Record<string, unknown>;
    const candidate = exports[exportName];
    if (typeof candidate !== 'function' || candidate.prototype === undefined) {
      const found = Object.keys(exports).filter((key) => key !== '__esModule');
      throw new ImplementationLoadError(
        'export',
        `fromLab: ${source} does not define a class ${exportName} (${candidate === undefined ? 'no such export' : `it is ${typeof candidate}`}; it exports ${found.join(', ') || 'nothing'}). ` +
          `Define ${exportName} at the top level of an implementation cell (or export it from the module), or pass the right file.`,
      );
    }
    loaded = candidate as C;
    return loaded;
  };
  const Loaded = function LoadedFromLab(...args: unknown[]) {
    const Class = load() as unknown as new (...args: unknown[]) => unknown;
    return new Class(...args);
  } as unknown as C & LoadedLabClass;
  Object.defineProperty(Loaded, 'name', { value: exportName });
  Object.defineProperty(Loaded, 'labSource', { value: source });
  Object.defineProperty(Loaded, 'labExport', { value: exportName });
  Object.defineProperty(Loaded, 'labCompiled', { value: () => (inSubmissionGraph(source, options) === null ? compiled() : undefined) });
  Object.defineProperty(Loaded, 'labReady', {
    value: async (): Promise<void> => {
      if (inSubmissionGraph(source, options) === null) await preloadDistlab(compiled().graph);
    },
  });
  // Testers check a class's methods before any test: forward the prototype's reads.
  Loaded.prototype = new Proxy({}, { get: (_, name) => (load().prototype as Record<string | symbol, unknown>)[name] });
  return Loaded;
}

/**
 * Makes ready every `fromLab` class among `values` (others are ignored): compiles their files
 * and loads what their code imports from distlab. Call before running tests in a notebook
 * kernel, so a broken earlier lab fails here with its sentence rather than inside a test.
 */
export async function prepareFromLab(values: Iterable<unknown>): Promise<void> {
  for (const value of values) {
    const ready = (value as Partial<LoadedLabClass> | null)?.labReady;
    if (typeof ready === 'function') await ready();
  }
}
