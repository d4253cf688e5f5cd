/**
 * Proof of power: grades the reference and every mutant of a lab and prints which suite caught
 * each mutant. The reference must get full score; every mutant should lose points.
 *
 *   npx tsx grading/mutants/run.ts [--lab raft] [--seeds N] [--public-seeds N] [--jobs N] [--timeout S] [--only NAME,NAME]
 *   npx distlab grade --mutants --lab raft --seeds 3
 *
 * "caught by public": the public tests fail on the public seeds 1..N a student runs with
 * `distlab test --seeds N` (N = --public-seeds, default 3). "caught by hidden": the hidden
 * suite fails, i.e. the grading run (public tests on the grading seeds plus the hidden
 * scenarios); the score is the grading run's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from 'distlab/testing';
import { grade } from '../grader/grade';
import { round } from '../grader/results';
import { catchFractionMin, catchFractions, catchLine, caughtEnough, type CatchRow } from './catch';
import { writeMutant, type Mutant } from './mutant';

export interface MutantRow {
  readonly name: string;
  readonly mistake: string;
  readonly score: number;
  readonly maxScore: number;
  readonly caughtByPublic: boolean;
  readonly caughtByHidden: boolean;
  /** Tests that failed in the public run. */
  readonly failedPublic: readonly string[];
  /** Tests that failed, `name (hidden)`. */
  readonly failed: readonly string[];
  readonly wallMs: number;
}

export interface MutantRunOptions {
  readonly lab: string;
  readonly seeds?: number;
  /** Public seeds 1..N for the "caught by public" column (default 3). */
  readonly publicSeeds?: number;
  readonly jobs?: number;
  readonly only?: readonly string[];
  /** CPU ms per run (the config's by default). */
  readonly cpuMsPerRun?: number;
  /** The mutants (default: `mutantsOf(lab)`). */
  readonly mutants?: readonly Mutant[];
  readonly onRow?: (row: MutantRow) => void;
}

/** The mutants of a lab (`grading/mutants/<lab>/mutants.ts`, its first array export). */
export function mutantsOf(lab: string): readonly Mutant[] {
  const file = path.join(__dirname, lab, 'mutants');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(file) as Record<string, unknown>;
  const list = Object.values(exported).find(Array.isArray);
  if (list === undefined) throw new Error(`${file} exports no array of mutants`);
  return list as readonly Mutant[];
}

export async function runMutants(options: MutantRunOptions): Promise<MutantRow[]> {
  const root = packageRoot();
  const variants: Mutant[] = [{ name: 'reference', mistake: 'none (the reference solution)', edits: [] }, ...(options.mutants ?? mutantsOf(options.lab))];
  const selected = variants.filter((variant) => options.only === undefined || variant.name === 'reference' || options.only.includes(variant.name));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-mutants-'));
  const rows: MutantRow[] = [];
  try {
    for (const variant of selected) {
      const submission = writeMutant(path.join(work, variant.name), options.lab, variant, root);
      const common = {
        submission,
        lab: options.lab,
        pages: false,
        // Mutants are the instructor's own code: no need for the bridge's separate isolate.
        isolation: 'in-process' as const,
        ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
        ...(options.cpuMsPerRun === undefined ? {} : { limits: { cpuMsPerRun: options.cpuMsPerRun } }),
      };
      const publicRun = await grade({ ...common, outDir: path.join(work, 'out', variant.name, 'public'), seeds: options.publicSeeds ?? 3, seedBase: 0, suites: { public: true, hidden: false } });
      const report = await grade({ ...common, outDir: path.join(work, 'out', variant.name, 'hidden'), ...(options.seeds === undefined ? {} : { seeds: options.seeds }) });
      const failed = report.verdicts.filter((verdict) => !verdict.passed);
      const failedPublic = publicRun.verdicts.filter((verdict) => !verdict.passed);
      const row: MutantRow = {
        name: variant.name,
        mistake: variant.mistake,
        score: report.results.score,
        maxScore: round(report.results.tests.reduce((sum, test) => sum + test.max_score, 0)),
        caughtByPublic: publicRun.loadError !== null || failedPublic.length > 0,
        caughtByHidden: report.loadError !== null || failed.length > 0,
        failedPublic: failedPublic.map((verdict) => verdict.name),
        failed: report.loadError !== null ? [`load error: ${report.loadError.slice(0, 200)}`] : failed.map((verdict) => `${verdict.name}${verdict.hidden ? ' (hidden)' : ''}`),
        wallMs: report.wallMs + publicRun.wallMs,
      };
      rows.push(row);
      options.onRow?.(row);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export function mutantTable(rows: readonly MutantRow[]): string {
  const lines = [['mutant', 'score', 'caught by public', 'caught by hidden', 'wall'], ...rows.map((row) => [row.name, `${row.score}/${row.maxScore}`, row.name === 'reference' ? '-' : row.caughtByPublic ? 'yes' : 'no', row.name === 'reference' ? '-' : row.caughtByHidden ? 'yes' : 'no', `${(row.wallMs / 1000).toFixed(1)}s`])];
  const widths = lines[0]?.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length))) ?? [];
  return lines.map((line) => `| ${line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`).join('\n');
}

