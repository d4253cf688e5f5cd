/**
 * `distlab grade`: grades one submission against a lab's public tests (on the grading seeds)
 * and hidden tests, in sandboxed workers (sandbox.ts), and writes results.json (Gradescope's
 * schema) plus one HTML page per failed test. Never throws for a bad submission: every way a
 * submission can fail still yields a valid results.json.
 *
 * The grading process compiles the submission (TypeScript, type-checked) but never evaluates
 * it: it ships the compiled CommonJS to the workers. It does evaluate the lab and the hidden
 * tests, which are instructor code.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import {
  compileImplementation,
  compileModuleGraph,
  evaluateGraph,
  ImplementationLoadError,
  loadLab,
  packageRoot,
  preloadDistlab,
  replayCommand,
  seedRange,
  selectTests,
  SelectionError,
  type CompiledGraph,
  type CompiledImplementation,
  type LabTest,
  type LoadedLab,
} from 'distlab/testing';
import { defaultGradingConfig, hiddenModule, readGradingConfig, supportFiles, type GradingConfig, type GradingLimits } from './config';
import { failureLines, partTable, writeFailurePage } from './feedback';
import { gradescopeResultsSchema } from './results-schema';
import { gradescopeResults, notGraded, unloadableResults, verdicts, type GradescopeResults, type TestPlan, type TestVerdict } from './results';
import type { Isolation } from './protocol';
import { containment, ContainmentUnavailableError, insecureNotice, processMemoryMb, type Containment } from './containment';
import { prepareScratch, runPool, type Assignment, type RunRecord, type SandboxSetup } from './sandbox';
import { stageSubmission, type LabSlot, type StagedSubmission } from './stage';

export { stageSubmission } from './stage';

export interface GradeOptions {
  /** The submission: a `.ts` module or a lab notebook. */
  readonly submission: string;
  readonly lab: string;
  /** A lab folder outside labs/ (fixtures). */
  readonly labDir?: string;
  /** Grading config; default `grading/config/<lab>.json`. */
  readonly configFile?: string;
  /** Where results.json and failure pages go; default `grading-output`. */
  readonly outDir?: string;
  /** Seeds per test (default: the config's). */
  readonly seeds?: number;
  /** Seeds are seedBase+1 .. seedBase+seeds (default: the config's; 0 gives the public seeds 1..N). */
  readonly seedBase?: number;
  /** Parallel workers (default: every core). */
  readonly jobs?: number;
  readonly limits?: Partial<GradingLimits>;
  /** Run only public or only hidden tests (mutant tables). */
  readonly suites?: { readonly public: boolean; readonly hidden: boolean };
  /**
   * Only the tests (public or hidden) with these names: an exact name, else a regular
   * expression matched anywhere in the name (as `distlab test --run`). Each part's points are
   * then split over its selected tests and parts without one are left out, so a quick check of
   * a package (one test per part) still scores the reference 100; results.json names the
   * selection and its output starts with "PARTIAL GRADING". For instructors and tests, never a
   * student's grade.
   */
  readonly tests?: string | readonly string[];
  /** Write failure pages (default true). */
  readonly pages?: boolean;
  /** Progress bar and table on standard error (default false). */
  readonly progress?: boolean;
  /** The name the replay command gives the submission (default its base name). */
  readonly replayImpl?: string;
  /**
   * Where node code runs: 'bridge' (default; a separate isolate, for labs that declare their
   * surface) or 'in-process' (the grading worker's own isolate, hardened: for comparisons).
   * `DISTLAB_GRADE_ISOLATION=in-process` sets the default.
   */
  readonly isolation?: Isolation;
  /**
   * Grade even where workers cannot be contained by the OS (no network or PID namespace, no
   * unprivileged user, no memory rlimit); results.json says so. Default false, or
   * `DISTLAB_GRADE_INSECURE=1`. Without it such a machine refuses to grade.
   */
  readonly insecure?: boolean;
}

export interface GradeReport {
  readonly results: GradescopeResults;
  readonly verdicts: readonly TestVerdict[];
  readonly loadError: string | null;
  readonly outDir: string;
  readonly wallMs: number;
  readonly table: string;
  /** The scratch folder the workers ran in (removed when grading ends): every worker's command line names it. */
  readonly scratch: string | null;
}

