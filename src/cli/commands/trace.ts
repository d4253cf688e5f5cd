import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { describeEvent } from '../../runtime/describe';
import { parseTraceJsonLines, TraceFileError } from '../../runtime/trace-file';
import { htmlPage, writeHtmlPage } from '../../plot/html';
import { nodeTimelineSpec } from '../../plot/node-timeline';
import { spaceTimeSpec } from '../../plot/space-time';

/**
 * `distlab trace FILE`: reads a JSON-lines trace (from `replay --out` or `trace.toJsonLines()`),
 * prints its hash and event count, optionally its events as lines, and draws it as HTML.
 */
export function traceCommand(): Command {
  return new Command('trace')
    .description('inspect a JSON-lines trace: hash, events as lines, and plots')
    .argument('<file>', 'a trace.jsonl file')
    .option('--describe', 'print one line per event')
    .addOption(new Option('--from-ms <ms>', 'first virtual ms to show').argParser(Number))
    .addOption(new Option('--to-ms <ms>', 'last virtual ms to show').argParser(Number))
    .option('--html <out>', 'write a self-contained HTML page with the node timeline and a space-time diagram')
    .action(async (file: string, options: { describe?: boolean; fromMs?: number; toMs?: number; html?: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        process.stderr.write(`distlab trace: cannot read ${file}: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      let parsed: ReturnType<typeof parseTraceJsonLines>;
      try {
        parsed = parseTraceJsonLines(text, file);
      } catch (error) {
        if (!(error instanceof TraceFileError)) throw error;
        process.stderr.write(`distlab trace: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const { events, hash } = parsed;
      const fromMs = options.fromMs ?? 0;
      const toMs = options.toMs ?? (events.at(-1)?.atMs ?? 0);
      process.stdout.write(`${file}: ${events.length} events, ${fromMs}-${toMs} ms, sha256 ${hash}\n`);
      if (options.describe) {
        for (const event of events) if (event.atMs >= fromMs && event.atMs <= toMs) process.stdout.write(`${describeEvent(event)}\n`);
      }
      if (options.html !== undefined) {
        const page = await htmlPage({
          title: `Trace ${file}`,
          sections: [
            { heading: 'Nodes over time', spec: nodeTimelineSpec(events, { fromMs, toMs }) },
            { heading: 'Messages', spec: spaceTimeSpec(events, { fromMs: Math.max(fromMs, toMs - 2_000), toMs }) },
          ],
        });
        writeHtmlPage(options.html, page);
        process.stdout.write(`wrote ${options.html}\n`);
      }
    });
}
