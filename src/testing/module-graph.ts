/**
 * Evaluating compiled TypeScript modules (a lab, a student's `.ts` file, the implementation
 * cells of a notebook) inside the running process, so that `distlab` and `distlab/*` resolve to
 * the SAME module instances the runner itself uses. Without that, a submission's `World` or
 * `TestFailure` would be a different class from the runner's and `instanceof` checks would fail.
 *
 * This file never loads the TypeScript compiler: compiling happens once (in `load-impl.ts`),
 * and the result, a `CompiledGraph` of plain CommonJS code, is cheap to evaluate again (for a
 * fresh implementation per test) and small enough to send to a child process.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { registerSourceMap } from './source-map';

/** CommonJS code of a module and every local (relative) module it imports, keyed by absolute path. */
export interface CompiledGraph {
  /** Absolute path of the entry module (a `.ts` file, or `<notebook>.ipynb` for a notebook). */
  readonly entry: string;
  /** Absolute path -> CommonJS code. */
  readonly modules: Readonly<Record<string, string>>;
}

/** A module threw while it was being evaluated (at import time). */
export class ModuleEvaluationError extends Error {
  override readonly name = 'ModuleEvaluationError';
  constructor(
    readonly file: string,
    readonly error: unknown,
  ) {
    super(`${file} threw while loading: ${describeError(error)}`);
  }
}

type Namespace = Record<string, unknown>;

/**
 * The distlab entry points a compiled module may import, loaded lazily (plot pulls in Vega).
 * `import()` keeps one instance per process in every setting: the built CommonJS files under
 * node (the import shares require's cache), TypeScript sources under tsx and vitest.
 */
const distlabEntries: Readonly<Record<string, () => Promise<Namespace>>> = {
  distlab: () => import('../index.js'),
  'distlab/runtime': () => import('../runtime/index.js'),
  'distlab/testing': () => import('./index.js'),
  'distlab/check': () => import('../check/index.js'),
  'distlab/plot': () => import('../plot/index.js'),
  'distlab/notebook': () => import('../notebook/index.js'),
};

/**
 * The same entry points as files of the built package. There (CommonJS) `import()` is `require`
 * underneath, so a synchronous `require` gives the same instances: code compiled lazily, after
 * the runner's preload (an earlier lab's notebook that `fromLab` loads at a class's first use),
 * still finds distlab. From sources (tsx, vitest) only the asynchronous preload is safe.
 */
const distlabBuiltFiles: Readonly<Record<string, string>> = {
  distlab: '../index.js',
  'distlab/runtime': '../runtime/index.js',
  'distlab/testing': './index.js',
  'distlab/check': '../check/index.js',
  'distlab/plot': '../plot/index.js',
  'distlab/notebook': '../notebook/index.js',
};

/** `specifier` loaded synchronously when running built (and remembered), else null. */
function loadBuiltDistlab(specifier: string): Namespace | null {
  const file = distlabBuiltFiles[specifier];
  if (file === undefined || __filename.endsWith('.ts')) return null;
  const loaded = moduleExports(ownRequire(file) as Namespace);
  loadedDistlab.set(specifier, loaded);
  return loaded;
}

/** The `distlab` specifiers a compiled module may import. */
export const distlabSpecifiers: readonly string[] = Object.keys(distlabEntries);

const loadedDistlab = new Map<string, Namespace>();

/** Loads the distlab entry points that `graph` imports (call before `evaluateGraph`). */
export async function preloadDistlab(graph: CompiledGraph): Promise<void> {
  for (const code of Object.values(graph.modules)) {
    for (const specifier of requiredSpecifiers(code)) {
      const load = distlabEntries[specifier];
      if (load === undefined || loadedDistlab.has(specifier)) continue;
      loadedDistlab.set(specifier, moduleExports(await load()));
    }
  }
}