/** True when the reference got full score and every mutant lost points. */
export function mutantsVerdict(rows: readonly MutantRow[]): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  for (const row of rows) {
    if (row.name === 'reference' && (row.score < row.maxScore || row.caughtByPublic)) problems.push(`the reference scored ${row.score}/${row.maxScore}: ${[...row.failedPublic, ...row.failed].join(', ')}`);
    if (row.name !== 'reference' && row.score >= row.maxScore) problems.push(`mutant ${row.name} got full score (${row.mistake})`);
  }
  return { ok: problems.length === 0, problems };
}

export async function runMutantsCli(options: Record<string, unknown>, output: { stdout(text: string): void; stderr(text: string): void }): Promise<number> {
  const rows = await runMutants({
    lab: typeof options.lab === 'string' ? options.lab : 'raft',
    ...(typeof options.seeds === 'number' ? { seeds: options.seeds } : {}),
    ...(typeof options.jobs === 'number' ? { jobs: options.jobs } : {}),
    ...(typeof options.publicSeeds === 'number' ? { publicSeeds: options.publicSeeds } : {}),
    ...(typeof options.timeout === 'number' ? { cpuMsPerRun: Math.round(options.timeout * 1000) } : {}),
    ...(typeof options.only === 'string' ? { only: options.only.split(',') } : {}),
    onRow: (row) =>
      output.stderr(
        `${row.name}: ${row.score}/${row.maxScore}` +
          `${row.failedPublic.length > 0 ? `  public seeds failed: ${row.failedPublic.slice(0, 4).join(', ')}` : ''}` +
          `${row.failed.length > 0 ? `  grading failed: ${row.failed.slice(0, 6).join(', ')}` : ''}\n`,
      ),
  });
  output.stdout(`${mutantTable(rows)}\n`);
  const verdict = mutantsVerdict(rows);
  const fractions = await catchFractionsOf(options);
  output.stdout(`\ngrading seeds on which the tests aimed at each mutant catch it (at least ${catchFractionMin * 100}% needed):\n${fractions.map(catchLine).join('\n')}\n`);
  const missed = fractions.filter((row) => !caughtEnough(row)).map((row) => `mutant ${row.name} caught on only ${row.caught} of ${row.seeds} grading seeds`);
  for (const problem of [...verdict.problems, ...missed]) output.stderr(`${problem}\n`);
  return verdict.ok && missed.length === 0 ? 0 : 1;
}

/** Catch fractions (catch.ts) of the mutants `runMutantsCli` graded, on the same grading seeds. */
function catchFractionsOf(options: Record<string, unknown>): Promise<CatchRow[]> {
  const lab = typeof options.lab === 'string' ? options.lab : 'raft';
  const only = typeof options.only === 'string' ? options.only.split(',') : undefined;
  const mutants = mutantsOf(lab).filter((mutant) => only === undefined || only.includes(mutant.name));
  return catchFractions({ lab, mutants, aimed: true, ...(typeof options.seeds === 'number' ? { seeds: options.seeds } : {}) });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at === -1 ? undefined : args[at + 1];
  };
  const number = (name: string): Record<string, number> => {
    const value = flag(`--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`);
    return value === undefined ? {} : { [name]: Number(value) };
  };
  runMutantsCli(
    { lab: flag('--lab') ?? 'raft', ...number('seeds'), ...number('jobs'), ...number('publicSeeds'), ...number('timeout'), ...(flag('--only') === undefined ? {} : { only: flag('--only') }) },
    { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text) },
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
      process.exitCode = 2;
    },
  );
}
