/**
 * `distlab check FILE --model NAME`: checks a history file (JSON or Jepsen EDN) for
 * linearizability. Exit codes: 0 ok, 1 illegal, 2 bad input, 3 unknown (the budget ran out;
 * never reported as ok).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  builtinModel,
  builtinModelNames,
  checkLinearizability,
  checkTimeoutMsDefault,
  describeOperation,
  HistoryFormatError,
  parseJepsenHistory,
  parseJsonHistory,
  type AnnotatedHistory,
  type AnyModel,
  type BuiltinModel,
  type CheckResult,
  type Operation,
} from '../../check';
import { historyReportHtml } from '../../check/linearizability/html-report';
import { historySpec } from '../../plot/history';

/** Exit codes of `distlab check`, as the issue fixes them. */
export const checkExitCodes = { ok: 0, illegal: 1, badInput: 2, unknown: 3 } as const;

export interface CheckCommandOptions {
  readonly model: string;
  readonly timeoutMs: number;
  readonly partition: boolean;
  readonly json: boolean;
  /** Path of the HTML visualization to write, if any. */
  readonly out?: string;
}

/** Where the command writes; tests pass collectors. */
export interface CheckCommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * @example
 * distlab check history.edn --model cas-register --timeout-ms 5000 --out vis.html
 */
export function checkCommand(): Command {
  return new Command('check')
    .description('check a history (JSON or Jepsen EDN) for linearizability; exit 0 ok, 1 illegal, 2 bad input, 3 unknown')
    .argument('<file>', 'history file: .json (operations or a simulator trace) or .edn (Jepsen/Knossos)')
    .addOption(new Option('--model <name>', 'sequential model to check against').choices([...builtinModelNames]).makeOptionMandatory())
    .option('--timeout-ms <ms>', 'time budget; when it runs out the verdict is unknown (exit 3)', parsePositiveInteger, checkTimeoutMsDefault)
    .option('--no-partition', 'check the history as one object instead of one partition per key')
    .option('--json', 'print {verdict, ops, partitions, ms} (and the offending operation) as JSON', false)
    .option('--out <file.html>', 'write a self-contained HTML visualization of the history')
    .action(async (file: string, options: CheckCommandOptions) => {
      process.exitCode = await runCheck(file, options, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      });
    });
}

function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(`expected a positive whole number of milliseconds, got "${text}".`);
  return value;
}

/** Runs the check and returns the exit code; all output goes through `output`. */
export async function runCheck(file: string, options: CheckCommandOptions, output: CheckCommandOutput): Promise<number> {
  let model: BuiltinModel;
  let history: AnnotatedHistory;
  try {
    model = builtinModel(options.model);
    history = await readHistory(file, model);
  } catch (error) {
    output.stderr(`distlab check: ${error instanceof Error ? error.message : String(error)}\n`);
    return checkExitCodes.badInput;
  }
  const instance = model.create();
  const result = checkLinearizability(instance, history.operations, { timeoutMs: options.timeoutMs, partition: options.partition });
  output.stdout(options.json ? `${JSON.stringify(jsonSummary(result, instance))}\n` : humanSummary(result, instance, options.timeoutMs));
  if (options.out !== undefined) {
    const spec = historySpec(history, result, { model: instance, title: `${file}: ${result.verdict}` });
    await writeFile(options.out, await historyReportHtml({ spec, result, model: instance, source: file }));
    output.stderr(`info: wrote history visualization to ${options.out}\n`);
  }
  return checkExitCodes[result.verdict === 'illegal' ? 'illegal' : result.verdict === 'unknown' ? 'unknown' : 'ok'];
}

/** Reads JSON or EDN by extension; without a known extension, JSON if it parses, else EDN. */
export async function readHistory(file: string, model: BuiltinModel): Promise<AnnotatedHistory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file} (${error instanceof Error ? error.message : String(error)}); check the path.`);
  }
  const extension = extname(file).toLowerCase();
  if (extension === '.edn') return parseJepsenHistory(text, model, file);
  if (extension === '.json') return parseJsonHistory(text, model, file);
  try {
    JSON.parse(text);
  } catch {
    return parseJepsenHistory(text, model, file);
  }
  return parseJsonHistory(text, model, file);
}

/** What `--json` prints. */
export function jsonSummary(result: CheckResult, model: AnyModel): Record<string, unknown> {
  const summary: Record<string, unknown> = { verdict: result.verdict, ops: result.ops, partitions: result.partitions.length, ms: round(result.ms) };
  if (result.failure !== undefined) {
    summary.operation = { ...operationJson(result.failure.operation), description: describeOperation(model, result.failure.operation) };
    summary.partition = result.failure.key;
    summary.longestPrefix = result.failure.prefix.map((operation) => operation.id);
    if (result.failure.state !== undefined) summary.state = result.failure.state;
  }
  if (result.reason !== undefined) summary.reason = result.reason;
  return summary;
}

function operationJson(operation: Operation): Record<string, unknown> {
  return {
    id: operation.id,
    client: operation.client,
    input: operation.input,
    output: operation.known ? operation.output : null,
    known: operation.known,
    callMs: operation.callMs,
    returnMs: Number.isFinite(operation.returnMs) ? operation.returnMs : null,
  };
}

function humanSummary(result: CheckResult, model: AnyModel, timeoutMs: number): string {
  const size = `${result.ops} operations, ${result.partitions.length} partition(s), ${round(result.ms)} ms`;
  switch (result.verdict) {
    case 'ok':
      return `ok: linearizable (${size})\n`;
    case 'unknown':
      return `unknown: ${result.reason} after ${timeoutMs} ms (${size}); the history was NOT shown linearizable. Raise --timeout-ms, or check fewer operations.\n`;
    case 'illegal': {
      const failure = result.failure as NonNullable<CheckResult['failure']>;
      const key = failure.key === null ? '' : ` in partition ${JSON.stringify(failure.key)}`;
      return (
        `illegal: not linearizable (${size})\n` +
        `  operation ${failure.operation.id} (client ${failure.operation.client}) ${describeOperation(model, failure.operation)} ` +
        `cannot be linearized${key} after a prefix of ${failure.prefix.length} operation(s)` +
        `${failure.state === undefined ? '' : `, in state ${failure.state}`}; use --out FILE.html to see the history.\n`
      );
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
