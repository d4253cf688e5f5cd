/**
 * Runs side by side (ours and etcd, same workload, same faults, same machine): one page with
 * both latencies on one chart and the numbers in one table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { htmlPage, writeHtmlPage } from '../plot/html';
import { latencySpec, throughputSpec, type ChartRun } from './charts';
import type { FaultWindow } from './faults';
import type { RunReport } from './report';
import type { RecordedOperation } from './workload';

interface HistoryFile {
  readonly operations: ReadonlyArray<{ client: string; input: unknown; output: unknown; callMs: number; returnMs: number | null; status: string }>;
}

/** A run's chart data, from its report and history.json (times relative to the workload's start). */
export function chartRunOf(report: RunReport): ChartRun {
  const history = JSON.parse(fs.readFileSync(report.files.history, 'utf8')) as HistoryFile;
  const operations: RecordedOperation[] = history.operations.map((operation) => ({
    client: operation.client,
    input: operation.input as RecordedOperation['input'],
    output: (operation.output ?? null) as RecordedOperation['output'],
    callMs: operation.callMs,
    returnMs: operation.returnMs,
    known: operation.status !== 'info',
    server: null,
  }));
  return { system: report.system, operations, faults: report.faults as FaultWindow[], startMs: 0 };
}

/** Writes compare.html; returns its path. */
export async function writeComparison(reports: readonly RunReport[], file: string): Promise<string> {
  const runs = reports.map(chartRunOf);
  const endS = Math.max(...reports.map((report) => Math.ceil(report.durationMs / 1000) + 1));
  const table = reports.map((report) => ({
    system: report.system,
    verdict: report.verdict,
    'lost writes': report.lostWrites.length,
    'ops acknowledged': report.operations.acknowledged,
    'unknown': report.operations.unknown,
    'p50 ms': report.latency.p50Ms ?? '-',
    'p99 ms': report.latency.p99Ms ?? '-',
    'ops/s': report.throughputPerSecond,
    report: path.relative(path.dirname(file), report.files.html),
  }));
  const page = await htmlPage({
    title: `Real mode side by side: ${reports.map((report) => report.system).join(' vs ')}`,
    sections: [
      { heading: 'Numbers', text: reports.map((report) => report.summary).join('\n'), table },
      { heading: 'Latency over time (faults shaded)', spec: latencySpec(runs, { title: 'latency of each acknowledged operation', endS }) },
      { heading: 'Throughput', spec: throughputSpec(runs, { title: 'acknowledged operations per second', endS }) },
    ],
  });
  writeHtmlPage(file, page);
  fs.writeFileSync(file.replace(/\.html$/, '.json'), `${JSON.stringify(table, null, 2)}\n`);
  return file;
}
