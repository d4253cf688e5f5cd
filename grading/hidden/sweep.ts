/**
 * Sweeps hidden tests against the reference solution, in process (the reference is trusted):
 * every hidden test must pass on every seed before it may grade students.
 *
 *   npx tsx grading/hidden/sweep.ts raft --seeds 200 [--run NAME] [--shard 0/2] [--impl PATH]
 *
 * Prints one line per test: passed seeds, failures (seed and sentence), wall time. The
 * reference is the one `grading/config/<lab>.json` names.
 */
import * as path from 'node:path';
import {
  compileImplementation,
  compileModuleGraph,
  evaluateGraph,
  evaluateImplementation,
  implementationFor,
  loadLab,
  packageRoot,
  preloadDistlab,
  runTests,
  seedRange,
  type LabTest,
  type TestOutcome,
} from 'distlab/testing';
import { hiddenModule, readGradingConfig, referenceModule } from '../grader/config';

export interface SweepLine {
  readonly test: string;
  readonly passed: number;
  readonly seeds: number;
  readonly failures: ReadonlyArray<{ seed: number; failure: string }>;
  readonly wallMs: number;
}

export interface SweepOptions {
  readonly seeds: number;
  readonly seedFirst?: number;
  readonly run?: string;
  readonly shard?: [number, number];
  /** Another implementation than the config's reference. */
  readonly implementation?: string;
}

export async function sweepHidden(labName: string, options: SweepOptions): Promise<SweepLine[]> {
  const { lab } = await loadLab({ name: labName });
  const config = readGradingConfig(path.join(packageRoot(), 'grading', 'config', `${labName}.json`));
  const hiddenFile = hiddenModule(config);
  if (hiddenFile === null) return [];
  const graph = compileModuleGraph(hiddenFile);
  await preloadDistlab(graph);
  const tests = (evaluateGraph(graph).hiddenTests ?? []) as ReadonlyArray<LabTest<unknown>>;
  const compiled = compileImplementation(options.implementation ?? referenceModule(config), { typeCheck: false });
  const fresh = async (): Promise<unknown> => implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
  const [shard, shards] = options.shard ?? [0, 1];
  const selected = tests.filter((test, index) => index % shards === shard && (options.run === undefined || test.name === options.run));
  const lines: SweepLine[] = [];
  for (const test of selected) {
    const outcomes = await runTests({ ...lab, tests: [test] }, await fresh(), { seeds: seedRange(options.seeds, options.seedFirst ?? 1), implementationFor: fresh });
    const line = sweepLine(test.name, outcomes);
    lines.push(line);
    process.stdout.write(`${line.test.padEnd(34)} ${line.passed}/${line.seeds}  ${(line.wallMs / 1000).toFixed(1)}s${line.failures.slice(0, 3).map((f) => `\n    seed ${f.seed}: ${f.failure}`).join('')}\n`);
  }
  return lines;
}

function sweepLine(test: string, outcomes: readonly TestOutcome[]): SweepLine {
  const failures = outcomes.filter((outcome) => !outcome.passed).map((outcome) => ({ seed: outcome.seed, failure: outcome.failure ?? outcome.kind }));
  return { test, passed: outcomes.length - failures.length, seeds: outcomes.length, failures, wallMs: outcomes.reduce((sum, outcome) => sum + outcome.wallMs, 0) };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at === -1 ? undefined : args[at + 1];
  };
  const shard = flag('--shard')?.split('/').map(Number) as [number, number] | undefined;
  const run = flag('--run');
  const implementation = flag('--impl');
  sweepHidden(args[0] ?? 'raft', {
    seeds: Number(flag('--seeds') ?? 200),
    seedFirst: Number(flag('--seed-first') ?? 1),
    ...(run === undefined ? {} : { run }),
    ...(shard === undefined ? {} : { shard }),
    ...(implementation === undefined ? {} : { implementation }),
  }).then(
    (lines) => {
      process.exitCode = lines.every((line) => line.failures.length === 0) ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
      process.exitCode = 2;
    },
  );
}
