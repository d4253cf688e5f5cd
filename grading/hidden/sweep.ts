/**
 * Sweeps hidden tests against the reference solution, in process (the reference is trusted):
 * every hidden test must pass on every seed before it may grade students.
 *
 *   npx tsx grading/hidden/sweep.ts raft --seeds 200 [--run NAME] [--shard 0/2]
 *
 * Prints one line per test: passed seeds, failures (seed and sentence), wall time.
 */
import * as path from 'node:path';
import { loadLab } from '../../src/cli/labs';
import type { LabTest } from '../../src/testing/lab';
import { evaluateImplementation, compileImplementation, implementationFor } from '../../src/testing/load-impl';
import { compileModuleGraph } from '../../src/testing/load-impl';
import { evaluateGraph, preloadDistlab } from '../../src/testing/module-graph';
import { packageRoot } from '../../src/testing/package-root';
import { runTest } from '../../src/testing/run-test';
import { hiddenModule, readGradingConfig } from '../grader/config';

export interface SweepLine {
  readonly test: string;
  readonly passed: number;
  readonly seeds: number;
  readonly failures: ReadonlyArray<{ seed: number; failure: string }>;
  readonly wallMs: number;
}

export async function sweepHidden(labName: string, options: { seeds: number; seedFirst?: number; run?: string; shard?: [number, number]; implementation?: string }): Promise<SweepLine[]> {
  const root = packageRoot();
  const { lab } = await loadLab({ name: labName });
  const config = readGradingConfig(path.join(root, 'grading', 'config', `${labName}.json`));
  const hiddenFile = hiddenModule(config);
  if (hiddenFile === null) return [];
  const graph = compileModuleGraph(hiddenFile);
  await preloadDistlab(graph);
  const tests = (evaluateGraph(graph).hiddenTests ?? []) as ReadonlyArray<LabTest<unknown>>;
  const reference = options.implementation ?? path.join(root, 'grading', 'solutions', labName, `${labName}.ts`);
  const compiled = compileImplementation(reference, { typeCheck: false });
  const lines: SweepLine[] = [];
  const [shard, shards] = options.shard ?? [0, 1];
  const selected = tests.filter((test, index) => index % shards === shard && (options.run === undefined || test.name === options.run));
  for (const test of selected) {
    const started = Date.now(); // wall-clock-ok (outside any world: a budget or a report of grading time)
    const failures: Array<{ seed: number; failure: string }> = [];
    for (let seed = options.seedFirst ?? 1; seed < (options.seedFirst ?? 1) + options.seeds; seed++) {
      const impl = implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
      const { outcome } = await runTest(lab, test, impl, seed);
      if (!outcome.passed) failures.push({ seed, failure: outcome.failure ?? outcome.kind });
    }
    const line = { test: test.name, passed: options.seeds - failures.length, seeds: options.seeds, failures, wallMs: Date.now() - started }; // wall-clock-ok (outside any world: a budget or a report of grading time)
    lines.push(line);
    process.stdout.write(`${line.test.padEnd(34)} ${line.passed}/${line.seeds}  ${(line.wallMs / 1000).toFixed(1)}s${failures.slice(0, 3).map((f) => `\n    seed ${f.seed}: ${f.failure}`).join('')}\n`);
  }
  return lines;
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
