/**
 * Loading a submission: a `.ts` module (plus the `.ts` files it imports relatively) or the
 * implementation cells of a lab notebook (`.ipynb`). This is a gateway (house rule 7): every
 * way a submission can be unusable (missing, not compiling, throwing at import, lacking the
 * export the lab needs) ends here as one `ImplementationLoadError` whose message is a paragraph
 * a student can act on; compile errors in a notebook name the cell and the line.
 *
 * The TypeScript compiler is loaded lazily (it takes ~0.2 s), so importing `distlab/testing`
 * stays cheap for labs and child processes that only evaluate already-compiled code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TS from 'typescript';
import { NotebookFormatError, readNotebook, type Notebook } from '../notebook/ipynb';
import { ImplementationError, type Lab } from './lab';
import { notebookModule, type NotebookModule } from './notebook-module';
import { describeError, evaluateGraph, withExitGuard, localCandidates, ModuleEvaluationError, preloadDistlab, requiredSpecifiers, type CompiledGraph } from './module-graph';
import { packageRoot, runningFromSource } from './package-root';
import { inlineSourceMapComment, mapToCells, type SourceMapV3 } from './source-map';
import { recordTypeCheckPassed, typeCheckKey, typeCheckPassedBefore } from './typecheck-cache';

export { implementationCells } from './notebook-cells';

/** What went wrong loading a submission. */
export type LoadProblem = 'missing' | 'format' | 'compile' | 'import' | 'export';

