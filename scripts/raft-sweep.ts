/**
 * Runs the Raft lab's tests on seeds 1..N and prints, per test, how many seeds passed and the
 * failures with their seeds, then the total wall time.
 *
 *   npx tsx scripts/raft-sweep.ts --seeds 100 [--part 3C] [--run NAME] [--impl PATH (default: the reference grading/config/raft.json names)] [--from S]
 */
import * as path from 'node:path';
import { runTests, seedRange, type TestOutcome } from 'distlab/testing';
import { readGradingConfig, referenceModule } from '../grading/grader/config';
import { raftLab } from '../labs/raft/lab';

interface Options {
  seeds: number;
  from: number;
  part: string | null;
  run: string | null;
  impl: string;
  verbose: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { seeds: 10, from: 1, part: null, run: null, impl: referenceModule(readGradingConfig(path.join(__dirname, '..', 'grading', 'config', 'raft.json'))), verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--seeds') options.seeds = Number(value);
    else if (flag === '--from') options.from = Number(value);
    else if (flag === '--part') options.part = value;
    else if (flag === '--run') options.run = value;
    else if (flag === '--impl') options.impl = value;
    else if (flag === '--verbose') {
      options.verbose = true;
      continue;
    } else throw new Error(`unknown option ${flag}; use --seeds N [--from S] [--part 3A] [--run NAME] [--impl PATH] [--verbose]`);
    i++;
  }
  if (!Number.isSafeInteger(options.seeds) || options.seeds < 1) throw new Error('--seeds needs a positive integer');
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const module = (await import(path.resolve(options.impl))) as Record<string, unknown>;
  const impl = raftLab.implementationFrom(module);
  const selection = { ...(options.part === null ? {} : { part: options.part }), ...(options.run === null ? {} : { names: options.run }) };
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const outcomes: TestOutcome[] = [];
  await runTests(raftLab, impl, {
    ...selection,
    seeds: seedRange(options.seeds, options.from),
    onOutcome: (outcome) => {
      outcomes.push(outcome);
      if (options.verbose) process.stdout.write(`${outcome.name} seed ${outcome.seed}: ${outcome.passed ? 'ok' : `FAIL ${outcome.failure}`} (${outcome.wallMs.toFixed(0)} ms wall, ${(outcome.virtualMs / 1000).toFixed(1)} s virtual)\n`);
      if (outcome.seed === options.from + options.seeds - 1) process.stdout.write(`${testLines(outcomes.filter((o) => o.name === outcome.name), options.seeds).join('\n')}\n`);
    },
  });
  const failedTotal = outcomes.filter((outcome) => !outcome.passed).length;
  const virtualMs = outcomes.reduce((sum, outcome) => sum + outcome.virtualMs, 0);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const tests = new Set(outcomes.map((outcome) => outcome.name)).size;
  process.stdout.write(
    `\n${tests} tests x ${options.seeds} seeds: ${outcomes.length - failedTotal} passed, ${failedTotal} failed; ` +
      `wall ${wallS.toFixed(1)} s (CPU ${cpuS.toFixed(1)} s), virtual ${(virtualMs / 1000).toFixed(0)} s: ` +
      `${(virtualMs / 1000 / wallS).toFixed(0)}x virtual/wall, ${(virtualMs / 1000 / cpuS).toFixed(0)}x virtual/CPU\n`,
  );
  process.exitCode = failedTotal === 0 ? 0 : 1;
}

/** One test's line (passed seeds, mean wall time) and its first failures. */
function testLines(outcomes: readonly TestOutcome[], seeds: number): string[] {
  const failures = outcomes.filter((outcome) => !outcome.passed);
  const wallMs = outcomes.reduce((sum, outcome) => sum + outcome.wallMs, 0);
  const name = outcomes[0]?.name ?? '';
  const lines = [`${name.padEnd(34)} ${String(seeds - failures.length).padStart(4)}/${seeds}  ${(wallMs / seeds).toFixed(0).padStart(6)} ms/seed`];
  for (const failure of failures.slice(0, 5)) lines.push(`    seed ${failure.seed}: [${failure.kind}] ${failure.failure}`);
  if (failures.length > 5) lines.push(`    ... and ${failures.length - 5} more`);
  return lines;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
