/**
 * How test outcomes read in a terminal: the course's pass line plus seed, trace hash and wall
 * time; a failure block ending with the exact replay command; a per-part summary table.
 *
 *   TestInitialElection3A (3A) ... Passed -- time 3.1s #peers 3 #RPCs 52 #Bytes 4.2k #Ops 0  seed 7  trace 3fa2c1d0  [0.21s wall]
 *   TestReElection3A (3A) ... FAILED (liveness) at 5.2s: no leader was elected within 5 s
 *     seed 7  trace 9b1e04aa
 *     replay: npx distlab replay raft TestReElection3A --seed 7
 */
import { formatSeconds } from '../check/format';
import type { TestOutcome } from './run-test';

export interface ReportStyle {
  /** ANSI colours (only when writing to a terminal; see `colorFor`). */
  readonly color: boolean;
}

/** How to rerun a test: the lab and the options that picked the implementation. */
export interface ReplayTarget {
  readonly lab: string;
  /** `--impl` as the user gave it (omitted when the lab's skeleton was used). */
  readonly impl?: string;
  /** `--lab-dir` as given, for labs outside labs/. */
  readonly labDir?: string;
}

/** Whether to colour output for `stream`: a TTY, and NO_COLOR unset. */
export function colorFor(stream: { readonly isTTY?: boolean }): boolean {
  return stream.isTTY === true && process.env.NO_COLOR === undefined;
}

const paint = (code: number) => (text: string, style: ReportStyle): string => (style.color ? `\u001b[${code}m${text}\u001b[0m` : text);
const green = paint(32);
const red = paint(31);
const dim = paint(2);

/** 4200 -> "4.2k", 3_100_000 -> "3.1M". */
export function formatCount(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}


/** The first 8 hex digits of a trace hash (enough to tell runs apart; --json has all 64). */
export function shortHash(hash: string): string {
  return hash.length === 0 ? '-' : hash.slice(0, 8);
}

/** The pass line of a passed test. */
export function passLine(outcome: TestOutcome, style: ReportStyle): string {
  return (
    `${outcome.name} (${outcome.part}) ... ${green('Passed', style)} -- time ${formatSeconds(outcome.virtualMs)} ` +
    `#peers ${outcome.peers} #RPCs ${outcome.rpcs} #Bytes ${formatCount(outcome.bytes)} #Ops ${outcome.ops}  ` +
    `seed ${outcome.seed}  trace ${shortHash(outcome.traceHash)}  ${dim(`[${(outcome.wallMs / 1000).toFixed(2)}s wall]`, style)}`
  );
}

/** The shell command that reruns `outcome` bit for bit. */
export function replayCommand(outcome: Pick<TestOutcome, 'name' | 'seed'>, target: ReplayTarget): string {
  const impl = target.impl === undefined ? '' : ` --impl ${shellWord(target.impl)}`;
  const labDir = target.labDir === undefined ? '' : ` --lab-dir ${shellWord(target.labDir)}`;
  return `npx distlab replay ${target.lab} ${outcome.name} --seed ${outcome.seed}${impl}${labDir}`;
}

/** The three-line failure block of a failed test. */
export function failureBlock(outcome: TestOutcome, target: ReplayTarget, style: ReportStyle): string {
  const at = outcome.failureAtMs ?? outcome.virtualMs;
  return [
    `${outcome.name} (${outcome.part}) ... ${red(`FAILED (${outcome.kind})`, style)} at ${formatSeconds(at)}: ${outcome.failure ?? 'failed'}`,
    `  seed ${outcome.seed}  trace ${shortHash(outcome.traceHash)}  ${dim(`[${(outcome.wallMs / 1000).toFixed(2)}s wall]`, style)}`,
    `  replay: ${replayCommand(outcome, target)}`,
  ].join('\n');
}

/** The pass line or failure block, plus the test's log lines when `verbose`. */
export function outcomeText(outcome: TestOutcome, target: ReplayTarget, style: ReportStyle & { readonly verbose?: boolean }): string {
  const head = outcome.passed ? passLine(outcome, style) : failureBlock(outcome, target, style);
  if (style.verbose !== true || outcome.log.length === 0) return head;
  return [head, ...outcome.log.map((line) => `    | ${line}`)].join('\n');
}

/** One row per part (in `parts` order), then a total. */
export interface PartSummary {
  readonly part: string;
  readonly tests: number;
  readonly runs: number;
  readonly passed: number;
  readonly failed: number;
  readonly virtualMs: number;
  readonly wallMs: number;
}

export function summarize(outcomes: readonly TestOutcome[], parts: readonly string[]): PartSummary[] {
  const order = [...parts, ...outcomes.map((outcome) => outcome.part).filter((part) => !parts.includes(part))];
  const rows: PartSummary[] = [];
  for (const part of new Set(order)) {
    const mine = outcomes.filter((outcome) => outcome.part === part);
    if (mine.length > 0) rows.push(summaryRow(part, mine));
  }
  if (rows.length > 1) rows.push(summaryRow('total', outcomes));
  return rows;
}

function summaryRow(part: string, outcomes: readonly TestOutcome[]): PartSummary {
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  return {
    part,
    tests: new Set(outcomes.map((outcome) => outcome.name)).size,
    runs: outcomes.length,
    passed,
    failed: outcomes.length - passed,
    virtualMs: outcomes.reduce((sum, outcome) => sum + outcome.virtualMs, 0),
    wallMs: outcomes.reduce((sum, outcome) => sum + outcome.wallMs, 0),
  };
}

/** The summary as a fixed-width table. */
export function summaryTable(rows: readonly PartSummary[], style: ReportStyle): string {
  const header = ['part', 'tests', 'runs', 'passed', 'failed', 'virtual', 'wall'];
  const cells = rows.map((row) => [
    row.part,
    String(row.tests),
    String(row.runs),
    String(row.passed),
    String(row.failed),
    formatSeconds(row.virtualMs),
    `${(row.wallMs / 1000).toFixed(2)}s`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => (row[column] ?? '').length)));
  const line = (values: readonly string[]): string =>
    values.map((value, column) => (column === 0 ? value.padEnd(widths[column] ?? 0) : value.padStart(widths[column] ?? 0))).join('  ');
  const body = cells.map((row, index) => {
    const text = line(row);
    const failed = (rows[index]?.failed ?? 0) > 0;
    return failed ? red(text, style) : text;
  });
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body].join('\n');
}

/** The closing verdict line. */
export function verdictLine(outcomes: readonly TestOutcome[], style: ReportStyle): string {
  const failed = outcomes.filter((outcome) => !outcome.passed).length;
  if (outcomes.length === 0) return 'no tests ran';
  return failed === 0 ? green(`PASS: ${outcomes.length} of ${outcomes.length} runs passed`, style) : red(`FAIL: ${failed} of ${outcomes.length} runs failed`, style);
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `--json` record of an outcome: everything but the log. */
export function outcomeJson(outcome: TestOutcome): Omit<TestOutcome, 'log'> {
  const { log: _log, ...record } = outcome;
  return record;
}