/** Something the instructor must fix (no build, bad config); the submission is not to blame. */
export class GradeSetupError extends Error {
  override readonly name = 'GradeSetupError';
}

const gradingSummaryLinesMax = 40;

export async function grade(options: GradeOptions): Promise<GradeReport> {
  const started = Date.now(); // wall-clock-ok (outside any world: a budget or a report of grading time)
  const outDir = path.resolve(options.outDir ?? 'grading-output');
  fs.mkdirSync(outDir, { recursive: true });
  const root = packageRoot();
  const loaded = await loadLab({ name: options.lab, ...(options.labDir === undefined ? {} : { labDir: options.labDir }) });
  const config = configFor(options, loaded, root);
  const limits: GradingLimits = { ...config.limits, ...options.limits };
  const seedCount = options.seeds ?? config.seeds;
  const seedBase = options.seedBase ?? config.seedBase;
  const seeds = seedRange(seedCount, seedBase + 1);
  const hiddenFile = hiddenModule(config);
  const hiddenGraph = hiddenFile !== null && fs.existsSync(hiddenFile) ? compileModuleGraph(hiddenFile) : null;
  const hiddenTests = hiddenGraph === null ? [] : await hiddenTestsOf(hiddenGraph);
  const suites = options.suites ?? { public: true, hidden: true };
  const plan = selectedPlan([
    ...(suites.public ? loaded.lab.tests.map((test) => ({ name: test.name, part: test.part, hidden: false })) : []),
    ...(suites.hidden ? hiddenTests.map((test) => ({ name: test.name, part: test.part, hidden: true })) : []),
  ].filter((test) => test.part in config.parts), loaded.lab.name, options.tests);
  const replayImpl = options.replayImpl ?? path.basename(options.submission);
  const replay = (name: string, seed: number) => replayCommand({ name, seed }, { lab: loaded.lab.name, impl: replayImpl });
  const isolation = isolationOf(options);
  const contained = containmentOf(options, limits, root);
  const extra: Record<string, unknown> = { lab: loaded.lab.name, seeds, sandbox: { ...sandboxReport(contained, limits), code: codeRunsIn(isolation, loaded) }, ...(options.tests === undefined ? {} : { selection: options.tests }) };

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-grade-'));
  // The worker runs as another user: it must reach its folder (and only that one) inside.
  fs.chmodSync(scratch, 0o711);
  try {
    let compiled: CompiledImplementation;
    try {
      compiled = compileStaged(stageFor(options, config, loaded.lab.name, root, path.join(scratch, 'submission')), root);
    } catch (error) {
      return { ...finishUnloadable(outDir, plan, config, loadMessage(error), started, extra, options), scratch };
    }
    const setup = workerSetup(scratch, root, loaded, hiddenGraph, compiled, limits, isolation, contained);
    const assignments = assignmentsFor(plan, seeds);
    const records = await runWithProgress(setup, assignments, options);
    if (records.loadError !== null) {
      return { ...finishUnloadable(outDir, plan, config, `Your submission threw while loading, before any test ran: ${records.loadError}`, started, extra, options), scratch };
    }
    const all = verdicts(plan, seeds, records.records.map(withFixedHiddenSentence), config.parts);
    if (options.pages !== false) {
      for (const verdict of all) {
        if (verdict.passed) continue;
        const page = await writeFailurePage(outDir, loaded.lab.name, verdict, replay);
        if (page !== null) verdict.page = page;
      }
    }
    const table = partTable(all, loaded.lab.parts);
    const partial = options.tests === undefined ? null : `PARTIAL GRADING: only the ${plan.length} tests matching ${JSON.stringify(options.tests)} were run; each part's points are split over its selected tests.`;
    const summary = [insecureNotice(contained), partial, notGradedNotice(all), summaryOf(table, all)].filter((line) => line !== null).join('\n\n');
    const wallMs = Date.now() - started; // wall-clock-ok (outside any world: a budget or a report of grading time)
    const results = gradescopeResults(all, { summary, executionMs: wallMs, replay, extra });
    writeResults(outDir, results);
    if (options.progress === true) process.stderr.write(`${summary}\n\nresults: ${path.join(outDir, 'results.json')}\n`);
    return { results, verdicts: all, loadError: null, outDir, wallMs, table, scratch };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** What the workers get: their folder (readable by the contained user), the code, the limits. */
function workerSetup(scratch: string, root: string, loaded: LoadedLab, hidden: CompiledGraph | null, compiled: CompiledImplementation, limits: GradingLimits, isolation: Isolation, contained: Containment): SandboxSetup {
  const workerFolder = path.join(scratch, 'worker');
  const setup: SandboxSetup = {
    root,
    runtimeRoot: runtimeRoot(root),
    scratch: workerFolder,
    childFile: prepareScratch(workerFolder, workerCode(root)),
    lab: loaded.source,
    labFolder: publicLabFolder(loaded.dir, root),
    hidden,
    submission: { file: compiled.file, source: compiled.source, files: compiled.files, graph: compiled.graph },
    limits,
    isolation,
    containment: contained,
  };
  fs.chmodSync(workerFolder, 0o755);
  checkReadableByWorker(contained, [process.execPath, path.join(setup.runtimeRoot, 'index.js'), path.join(root, 'node_modules', 'rxjs', 'package.json'), setup.childFile]);
  return setup;
}

/**
 * A hidden test's failure is said in a sentence fixed by the grader, by kind: the test's own
 * sentence may carry text the submission chose (a thrown message, a value it printed), and
 * results.json must not become a channel out of the sandbox. Failures the grader enforced
 * (time, memory, tampering) keep their sentence: the grader wrote it.
 */
export function withFixedHiddenSentence(record: RunRecord): RunRecord {
  if (!record.assignment.hidden || record.outcome.passed || record.enforced !== undefined) return record;
  return { ...record, outcome: { ...record.outcome, failure: hiddenFailureSentences[record.outcome.kind], log: [] } };
}

const hiddenFailureSentences: Readonly<Record<RunRecord['outcome']['kind'], string>> = {
  pass: 'passed',
  safety: 'a safety property this hidden scenario checks was violated',
  liveness: 'the system did not make the progress this hidden scenario requires in time',
  crash: 'your code threw, or the run could not go on, during this hidden scenario (the public tests show such errors in full)',
};

/** The tests `names` selects (all without it); a selection matching nothing is the instructor's mistake, said as such. */
function selectedPlan(plan: readonly TestPlan[], lab: string, names: GradeOptions['tests']): TestPlan[] {
  if (names === undefined) return [...plan];
  try {
    return selectTests({ name: lab, parts: [...new Set(plan.map((test) => test.part))], tests: plan }, { names });
  } catch (error) {
    if (error instanceof SelectionError) throw new GradeSetupError(error.message);
    throw error;
  }
}

/** The first line of the results when the grader's wall-clock safety net stopped runs: they are not the student's failures. */
function notGradedNotice(all: readonly TestVerdict[]): string | null {
  const tests = notGraded(all);
  if (tests.length === 0) return null;
  return `NOT GRADED: ${tests.length} test${tests.length === 1 ? '' : 's'} could not be graded within the grader's wall-clock limits (a busy grading machine, or a grading time budget spent by earlier runs): ${tests.slice(0, 5).join(', ')}${tests.length > 5 ? ', ...' : ''}. This is not a verdict on your code: ask the course staff to grade your submission again.`;
}

function summaryOf(table: string, all: readonly TestVerdict[]): string {
  const failures = failureLines(all);
  return [table, ...(failures.length > 0 ? ['', 'Failed tests:', ...failures.slice(0, gradingSummaryLinesMax)] : [])].join('\n');
}

/** The OS containment of the workers; a machine without it refuses to grade unless told `insecure`. */
function containmentOf(options: GradeOptions, limits: GradingLimits, root: string): Containment {
  const insecure = options.insecure ?? process.env.DISTLAB_GRADE_INSECURE === '1';
  try {
    return containment({ insecure, memoryMb: limits.memoryMb });
  } catch (error) {
    if (error instanceof ContainmentUnavailableError) throw new GradeSetupError(error.message);
    throw error;
  }
}

/** A worker runs as nobody: Node, the checkout and its scratch folder must be readable by it (not under /root, say). */
export function checkReadableByWorker(contained: Containment, files: readonly string[]): void {
  if (contained.user !== 'nobody') return;
  const command = [...contained.prefix, process.execPath, '-e', 'for (const f of process.argv.slice(1)) require("fs").accessSync(f, require("fs").constants.R_OK)', ...files];
  const probe = spawnSync(command[0] ?? 'setpriv', command.slice(1), { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) {
    throw new GradeSetupError(`grading workers run as the user nobody, who cannot run Node, read the checkout or reach its scratch folder in TMPDIR (${files.join(', ')}): put the checkout, Node and TMPDIR where every user may read them (e.g. /opt or /autograder and /tmp, not /root). ${(probe.stderr ?? '').split('\n').find((line) => /EACCES|denied/i.test(line)) ?? ''}`.trim());
  }
}

/** What results.json says about the sandbox: the OS containment and the limits. */
function sandboxReport(contained: Containment, limits: GradingLimits): Record<string, unknown> {
  const { prefix, ...reported } = contained;
  void prefix;
  return { ...reported, processMemoryMb: contained.memory === 'rlimit-data' ? processMemoryMb(limits.memoryMb) : null, ...limits };
}

function isolationOf(options: GradeOptions): Isolation {
  return options.isolation ?? (process.env.DISTLAB_GRADE_ISOLATION === 'in-process' ? 'in-process' : 'bridge');
}

/** Where the submission's node code runs, as results.json reports it. */
function codeRunsIn(isolation: Isolation, loaded: LoadedLab): string {
  return isolation === 'bridge' && loaded.lab.surface !== undefined ? 'separate-isolate' : 'grading-worker';
}

/** The lab's source folder, when it is public (not inside grading/). */
function publicLabFolder(folder: string, root: string): string | null {
  const relative = path.relative(path.join(root, 'grading'), folder);
  return !relative.startsWith('..') && !path.isAbsolute(relative) ? null : folder;
}

function configFor(options: GradeOptions, loaded: LoadedLab, root: string): GradingConfig {
  const file = options.configFile ?? path.join(root, 'grading', 'config', `${loaded.lab.name}.json`);
  if (options.configFile === undefined && !fs.existsSync(file)) return defaultGradingConfig(loaded.lab, file, 5);
  return readGradingConfig(file);
}

async function hiddenTestsOf(graph: CompiledGraph): Promise<ReadonlyArray<LabTest<unknown>>> {
  await preloadDistlab(graph);
  const exported = evaluateGraph(graph);
  const tests = exported.hiddenTests ?? exported.default;
  if (!Array.isArray(tests)) throw new GradeSetupError(`${graph.entry} must export hiddenTests (an array of LabTest)`);
  return tests as ReadonlyArray<LabTest<unknown>>;
}

/** Bytes of a submitted notebook (outputs included) and of a submitted .ts file; cells of a notebook. */
export const submissionLimits = { notebookBytesMax: 8 * 1024 * 1024, moduleBytesMax: 1024 * 1024, notebookCellsMax: 2000 } as const;

/**
 * Refuses a submission too large to be a lab notebook or module, before anything parses it:
 * a 200 MB notebook would otherwise take the grader's memory with it.
 */
export function checkSubmissionSize(submission: string): void {
  const file = path.resolve(submission);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return; // the loader explains
  const bytes = fs.statSync(file).size;
  const notebook = file.endsWith('.ipynb');
  const max = notebook ? submissionLimits.notebookBytesMax : submissionLimits.moduleBytesMax;
  const megabytes = (count: number) => `${(count / 1024 / 1024).toFixed(1)} MB`;
  if (bytes > max) {
    throw new ImplementationLoadError('format', `${path.basename(file)} is ${megabytes(bytes)}; the autograder accepts at most ${megabytes(max)}.${notebook ? ' Clear the notebook\'s outputs (Edit > Clear All Outputs), save, and submit again.' : ''}`);
  }
  if (!notebook) return;
  const cells = fs.readFileSync(file, 'utf8').split('"cell_type"').length - 1;
  if (cells > submissionLimits.notebookCellsMax) {
    throw new ImplementationLoadError('format', `${path.basename(file)} has ${cells} cells; the autograder accepts at most ${submissionLimits.notebookCellsMax}. Submit the lab notebook itself.`);
  }
}

/**
 * Compiles the submission. Its module graph must stay inside its own folder: a submission
 * that imports `../../grading/solutions/...` would otherwise have the parent compile the
 * reference into it.
 */
export function compileSubmission(file: string, root: string, within = path.dirname(path.resolve(file))): CompiledImplementation {
  const transpiled = compileImplementation(file, { typeCheck: false });
  const folder = within;
  const grading = path.join(root, 'grading');
  const inside = (parent: string, child: string) => {
    const relative = path.relative(parent, child);
    return relative.length > 0 && !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  const outside = transpiled.files.filter((member) => member !== transpiled.file && (!inside(folder, member) || (!inside(grading, folder) && inside(grading, member))));
  if (outside.length > 0) {
    throw new ImplementationLoadError(
      'import',
      `${path.basename(file)} imports files outside its own folder and the submission's other lab folders (${outside.map((member) => path.basename(member)).join(', ')}): a submission may import only the distlab package, npm packages and files it brings along.`,
    );
  }
  return compileImplementation(file);
}

/**
 * Stages the submission with the earlier labs its lab runs on (the config's `uses`), checking
 * the size of each lab's file before anything parses it.
 */
function stageFor(options: GradeOptions, config: GradingConfig, lab: string, root: string, stage: string): StagedSubmission {
  const slot = (name: string, support: readonly string[]): LabSlot => ({ lab: name, support });
  const uses = config.uses.map((name) => slot(name, supportOfLab(name, root)));
  return stageSubmission(options.submission, stage, slot(lab, supportFiles(config)), uses, checkSubmissionSize);
}

/** The public files of an earlier lab: its config's `support`, else its folder labs/<lab>. */
function supportOfLab(lab: string, root: string): string[] {
  const file = path.join(root, 'grading', 'config', `${lab}.json`);
  return fs.existsSync(file) ? supportFiles(readGradingConfig(file)) : [path.join(root, 'labs', lab)];
}

/**
 * Compiles the staged main lab and each earlier lab (type-checked, each in its own program:
 * a notebook non-strict, a module strict) and joins them into one module graph, in which
 * `lab3Raft('../raft/raft.ipynb')` finds the earlier lab's compiled code (labs/kvraft/lab3.ts).
 * A problem in an earlier lab's file is reported under the name it was submitted as.
 */
export function compileStaged(staged: StagedSubmission, root: string): CompiledImplementation {
  const compile = (file: string, shown: string, context: (message: string) => string): CompiledImplementation => {
    try {
      return compileSubmission(file, root, staged.root);
    } catch (error) {
      if (!(error instanceof ImplementationLoadError)) throw error;
      throw new ImplementationLoadError(error.problem, context(error.message.split(file).join(shown)), error.details);
    }
  };
  const main = compile(staged.main, path.basename(staged.main), (message) => message);
  const modules: Record<string, string> = {};
  const files: string[] = [];
  for (const earlier of staged.earlier) {
    const compiled = compile(earlier.file, earlier.submitted, (message) => `your ${earlier.lab} lab (${earlier.submitted}), which this lab runs on: ${message}`);
    Object.assign(modules, compiled.graph.modules);
    files.push(...compiled.files);
  }
  return { ...main, files: [...new Set([...main.files, ...files])], graph: { entry: main.graph.entry, modules: { ...modules, ...main.graph.modules } } };
}

function loadMessage(error: unknown): string {
  if (error instanceof ImplementationLoadError) return `Your submission could not be used: ${error.message}`;
  throw error;
}

function runtimeRoot(root: string): string {
  const runtime = path.join(root, 'dist', 'src');
  if (!fs.existsSync(path.join(runtime, 'testing', 'run-test.js'))) {
    throw new GradeSetupError(`the built runtime is missing (${runtime}): run \`npm run build\` first; grading workers run compiled JavaScript only.`);
  }
  return runtime;
}

/** The worker script: compiled from child.ts when the sources are here, else the built copy. */
function workerCode(root: string): string {
  const source = path.join(root, 'grading', 'grader', 'child.ts');
  if (fs.existsSync(source)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    return ts.transpileModule(fs.readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
  }
  const built = path.join(root, 'dist', 'grading', 'grader', 'child.js');
  if (!fs.existsSync(built)) throw new GradeSetupError(`the grading worker is missing (${built}): run \`npm run build\`.`);
  return fs.readFileSync(built, 'utf8');
}

function assignmentsFor(plan: readonly TestPlan[], seeds: readonly number[]): Assignment[] {
  const assignments: Assignment[] = [];
  for (const test of plan) {
    for (const seed of seeds) assignments.push({ id: assignments.length + 1, test: test.name, part: test.part, hidden: test.hidden, seed, plots: true });
  }
  return assignments;
}

async function runWithProgress(setup: SandboxSetup, assignments: readonly Assignment[], options: GradeOptions): Promise<{ records: RunRecord[]; loadError: string | null }> {
  const failedTests = new Set<string>();
  const keyOf = (assignment: Assignment) => `${assignment.hidden ? 'hidden' : 'public'}:${assignment.test}`;
  const bar = options.progress === true ? new SingleBar({ stream: process.stderr, format: 'grading [{bar}] {value}/{total} runs | {failed} failed tests | {test}', hideCursor: true }, Presets.shades_classic) : null;
  bar?.start(assignments.length, 0, { failed: 0, test: '' });
  const jobs = options.jobs ?? Math.max(1, os.availableParallelism());
  const result = await runPool(setup, assignments, {
    jobs,
    deadline: Date.now() + setup.limits.totalWallMs, // wall-clock-ok (outside any world: a budget or a report of grading time)
    skip(assignment) {
      const skipped = failedTests.has(keyOf(assignment));
      if (skipped) bar?.increment(1, { failed: failedTests.size });
      return skipped;
    },
    onRecord(record) {
      if (!record.outcome.passed) failedTests.add(keyOf(record.assignment));
      bar?.increment(1, { failed: failedTests.size, test: record.assignment.test });
    },
  });
  bar?.stop();
  return result;
}

/**
 * Checks results.json against Gradescope's schema before writing it (a grader bug is then a
 * GradeSetupError, never a file Gradescope rejects), and writes it whole: a temporary file
 * renamed into place, so a grader killed mid-write leaves no half file behind.
 */
function writeResults(outDir: string, results: GradescopeResults): void {
  const checked = gradescopeResultsSchema.safeParse(results);
  if (!checked.success) throw new GradeSetupError(`the grader built an invalid results.json (${checked.error.issues[0]?.path.join('.') ?? ''}: ${checked.error.issues[0]?.message ?? 'invalid'}); this is a grader bug`);
  const file = path.join(outDir, 'results.json');
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(partial, file);
}

function finishUnloadable(outDir: string, plan: readonly TestPlan[], config: GradingConfig, message: string, started: number, extra: Record<string, unknown>, options: GradeOptions): GradeReport {
  const wallMs = Date.now() - started; // wall-clock-ok (outside any world: a budget or a report of grading time)
  const results = unloadableResults(plan, config.parts, message, wallMs, extra);
  writeResults(outDir, results);
  if (options.progress === true) process.stderr.write(`${message}\n\nscore 0; results: ${path.join(outDir, 'results.json')}\n`);
  return { results, verdicts: [], loadError: message, outDir, wallMs, table: '', scratch: null };
}

/**
 * Writes a results.json saying the autograder itself failed (score 0, the reason), so that
 * Gradescope shows a sentence instead of "The autograder failed to execute correctly".
 */
export function writeGraderErrorResults(outDir: string, error: unknown): void {
  fs.mkdirSync(outDir, { recursive: true });
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const results = { score: 0, output: `The autograder could not grade this submission: ${reason}. This is not your fault; tell the course staff.`, tests: [] };
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}
