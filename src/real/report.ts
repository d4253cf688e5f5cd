/**
 * The end of a real run: the history checked (linearizability with the project's checker against
 * lab 2's versioned key/value model, and acknowledged Puts not lost by the final reads), the numbers (p50/p99 latency, throughput),
 * and the files: history.json (readable by `distlab check`), report.json, report.html (charts,
 * verdict, per-node log tails) and latency.svg.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkLinearizability, historyOf, kvVersionedModel, type CheckResult } from '../check';
import type { GetReply } from '../check/linearizability';
import { htmlPage, writeHtmlPage } from '../plot/html';
import { renderSvg } from '../plot/render';
import { latencySpec, throughputSpec, type ChartRun } from './charts';
import type { FaultKind, FaultWindow } from './faults';
import { latencySummary, lostPuts, throughputPerSecond, type LatencySummary } from './stats';
import type { RecordedOperation, WorkloadState } from './workload';

/** A process the run started (listed in processes.json and the report: none may outlive the run). */
export interface StartedProcess {
  readonly node: string;
  readonly incarnation: number;
  readonly pid: number;
}

export type RunVerdict = 'linearizable' | 'not linearizable' | 'unknown';

export interface RunReport {
  readonly system: string;
  /** True when the history is linearizable and no acknowledged write was lost. */
  readonly ok: boolean;
  readonly verdict: RunVerdict;
  /** One sentence: what was checked and what was found. */
  readonly summary: string;
  readonly interrupted: boolean;
  readonly nodes: number;
  readonly clients: number;
  readonly durationMs: number;
  readonly nemesis: readonly FaultKind[];
  readonly seed: number;
  readonly operations: { readonly total: number; readonly acknowledged: number; readonly unknown: number };
  readonly latency: LatencySummary;
  readonly throughputPerSecond: number;
  readonly lostWrites: readonly string[];
  readonly checkMs: number;
  readonly faults: readonly FaultWindow[];
  readonly processes: readonly StartedProcess[];
  readonly files: { readonly html: string; readonly json: string; readonly history: string; readonly logs: readonly string[] };
}

export interface RunToCheck {
  readonly system: string;
  readonly options: { readonly nodes: number; readonly clients: number; readonly durationMs: number; readonly nemesis: readonly FaultKind[]; readonly seed: number; readonly out: string };
  readonly state: WorkloadState;
  readonly faults: readonly FaultWindow[];
  readonly finalReads: ReadonlyMap<string, GetReply>;
  readonly startMs: number;
  readonly workloadEndMs: number;
  readonly interrupted: boolean;
  readonly logFiles: readonly string[];
  readonly processes: readonly StartedProcess[];
}

/** Wall-clock budget of the linearizability check. */
export const checkBudgetMs = 60_000;
/** Lines of each node's log shown at the end of report.html. */
const logTailLines = 40;

export async function checkRun(run: RunToCheck): Promise<RunReport> {
  const operations = run.state.operations;
  const check = checkLinearizability(kvVersionedModel(), historyOf(operations), { timeoutMs: checkBudgetMs });
  const lostWrites = lostPuts(operations, run.finalReads);
  const verdict: RunVerdict = check.verdict === 'ok' ? 'linearizable' : check.verdict === 'illegal' ? 'not linearizable' : 'unknown';
  const out = run.options.out;
  const files = { html: path.join(out, 'report.html'), json: path.join(out, 'report.json'), history: path.join(out, 'history.json'), logs: run.logFiles };
  const acknowledged = operations.filter((operation) => operation.known !== false).length;
  const report: RunReport = {
    system: run.system,
    ok: verdict === 'linearizable' && lostWrites.length === 0,
    verdict,
    summary: summarize(run, check, lostWrites),
    interrupted: run.interrupted,
    nodes: run.options.nodes,
    clients: run.options.clients,
    durationMs: run.options.durationMs,
    nemesis: run.options.nemesis,
    seed: run.options.seed,
    operations: { total: operations.length, acknowledged, unknown: operations.length - acknowledged },
    latency: latencySummary(operations.filter((operation) => operation.returnMs !== null && (operation.returnMs as number) <= run.workloadEndMs)),
    throughputPerSecond: throughputPerSecond(operations, run.startMs, run.workloadEndMs),
    lostWrites,
    checkMs: Math.round(check.ms),
    faults: run.faults.map((fault) => ({ ...fault, startMs: round(fault.startMs - run.startMs), endMs: round(fault.endMs - run.startMs) })),
    processes: run.processes,
    files,
  };
  fs.writeFileSync(files.history, `${JSON.stringify({ operations: historyJson(operations, run.startMs), annotations: annotations(run) }, null, 1)}\n`);
  fs.writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeReportPage(report, { system: run.system, operations, faults: run.faults, startMs: run.startMs });
  return report;
}