/** A submission that cannot be used; `message` is the paragraph to show, `details` one line per problem. */
export class ImplementationLoadError extends Error {
  override readonly name = 'ImplementationLoadError';
  constructor(
    readonly problem: LoadProblem,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface LoadOptions {
  /** Type-check before running (default true). Child processes evaluate code checked by their parent. */
  readonly typeCheck?: boolean;
  /**
   * TypeScript `strict` for the check. Default: true for `.ts` files (as the repository's own
   * tsconfig), false for notebooks (tslab checks cells non-strict, so code that ran in the
   * notebook must not be rejected here). Only errors are reported, never suggestions.
   */
  readonly strict?: boolean;
}

/** A compiled submission, ready to evaluate (here or in a child process). */
export interface CompiledImplementation {
  readonly source: 'ts' | 'ipynb';
  /** The submission as given (absolute). */
  readonly file: string;
  /** Every file read: the submission and the local modules it imports. */
  readonly files: readonly string[];
  readonly graph: CompiledGraph;
}

export interface LoadedImplementation extends CompiledImplementation {
  readonly exports: Readonly<Record<string, unknown>>;
}

/**
 * Loads a submission and returns its exports.
 *
 * @example
 *   const loaded = await loadImplementation('labs/raft/raft.ipynb');
 *   const impl = implementationFor(raftLab, loaded);
 */
export async function loadImplementation(file: string, options: LoadOptions = {}): Promise<LoadedImplementation> {
  const compiled = compileImplementation(file, options);
  return { ...compiled, exports: await evaluateImplementation(compiled) };
}

/**
 * Evaluates a compiled submission afresh (new classes, new module-level state) and returns
 * its exports. Throws `ImplementationLoadError('import')` when the code throws at import.
 */
export async function evaluateImplementation(compiled: CompiledImplementation): Promise<Readonly<Record<string, unknown>>> {
  await preloadDistlab(compiled.graph);
  try {
    return await withExitGuard(() => evaluateGraph(compiled.graph));
  } catch (error) {
    const cause = error instanceof ModuleEvaluationError ? error.error : error;
    const where = throwSite(cause, compiled.files) ?? displayPath(error instanceof ModuleEvaluationError ? error.file : compiled.file);
    throw new ImplementationLoadError(
      'import',
      `${displayPath(compiled.file)} threw while loading, before any test ran: ${describeError(cause)} (at ${where}). ` +
        'Code at the top level of the module (or of an implementation cell) runs at import; move demos into a function or, in a notebook, into a cell whose first line is `// distlab: demo`.',
      [describeError(cause), ...stackLines(cause)],
    );
  }
}

/**
 * The lab's implementation from a loaded submission; a missing or wrong export (the lab's
 * `implementationFrom` throws `ImplementationError`) becomes `ImplementationLoadError('export')`.
 */
export function implementationFor<I>(lab: Lab<I>, loaded: { readonly file: string; readonly exports: Readonly<Record<string, unknown>> }): I {
  try {
    return lab.implementationFrom(loaded.exports);
  } catch (error) {
    const found = Object.keys(loaded.exports).filter((key) => key !== '__esModule');
    const listing = found.length === 0 ? 'it exports nothing' : `it exports ${found.join(', ')}`;
    const reason = error instanceof ImplementationError ? error.message : describeError(error);
    throw new ImplementationLoadError(
      'export',
      `${displayPath(loaded.file)} does not provide what the ${lab.name} lab needs: ${reason} (${listing}). ` +
        'Check the name and spelling of the exported class; in a notebook, define it at the top level of an implementation cell.',
      [reason],
    );
  }
}

/** Compiles a submission (type-checking it unless `typeCheck: false`). Synchronous. */
export function compileImplementation(file: string, options: LoadOptions = {}): CompiledImplementation {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) {
    throw new ImplementationLoadError(
      'missing',
      `${displayPath(absolute)} does not exist (or is not a file). Give the path of your .ts module or lab notebook (.ipynb), relative to the current folder ${process.cwd()}.`,
    );
  }
  const ts = typescript();
  if (absolute.endsWith('.ipynb')) return compileNotebook(ts, absolute, options);
  if (!/\.(ts|tsx|mts|cts)$/.test(absolute)) {
    throw new ImplementationLoadError('format', `${displayPath(absolute)} is neither a TypeScript module (.ts) nor a notebook (.ipynb).`);
  }
  const modules = transpileGraph(ts, absolute, new Map());
  if (options.typeCheck !== false) typeCheck(ts, Object.keys(modules), options.strict ?? true, null, absolute);
  return { source: 'ts', file: absolute, files: Object.keys(modules), graph: { entry: absolute, modules } };
}

/** Compiles any TypeScript module graph without checking types (used for labs outside dist/). */
export function compileModuleGraph(entry: string): CompiledGraph {
  const absolute = path.resolve(entry);
  return { entry: absolute, modules: transpileGraph(typescript(), absolute, new Map()) };
}

function compileNotebook(ts: typeof TS, file: string, options: LoadOptions): CompiledImplementation {
  let notebook: Notebook;
  try {
    notebook = readNotebook(file);
  } catch (error) {
    const problem = error instanceof NotebookFormatError ? error.problem : describeError(error);
    throw new ImplementationLoadError('format', `${displayPath(file)} is not a readable notebook: ${problem}. Save it from Jupyter (nbformat 4) and try again.`);
  }
  const assembled = notebookModule(ts, notebook, file);
  if (assembled.cells.length === 0) {
    throw new ImplementationLoadError(
      'compile',
      `${displayPath(file)} has no implementation cells: every code cell is marked test, demo or skip (or is empty). Remove the marker from the cells that define your classes.`,
    );
  }
  const virtual = `${file}.ts`;
  const overrides = new Map([[virtual, assembled.code]]);
  const modules = transpileGraph(ts, virtual, overrides, { module: assembled, file });
  if (options.typeCheck !== false) typeCheck(ts, Object.keys(modules), options.strict ?? false, { virtual, module: assembled, notebook: file }, file, overrides);
  return { source: 'ipynb', file, files: [file, ...Object.keys(modules).filter((name) => name !== virtual)], graph: { entry: virtual, modules } };
}

/** Transpiles `entry` and every relative `.ts` import it reaches, to CommonJS. */
function transpileGraph(
  ts: typeof TS,
  entry: string,
  overrides: ReadonlyMap<string, string>,
  notebook: { readonly module: NotebookModule; readonly file: string } | null = null,
): Record<string, string> {
  const modules: Record<string, string> = {};
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    if (file in modules) continue;
    const text = overrides.get(file) ?? fs.readFileSync(file, 'utf8');
    const output = ts.transpileModule(text, { fileName: file, compilerOptions: { ...emitOptions(ts), sourceMap: true }, reportDiagnostics: false });
    const code = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
    let map = JSON.parse(output.sourceMapText ?? '{"version":3,"sources":[],"names":[],"mappings":""}') as SourceMapV3;
    if (file === entry && notebook !== null) map = mapToCells(map, notebook.module.lines, path.basename(notebook.file));
    else map = { ...map, sources: [file] };
    modules[file] = `${code}${inlineSourceMapComment(map)}`;
    for (const specifier of requiredSpecifiers(output.outputText)) {
      if (!specifier.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), specifier);
      const local = localCandidates(base).find((candidate) => /\.tsx?$/.test(candidate) && fs.existsSync(candidate) && fs.statSync(candidate).isFile());
      if (local !== undefined) pending.push(local);
    }
  }
  return modules;
}