/** Specifiers passed to `require("...")` in compiled code. */
export function requiredSpecifiers(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(/\brequire\((["'])([^"'\n]+)\1\)/g)) found.add(match[2] ?? '');
  return [...found];
}

/**
 * Evaluates `graph` (after `preloadDistlab`) and returns the entry module's exports. Each call
 * evaluates every module afresh: classes and module-level state are new.
 *
 * @example
 *   await preloadDistlab(graph);
 *   const exports = evaluateGraph(graph);
 */
export function evaluateGraph(graph: CompiledGraph): Namespace {
  const cache = new Map<string, { exports: Namespace }>();
  return evaluateModule(graph, graph.entry, cache);
}

function evaluateModule(graph: CompiledGraph, file: string, cache: Map<string, { exports: Namespace }>): Namespace {
  const cached = cache.get(file);
  if (cached !== undefined) return cached.exports;
  const code = graph.modules[file];
  if (code === undefined) throw new Error(`module-graph: ${file} is not part of the compiled graph`);
  const module = { exports: {} as Namespace };
  cache.set(file, module);
  const localRequire = makeRequire(graph, file, cache);
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  // Stack traces from this module then point at its .ts lines (or notebook cells).
  registerSourceMap(file, code);
  let run: (...args: unknown[]) => void;
  try {
    run = vm.runInThisContext(wrapper, { filename: file }) as typeof run;
  } catch (error) {
    throw new ModuleEvaluationError(file, error);
  }
  try {
    run.call(module.exports, module.exports, localRequire, module, file, path.dirname(file));
  } catch (error) {
    if (error instanceof ModuleEvaluationError) throw error;
    throw new ModuleEvaluationError(file, error);
  }
  return module.exports;
}

/**
 * The `require` a graph module gets. Its `inGraph(specifier)` says whether a relative or
 * absolute specifier names a module compiled into the graph: the grader compiles the earlier
 * labs a submission brings into its graph, and lab 4's `lab3Raft` takes the lab-3 Raft from
 * there instead of reading files (which a grading worker cannot).
 */
export type GraphRequire = ((specifier: string) => unknown) & { readonly inGraph: (specifier: string) => boolean };

function makeRequire(graph: CompiledGraph, file: string, cache: Map<string, { exports: Namespace }>): GraphRequire {
  const besideFile = createRequire(file);
  const inGraph = (specifier: string): boolean => (specifier.startsWith('.') || path.isAbsolute(specifier)) && localModule(graph, path.resolve(path.dirname(file), specifier)) !== null;
  const localRequire = (specifier: string): unknown => {
    const distlab = loadedDistlab.get(specifier);
    if (distlab !== undefined) return distlab;
    if (specifier in distlabEntries) {
      const built = loadBuiltDistlab(specifier);
      if (built !== null) return built;
      throw new Error(`module-graph: ${specifier} was not preloaded (call preloadDistlab first)`);
    }
    if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
      const local = localModule(graph, path.resolve(path.dirname(file), specifier));
      if (local !== null) return evaluateModule(graph, local, cache);
      return besideFile(specifier);
    }
    // Packages resolve from distlab's own node_modules first, so a submission shares the
    // runtime's rxjs; then from the submission's folder.
    try {
      return ownRequire(specifier);
    } catch {
      return besideFile(specifier);
    }
  };
  return Object.assign(localRequire, { inGraph });
}

/** The graph module a relative import names (`./x` -> `./x.ts`, `./x/index.ts`), or null. */
export function localModule(graph: CompiledGraph, base: string): string | null {
  for (const candidate of localCandidates(base)) if (candidate in graph.modules) return candidate;
  return null;
}

/** Files a relative import `base` may refer to, in TypeScript's order. */
export function localCandidates(base: string): string[] {
  const withoutJs = base.replace(/\.(js|cjs|mjs)$/, '');
  return [base, `${withoutJs}.ts`, `${withoutJs}.tsx`, path.join(base, 'index.ts')];
}

/** require() rooted at this package, for packages the runtime itself uses (rxjs, zod). */
function ownRequire(specifier: string): unknown {
  return createRequire(__filename)(specifier);
}

/** What `require()` of a module gives, from an `import()` namespace (CommonJS or source). */
function moduleExports(namespace: Namespace): Namespace {
  const fallback = namespace.default;
  if (fallback !== null && typeof fallback === 'object' && (fallback as { __esModule?: unknown }).__esModule === true) {
    return fallback as Namespace;
  }
  return namespace;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Thrown in place of exiting when a submission calls `process.exit` while guarded. */
export class ExitAttemptError extends Error {
  override readonly name = 'ExitAttemptError';
}

/**
 * Runs `body` with `process.exit` replaced by a throw, so a submission cannot end the runner
 * (with exit code 0, say) at import or while a test runs; restores it afterwards.
 */
export async function withExitGuard<T>(body: () => T | Promise<T>): Promise<T> {
  const exit = process.exit;
  process.exit = ((code?: number | string | null) => {
    throw new ExitAttemptError(`process.exit(${code ?? ''}) was called; a submission may not end the process`);
  }) as typeof process.exit;
  try {
    return await body();
  } finally {
    process.exit = exit;
  }
}
