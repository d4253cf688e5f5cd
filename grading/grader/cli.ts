/**
 * The command-line side of the grader, called by `distlab grade` (src/cli/commands/grade.ts,
 * which finds this file at run time) and by `npx tsx grading/mutants/run.ts`.
 * Exit codes: 0 full score, 1 below full score, 2 the grader could not run (bad flags, no build,
 * bad config) or could not grade every run (its wall-clock safety net); a results.json is written
 * in every case.
 */
import * as path from 'node:path';
import { grade, GradeSetupError, writeGraderErrorResults } from './grade';
import { notGraded, round } from './results';

export interface GradeCliOptions {
  readonly lab: string;
  readonly out: string;
  readonly seeds?: number;
  readonly jobs?: number;
  readonly json?: boolean;
  readonly config?: string;
  readonly labDir?: string;
  /** CPU seconds per (test, seed) run. */
  readonly timeout?: number;
  readonly memoryMb?: number;
  readonly pages?: boolean;
  /** Grade without OS containment where the machine has none (results.json says so). */
  readonly insecure?: boolean;
  /** Only the tests with this name, else matching this regular expression (a partial grading, said so). */
  readonly run?: string;
}

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const gradeExitCodes = { full: 0, partial: 1, error: 2 } as const;

export async function runGradeCli(submission: string, options: GradeCliOptions, output: CliOutput): Promise<number> {
  try {
    const report = await grade({
      submission,
      lab: options.lab,
      outDir: options.out,
      progress: options.json !== true,
      ...(options.labDir === undefined ? {} : { labDir: options.labDir }),
      ...(options.config === undefined ? {} : { configFile: path.resolve(options.config) }),
      ...(options.seeds === undefined ? {} : { seeds: options.seeds }),
      ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
      ...(options.pages === false ? { pages: false } : {}),
      ...(options.insecure === true ? { insecure: true } : {}),
      ...(options.run === undefined ? {} : { tests: options.run }),
      limits: {
        ...(options.timeout === undefined ? {} : { cpuMsPerRun: Math.round(options.timeout * 1000) }),
        ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
      },
    });
    if (options.json === true) output.stdout(`${JSON.stringify(report.results, null, 2)}\n`);
    const max = round(report.results.tests.reduce((sum, test) => sum + test.max_score, 0));
    // Runs the grader could not grade (its wall-clock safety net): the grading is incomplete, not the submission.
    if (notGraded(report.verdicts).length > 0) return gradeExitCodes.error;
    return report.results.score >= max - 1e-9 && report.loadError === null ? gradeExitCodes.full : gradeExitCodes.partial;
  } catch (error) {
    writeGraderErrorResults(path.resolve(options.out), error);
    const reason = error instanceof Error ? error.message : String(error);
    output.stderr(`distlab grade: ${error instanceof GradeSetupError ? '' : 'internal error: '}${reason}\n`);
    if (options.json === true) output.stdout(`${JSON.stringify({ score: 0, output: reason, tests: [] })}\n`);
    return gradeExitCodes.error;
  }
}
