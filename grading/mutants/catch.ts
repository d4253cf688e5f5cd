/**
 * Catch fractions: on how many of the grading seeds does the hidden suite catch each mutant?
 * A mutant caught on fewer than half of them counts as not caught (issue 18): one lucky seed
 * in twenty is not a test. Runs in process (mutants are our own code, not submissions): per
 * seed, what grading runs on it (the hidden scenarios, then the public tests) in order until
 * one fails; `firstCatchers` says which suite caught it (public tests carry "(public)").
 *
 *   npx tsx grading/mutants/catch.ts --lab raft [--seeds 20] [--aimed] [--only a,b] [--shard 0/2]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileImplementation, compileModuleGraph, evaluateGraph, evaluateImplementation, implementationFor, loadLab, packageRoot, preloadDistlab, runTest, seedRange, type LabTest } from 'distlab/testing';
import { hiddenModule, readGradingConfig } from '../grader/config';
import { writeMutant, type Mutant } from './mutant';
import { mutantsOf } from './run';

/** A mutant counts as caught when the hidden suite catches it on at least this share of the seeds. */
export const catchFractionMin = 0.5;
/** Events one in-process run may take: a mutant's storm ends as a failure instead of hanging the run. */
const mutantEventsMax = 3_000_000;

export interface CatchRow {
  readonly name: string;
  readonly seeds: number;
  /** Seeds on which some hidden scenario failed. */
  readonly caught: number;
  /** Per hidden scenario: seeds on which it was the first to fail. */
  readonly firstCatchers: Readonly<Record<string, number>>;
}

export interface CatchOptions {
  readonly lab: string;
  readonly mutants: readonly Mutant[];
  /** Grading seeds (default: the lab config's `seeds`, from its `seedBase`). */
  readonly seeds?: number;
  /** Run only the tests each mutant names in `caughtBy` (a lower bound, much faster). */
  readonly aimed?: boolean;
  readonly onRow?: (row: CatchRow) => void;
}

export function caughtEnough(row: CatchRow): boolean {
  return row.caught >= catchFractionMin * row.seeds;
}

export async function catchFractions(options: CatchOptions): Promise<CatchRow[]> {
  const root = packageRoot();
  const { lab } = await loadLab({ name: options.lab });
  const config = readGradingConfig(path.join(root, 'grading', 'config', `${options.lab}.json`));
  const hiddenFile = hiddenModule(config);
  if (hiddenFile === null) throw new Error(`grading/config/${options.lab}.json names no hidden module: there is nothing to catch mutants with`);
  const graph = compileModuleGraph(hiddenFile);
  await preloadDistlab(graph);
  const hidden = (evaluateGraph(graph).hiddenTests ?? []) as ReadonlyArray<LabTest<unknown>>;
  const tests = [...hidden, ...lab.tests.filter((test) => test.part in config.parts).map((test) => ({ ...test, name: `${test.name} (public)` }))];
  const bounded = tests.map((test) => ({ ...test, world: { ...test.world, eventsMax: Math.min(test.world?.eventsMax ?? mutantEventsMax, mutantEventsMax) } }));
  const seeds = seedRange(options.seeds ?? config.seeds, config.seedBase + 1);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-catch-'));
  const rows: CatchRow[] = [];
  try {
    for (const mutant of options.mutants) {
      const file = writeMutant(path.join(work, mutant.name), options.lab, mutant, root);
      const compiled = compileImplementation(file, { typeCheck: false });
      const firstCatchers: Record<string, number> = {};
      let caught = 0;
      const aimed = options.aimed === true && mutant.caughtBy !== undefined ? bounded.filter((test) => mutant.caughtBy?.includes(test.name.replace(' (public)', ''))) : bounded;
      for (const seed of seeds) {
        for (const test of aimed) {
          const impl = implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
          const { outcome } = await runTest(lab, test, impl, seed);
          if (outcome.passed) continue;
          caught++;
          firstCatchers[test.name] = (firstCatchers[test.name] ?? 0) + 1;
          break;
        }
      }
      const row = { name: mutant.name, seeds: seeds.length, caught, firstCatchers };
      rows.push(row);
      options.onRow?.(row);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export function catchLine(row: CatchRow): string {
  const by = Object.entries(row.firstCatchers).map(([test, count]) => `${test} ${count}`).join(', ');
  return `${row.name.padEnd(40)} ${`${row.caught}/${row.seeds}`.padStart(6)}  ${caughtEnough(row) ? 'caught' : 'NOT CAUGHT'}${by === '' ? '' : `  (${by})`}`;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at === -1 ? undefined : args[at + 1];
  };
  const lab = flag('--lab') ?? 'raft';
  const only = flag('--only')?.split(',');
  const [shard, shards] = (flag('--shard') ?? '0/1').split('/').map(Number) as [number, number];
  const mutants = mutantsOf(lab).filter((mutant, index) => index % shards === shard && (only === undefined || only.includes(mutant.name)));
  const seeds = flag('--seeds');
  catchFractions({ lab, mutants, aimed: args.includes('--aimed'), ...(seeds === undefined ? {} : { seeds: Number(seeds) }), onRow: (row) => void process.stdout.write(`${catchLine(row)}\n`) }).then(
    (rows) => {
      process.exitCode = rows.every(caughtEnough) ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
      process.exitCode = 2;
    },
  );
}
