/**
 * CLI start-up, as a student meets it: `distlab --version` and `distlab test raft --part 3A` on
 * the skeleton, each a fresh `node bin/distlab.js` process (the built CLI; `npm run build`
 * first). The baseline is `node -e 0` run the same way in the same run, so the ratio is "how
 * many bare node start-ups one command costs" and does not depend on the machine's speed.
 *
 * `test raft --part 3A` is timed twice: with the type-check cache off (a submission seen for the
 * first time) and warm (the same file again, the usual case for the skeleton). Targets on an
 * idle 2-core machine: --version < 0.5 s, the warm test < 3 s (docs/runtime.md).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { result, type Benchmark, type BenchmarkResult } from './harness';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'distlab.js');

/** Median wall ms of `runs` runs of `node ...args` (exit codes 0 and 1 are both fine). */
function medianMs(args: readonly string[], runs: number, env: NodeJS.ProcessEnv = process.env): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (child.status !== 0 && child.status !== 1) throw new Error(`node ${args.join(' ')} exited ${String(child.status)}: ${child.stderr}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function cliResult(name: string, commandMs: number, baselineMs: number): BenchmarkResult {
  // Rates are commands per second, so the ratio is baseline time / command time (1 = as fast as bare node).
  return result(name, 1000 / commandMs, 1000 / baselineMs, {
    commandSeconds: Math.round(commandMs) / 1000,
    nodeSeconds: Math.round(baselineMs) / 1000,
    nodeStartsPerCommand: Math.round((commandMs / baselineMs) * 10) / 10,
  });
}

function requireBuild(): void {
  if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) throw new Error('cli bench: run `npm run build` first (it times the built CLI).');
}

export const cliBenchmarks: Benchmark[] = [
  {
    name: 'cli: distlab --version',
    baseline: 'node -e 0',
    async run() {
      requireBuild();
      const baseline = medianMs(['-e', '0'], 7);
      return cliResult(this.name, medianMs([cli, '--version'], 7), baseline);
    },
  },
  {
    name: 'cli: distlab test raft --part 3A (skeleton)',
    baseline: 'node -e 0',
    async run() {
      requireBuild();
      const args = [cli, 'test', 'raft', '--part', '3A'];
      const baseline = medianMs(['-e', '0'], 5);
      const cold = medianMs(args, 3, { ...process.env, DISTLAB_TYPECHECK_CACHE: '0' });
      medianMs(args, 1); // fills the type-check cache
      const warm = medianMs(args, 3);
      const measured = cliResult(this.name, warm, baseline);
      return { ...measured, extra: { ...measured.extra, coldSeconds: Math.round(cold) / 1000 } };
    },
  },
];
