/**
 * Runs the Raft lab's tests on seeds 1..N and prints, per test, how many seeds passed and the
 * failures with their seeds, then the total wall time.
 *
 *   npx tsx scripts/raft-sweep.ts --seeds 100 [--part 3C] [--run NAME] [--impl grading/solutions/raft/raft.ts] [--from S]
 */
import * as path from 'node:path';
import { runTest, type TestOutcome } from 'distlab/testing';
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
  const options: Options = { seeds: 10, from: 1, part: null, run: null, impl: 'grading/solutions/raft/raft.ts', verbose: false };
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
  const tests = raftLab.tests.filter((test) => (options.part === null || test.part === options.part) && (options.run === null || new RegExp(options.run).test(test.name)));
  if (tests.length === 0) throw new Error(`no test matches --part ${options.part} --run ${options.run}`);
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  let virtualMs = 0;
  const rows: string[] = [];
  let failedTotal = 0;
  for (const test of tests) {
    const failures: TestOutcome[] = [];
    let wallMs = 0;
    for (let seed = options.from; seed < options.from + options.seeds; seed++) {
      const { outcome } = await runTest(raftLab, test, impl, seed);
      wallMs += outcome.wallMs;
      virtualMs += outcome.virtualMs;
      if (!outcome.passed) failures.push(outcome);
      if (options.verbose) process.stdout.write(`${test.name} seed ${seed}: ${outcome.passed ? 'ok' : `FAIL ${outcome.failure}`} (${outcome.wallMs.toFixed(0)} ms wall, ${(outcome.virtualMs / 1000).toFixed(1)} s virtual)\n`);
    }
    failedTotal += failures.length;
    const passed = options.seeds - failures.length;
    rows.push(`${test.name.padEnd(34)} ${String(passed).padStart(4)}/${options.seeds}  ${(wallMs / options.seeds).toFixed(0).padStart(6)} ms/seed`);
    for (const failure of failures.slice(0, 5)) rows.push(`    seed ${failure.seed}: [${failure.kind}] ${failure.failure}`);
    if (failures.length > 5) rows.push(`    ... and ${failures.length - 5} more`);
    process.stdout.write(`${rows.slice(-1 - Math.min(failures.length, 6)).join('\n')}\n`);
  }
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `\n${tests.length} tests x ${options.seeds} seeds: ${tests.length * options.seeds - failedTotal} passed, ${failedTotal} failed; ` +
      `wall ${wallS.toFixed(1)} s (CPU ${cpuS.toFixed(1)} s), virtual ${(virtualMs / 1000).toFixed(0)} s: ` +
      `${(virtualMs / 1000 / wallS).toFixed(0)}x virtual/wall, ${(virtualMs / 1000 / cpuS).toFixed(0)}x virtual/CPU\n`,
  );
  process.exitCode = failedTotal === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