function emitOptions(ts: typeof TS): TS.CompilerOptions {
  return {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    useDefineForClassFields: true,
    sourceMap: false,
    inlineSourceMap: false,
  };
}

interface NotebookContext {
  readonly virtual: string;
  readonly module: NotebookModule;
  readonly notebook: string;
}

/** Type-checks `files`; throws `ImplementationLoadError('compile')` listing every error, mapped. */
function typeCheck(
  ts: typeof TS,
  files: readonly string[],
  strict: boolean,
  notebook: NotebookContext | null,
  submission: string,
  overrides: ReadonlyMap<string, string> = new Map(),
): void {
  const options = checkOptions(ts, strict);
  const owned = new Set(files.map((file) => path.resolve(file)));
  const key = typeCheckKey({
    typescriptVersion: ts.version,
    options,
    files: [...owned].map((file) => [file, overrides.get(file) ?? fs.readFileSync(file, 'utf8')] as const),
  });
  if (typeCheckPassedBefore(key)) return;
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => overrides.get(path.resolve(name)) ?? readFile(name);
  host.fileExists = (name) => overrides.has(path.resolve(name)) || fileExists(name);
  host.getSourceFile = (name, language, onError, create) => {
    const resolved = path.resolve(name);
    const text = overrides.get(resolved);
    if (text !== undefined) return ts.createSourceFile(name, text, language, true);
    if (owned.has(resolved)) return getSourceFile(name, language, onError, create);
    // Library files (lib.*.d.ts, @types/node, distlab's own types) do not change between
    // checks: parse them once per process.
    const key = `${strict}|${JSON.stringify(language)}|${resolved}`;
    const cached = sourceFileCache.get(key);
    if (cached !== undefined) return cached;
    const parsed = getSourceFile(name, language, onError, create);
    if (parsed !== undefined) sourceFileCache.set(key, parsed);
    return parsed;
  };
  const program = ts.createProgram({ rootNames: [...files], options, host });
  const diagnostics: TS.Diagnostic[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const sourceFile of program.getSourceFiles()) {
    if (!owned.has(path.resolve(sourceFile.fileName))) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile));
  }
  const errors = diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) {
    const read = program.getSourceFiles().map((sourceFile) => path.resolve(sourceFile.fileName));
    recordTypeCheckPassed(key, read.filter((file) => !owned.has(file) && !overrides.has(file)));
    return;
  }
  const lines = errors.map((diagnostic) => describeDiagnostic(ts, diagnostic, notebook));
  const shown = lines.slice(0, diagnosticsShownMax);
  const more = lines.length > shown.length ? `\n  ... and ${lines.length - shown.length} more` : '';
  throw new ImplementationLoadError(
    'compile',
    `${displayPath(submission)} does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}, TypeScript ${strict ? 'strict' : 'non-strict'}); no test ran. Fix these and run again:\n` +
      `${shown.map((line) => `  ${line}`).join('\n')}${more}`,
    lines,
  );
}