function summarize(run: RunToCheck, check: CheckResult, lostWrites: readonly string[]): string {
  const history = `${run.state.operations.length} operations`;
  const lin =
    check.verdict === 'ok'
      ? `the history of ${history} is linearizable`
      : check.verdict === 'illegal'
        ? `the history of ${history} is NOT linearizable (${check.failure === undefined ? 'see history.json' : `operation ${check.failure.operation.id} by ${check.failure.operation.client} cannot be placed`})`
        : `the linearizability check of ${history} was inconclusive (${check.reason ?? 'budget ran out'})`;
  const lost = lostWrites.length === 0 ? 'no acknowledged write was lost' : `${lostWrites.length} acknowledged writes were lost (first: ${lostWrites[0]})`;
  return `${run.system}: ${lin}; ${lost}${run.interrupted ? ' (interrupted: no final reads, lost writes not judged)' : ''}.`;
}

/** The history as `distlab check` reads it (times relative to the workload's start). */
function historyJson(operations: readonly RecordedOperation[], startMs: number): object[] {
  return operations.map((operation) => ({
    client: operation.client,
    input: operation.input,
    output: operation.output ?? null,
    callMs: round(operation.callMs - startMs),
    returnMs: operation.returnMs === null || operation.returnMs === undefined ? null : round(operation.returnMs - startMs),
    status: operation.known === false ? 'info' : 'ok',
  }));
}

function annotations(run: RunToCheck): object[] {
  return run.faults.flatMap((fault) => [
    { atMs: round(fault.startMs - run.startMs), kind: fault.kind === 'kill' ? 'crash' : 'fault', description: fault.description },
    ...(Number.isFinite(fault.endMs) ? [{ atMs: round(fault.endMs - run.startMs), kind: fault.kind === 'kill' ? 'restart' : 'fault', description: `healed: ${fault.description}` }] : []),
  ]);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function writeReportPage(report: RunReport, chart: ChartRun): Promise<void> {
  const endS = Math.max(1, Math.ceil(report.durationMs / 1000) + 1);
  const latency = latencySpec([chart], { title: `${report.system}: latency of each acknowledged operation (faults shaded)`, endS });
  const latencySvg = await renderSvg(latency);
  const table = [
    { measure: 'verdict', value: report.verdict },
    { measure: 'operations (acknowledged / unknown)', value: `${report.operations.acknowledged} / ${report.operations.unknown}` },
    { measure: 'latency p50 / p99 / max (ms)', value: `${report.latency.p50Ms} / ${report.latency.p99Ms} / ${report.latency.maxMs}` },
    { measure: 'throughput (acknowledged ops/s)', value: report.throughputPerSecond },
    { measure: 'nodes, clients, duration, seed', value: `${report.nodes}, ${report.clients}, ${report.durationMs / 1000} s, ${report.seed}` },
    { measure: 'faults', value: report.faults.map((fault) => `${(fault.startMs / 1000).toFixed(1)}-${(fault.endMs / 1000).toFixed(1)} s ${fault.description}`).join('; ') || 'none' },
  ];
  const page = await htmlPage({
    title: `Real run: ${report.system}, ${report.verdict}`,
    sections: [
      { heading: 'Verdict', text: report.summary + (report.lostWrites.length > 0 ? `\n${report.lostWrites.slice(0, 20).join('\n')}` : ''), table },
      { heading: 'Latency over time', svg: latencySvg },
      { heading: 'Throughput', spec: throughputSpec([chart], { title: `${report.system}: acknowledged operations per second`, endS }) },
      ...report.files.logs.map((file) => ({ heading: `Log ${path.basename(file)} (last ${logTailLines} lines)`, text: logTail(file) })),
    ],
  });
  writeHtmlPage(report.files.html, page);
  fs.writeFileSync(path.join(path.dirname(report.files.html), 'latency.svg'), latencySvg);
}

function logTail(file: string): string {
  if (!fs.existsSync(file)) return '(no log)';
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-logTailLines).join('\n');
}
