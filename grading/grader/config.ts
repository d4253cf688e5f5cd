/**
 * Grading configuration, one file per lab: `grading/config/<lab>.json`.
 *
 *   {
 *     "lab": "raft",
 *     "parts": { "3A": 25, "3B": 25, "3C": 25, "3D": 25 },   points per part, split evenly over its tests
 *     "seeds": 20,                    seeds per test (public and hidden); every seed must pass
 *     "seedBase": 5840,               seeds are seedBase+1 .. seedBase+seeds (not the public 1..N)
 *     "hidden": "../hidden/raft/index.ts",   module exporting `hiddenTests`, relative to this file
 *     "reference": "../solutions/raft/raft.ts",  the reference solution (mutants, sweeps), relative to this file
 *     "support": ["../../labs/raft"],  public files or folders copied beside the submission
 *     "uses": ["raft"],               earlier labs whose code the submission brings (lab 4 runs on lab 3's Raft; see stage.ts)
 *     "limits": { "cpuMsPerRun": 60000, "wallMsPerRun": 300000, "memoryMb": 512, "eventsMax": 20000000,
 *                 "startupCpuMs": 30000, "startupWallMs": 120000, "totalWallMs": 480000 }
 *   }
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

export const limitsSchema = z
  .object({
    /** CPU time one (test, seed) run may use (the worker's user + system time): over it, the run fails. */
    cpuMsPerRun: z.number().int().positive().max(600_000).default(60_000),
    /**
     * The grader's wall-clock safety net per run, far above any legitimate run: a run stopped by
     * it is retried once, then reported as not graded (the machine, not the submission).
     */
    wallMsPerRun: z.number().int().positive().max(3600_000).default(300_000),
    memoryMb: z.number().int().min(64).max(8192).default(512),
    eventsMax: z.number().int().positive().max(50_000_000).default(20_000_000),
    /** CPU time a worker may use to start and load the submission: over it, the submission does not load. */
    startupCpuMs: z.number().int().positive().max(600_000).default(30_000),
    /** Wall-clock safety net for a worker's start (infrastructure, as wallMsPerRun). */
    startupWallMs: z.number().int().positive().max(3600_000).default(120_000),
    /** Wall-clock budget of the whole grading; runs not started by then fail as not run (Gradescope stops at 10 min). */
    totalWallMs: z.number().int().positive().max(6 * 3600_000).default(480_000),
  })
  .strict();

export const gradingConfigSchema = z
  .object({
    lab: z.string().min(1),
    parts: z.record(z.string(), z.number().min(0)),
    seeds: z.number().int().min(1).max(10_000).default(20),
    seedBase: z.number().int().min(0).default(5840),
    hidden: z.string().optional(),
    /** The reference solution, relative to this file: what mutants are made from and hidden sweeps must pass. */
    reference: z.string().optional(),
    /** Public files or folders a submission may import beside itself (e.g. labs/raft), relative to this file. */
    support: z.array(z.string()).default([]),
    /**
     * Earlier labs the submission's code runs on (kvraft: ["raft"]): the submission brings one
     * file per lab (`raft.ipynb` or `raft.ts`), staged as labs/<lab>/ beside that lab's public
     * files (grading/grader/stage.ts).
     */
    uses: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lab name (a folder of labs/)')).default([]),
    // The defaults are written once, in limitsSchema: an absent "limits" parses as {}.
    limits: limitsSchema.prefault({}),
  })
  .strict();

export type GradingConfig = z.infer<typeof gradingConfigSchema> & { readonly file: string };
export type GradingLimits = z.infer<typeof limitsSchema>;

export class GradingConfigError extends Error {
  override readonly name = 'GradingConfigError';
}

/** Reads and validates a grading config; the error names the file and each bad field. */
export function readGradingConfig(file: string): GradingConfig {
  if (!fs.existsSync(file)) throw new GradingConfigError(`no grading config at ${file}: write grading/config/<lab>.json (see grading/grader/config.ts).`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GradingConfigError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = gradingConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new GradingConfigError(`${file}: ${problems.join('; ')}`);
  }
  return { ...parsed.data, file: path.resolve(file) };
}

/** Support files named by a config, absolute. */
export function supportFiles(config: GradingConfig): string[] {
  return config.support.map((file) => path.resolve(path.dirname(config.file), file));
}

/** The reference solution named by a config, absolute; the error says what to add when it names none. */
export function referenceModule(config: GradingConfig): string {
  if (config.reference === undefined) {
    throw new GradingConfigError(`${config.file} names no reference solution: add "reference": "../solutions/<lab>/<lab>.ts" (relative to the config file).`);
  }
  return path.resolve(path.dirname(config.file), config.reference);
}

/** The grading config of a lab that has no file: its parts share 100 points; every other field is the schema's default. */
export function defaultGradingConfig(lab: { readonly name: string; readonly parts: readonly string[] }, file: string, seeds: number): GradingConfig {
  const points = Math.floor(100 / lab.parts.length);
  return { ...gradingConfigSchema.parse({ lab: lab.name, parts: Object.fromEntries(lab.parts.map((part) => [part, points])), seeds }), file };
}

/** The hidden tests module named by a config, absolute, or null. */
export function hiddenModule(config: GradingConfig): string | null {
  return config.hidden === undefined ? null : path.resolve(path.dirname(config.file), config.hidden);
}