const sourceFileCache = new Map<string, TS.SourceFile>();

/** Compile errors listed in the message (all of them are in `details`). */
export const diagnosticsShownMax = 20;

function checkOptions(ts: typeof TS, strict: boolean): TS.CompilerOptions {
  const root = packageRoot();
  const types = runningFromSource() || !fs.existsSync(path.join(root, 'dist', 'src', 'index.d.ts')) ? path.join(root, 'src') : path.join(root, 'dist', 'src');
  return {
    ...emitOptions(ts),
    noEmit: true,
    strict,
    skipLibCheck: true,
    isolatedModules: true,
    resolveJsonModule: true,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules', '@types')],
    paths: {
      distlab: [path.join(types, 'index')],
      'distlab/*': [path.join(types, '*', 'index'), path.join(types, '*')],
      '*': [path.join(root, 'node_modules', '*'), path.join(root, 'node_modules', '@types', '*')],
    },
  };
}

function describeDiagnostic(ts: typeof TS, diagnostic: TS.Diagnostic, notebook: NotebookContext | null): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  const hint = topLevelAwaitCodes.has(diagnostic.code)
    ? ' (implementation cells run at import and cannot await at the top level: make this a demo cell with first line `// distlab: demo`, or move the code into an async function)'
    : '';
  if (diagnostic.file === undefined || diagnostic.start === undefined) return `${message} (TS${diagnostic.code})`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const fileName = path.resolve(diagnostic.file.fileName);
  if (notebook !== null && fileName === notebook.virtual) {
    const origin = notebook.module.lines[line];
    const where = origin === undefined || origin === null ? `generated line ${line + 1}` : `cell ${origin.cell}, line ${origin.line}`;
    return `${path.basename(notebook.notebook)} ${where}, column ${character + 1}: ${message} (TS${diagnostic.code})${hint}`;
  }
  return `${displayPath(fileName)}:${line + 1}:${character + 1}: ${message} (TS${diagnostic.code})${hint}`;
}

/** TypeScript codes for `await` at the top level of a CommonJS module. */
const topLevelAwaitCodes = new Set([1375, 1378, 1431, 1432]);

let typescriptModule: typeof TS | undefined;

function typescript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  typescriptModule ??= require('typescript') as typeof TS;
  return typescriptModule;
}

/** The first stack frame in the submission: `raft.ipynb cell 5, line 3` or `raft.ts:12:3`. */
function throwSite(error: unknown, files: readonly string[]): string | null {
  if (!(error instanceof Error) || error.stack === undefined) return null;
  for (const line of error.stack.split('\n').slice(1)) {
    const cell = /([^\s()]+\.ipynb) cell (\d+):(\d+):\d+/.exec(line);
    if (cell !== null) return `${cell[1]} cell ${cell[2]}, line ${cell[3]}`;
    const file = files.find((candidate) => line.includes(`${candidate}:`));
    const position = file === undefined ? null : new RegExp(`${escapeRegExp(file)}:(\\d+):(\\d+)`).exec(line);
    if (file !== undefined && position !== null) return `${displayPath(file)}:${position[1]}:${position[2]}`;
  }
  return null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stackLines(error: unknown): string[] {
  if (!(error instanceof Error) || error.stack === undefined) return [];
  return error.stack.split('\n').slice(1, 6).map((line) => line.trim());
}

/** A path relative to the current folder when that is shorter. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.length > 0 && !relative.startsWith('..') && relative.length < file.length ? relative : file;
}

export type { Notebook };
