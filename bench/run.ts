/**
 * `npm run bench [-- --json] [-- --only NAME]`: runs every benchmark listed in `bench/index.ts`.
 * With --json, prints one JSON line per benchmark: { name, opsPerSec, baselineOpsPerSec, ratio, ... }.
 */
import { benchmarks } from './index';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
  const selected = benchmarks.filter((bench) => only === undefined || bench.name.includes(only));
  if (selected.length === 0) {
    process.stderr.write(`bench: no benchmark matches "${only}"; known: ${benchmarks.map((b) => b.name).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  for (const bench of selected) {
    const outcome = await bench.run();
    if (json) {
      process.stdout.write(`${JSON.stringify({ ...outcome.extra, ...outcome, extra: undefined })}\n`);
    } else {
      const extra = outcome.extra ? `  ${Object.entries(outcome.extra).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
      process.stdout.write(
        `${outcome.name}: ${format(outcome.opsPerSec)} ops/s vs ${format(outcome.baselineOpsPerSec)} ops/s ` +
          `(${bench.baseline}), ratio ${outcome.ratio.toFixed(3)}${extra}\n`,
      );
    }
  }
}

function format(rate: number): string {
  return rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(2);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
