/**
 * Jepsen's EDN history format, as Jepsen and Knossos write it: one map per line,
 *   {:process 3, :type :invoke, :f :cas, :value [1 4]}
 * `:type` is :invoke, then :ok (it happened), :fail (it did not: dropped) or :info (it may or may
 * not have: indeterminate). An invocation with no completion is indeterminate too. Entries whose
 * `:process` is not an integer (`:nemesis`) become fault annotations. Time is the line position,
 * which is exactly Jepsen's real-time order. The whole file may be wrapped in `[...]` or `(...)`.
 *
 * Parsing uses edn-data (a maintained EDN reader); each line is read on its own so that an error
 * can name its line.
 */
import { parseEDNString } from 'edn-data';
import { historyOf, type AnnotatedHistory, type HistoryAnnotation, type OperationInput } from '../history';
import type { BuiltinModel } from '../models/builtin';
import { HistoryFormatError } from './format-error';

interface JepsenRecord {
  readonly line: number;
  readonly process: unknown;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: string;
  readonly value: unknown;
  readonly key: unknown;
}

const types = ['invoke', 'ok', 'fail', 'info'] as const;

/**
 * @example
 * const { operations } = parseJepsenHistory(readFileSync('history.edn', 'utf8'), builtinModel('cas-register'));
 */
export function parseJepsenHistory(text: string, model: BuiltinModel, file = 'history.edn'): AnnotatedHistory {
  const records = readRecords(text, file);
  const pending = new Map<string, { record: JepsenRecord; index: number }>();
  const drafts: (OperationInput | null)[] = [];
  const annotations: HistoryAnnotation[] = [];
  for (const record of records) {
    if (typeof record.process !== 'number') {
      if (record.type !== 'invoke') annotations.push({ atMs: record.line, kind: 'fault', description: describeNemesis(record) });
      continue;
    }
    const process = String(record.process);
    const open = pending.get(process);
    if (record.type === 'invoke') {
      if (open !== undefined) {
        throw new HistoryFormatError(file, record.line, `process ${process} invoked :${record.f} while its :${open.record.f} from line ${open.record.line} has no completion; a process runs one operation at a time.`);
      }
      pending.set(process, { record, index: drafts.length });
      drafts.push(draft(model, file, record, undefined));
      continue;
    }
    if (open === undefined) {
      throw new HistoryFormatError(file, record.line, `:${record.type} for process ${process} without a preceding :invoke; every completion needs an invocation on an earlier line.`);
    }
    if (open.record.f !== record.f) {
      throw new HistoryFormatError(file, record.line, `completion :f :${record.f} does not match the :invoke :f :${open.record.f} on line ${open.record.line}.`);
    }
    pending.delete(process);
    drafts[open.index] = record.type === 'fail' ? null : draft(model, file, open.record, record);
  }
  const kept = drafts.filter((operation): operation is OperationInput => operation !== null);
  return { operations: historyOf(kept), annotations, timeUnit: 'line' };
}

/** One operation; `completion` undefined or :info means the outcome is unknown. */
function draft(model: BuiltinModel, file: string, invoke: JepsenRecord, completion: JepsenRecord | undefined): OperationInput {
  const known = completion !== undefined && completion.type === 'ok';
  const line = completion?.line ?? invoke.line;
  try {
    const mapped = model.fromJepsen({
      f: invoke.f,
      invokeValue: invoke.value,
      completionValue: known ? completion.value : undefined,
      known,
      key: invoke.key ?? completion?.key,
    });
    return {
      client: String(invoke.process),
      input: mapped.input,
      output: known ? mapped.output : undefined,
      callMs: invoke.line,
      returnMs: completion?.line ?? null,
      known,
    };
  } catch (error) {
    throw new HistoryFormatError(file, line, `${error instanceof Error ? error.message : String(error)} (model ${model.name}).`);
  }
}

function describeNemesis(record: JepsenRecord): string {
  const value = record.value === null || record.value === undefined ? '' : ` ${JSON.stringify(record.value)}`;
  return `${String(record.process)} ${record.f}${value}`;
}

function readRecords(text: string, file: string): JepsenRecord[] {
  const lines = text.split(/\r?\n/);
  const records: JepsenRecord[] = [];
  lines.forEach((raw, index) => {
    let line = raw.trim();
    if (index === firstContentLine(lines)) line = line.replace(/^[[(]\s*/, '');
    if (index === lastContentLine(lines)) line = line.replace(/\s*[\])]$/, '');
    if (line === '' || line.startsWith(';')) return;
    records.push(readRecord(line, index + 1, file));
  });
  return records;
}

function firstContentLine(lines: readonly string[]): number {
  return lines.findIndex((line) => line.trim() !== '');
}

function lastContentLine(lines: readonly string[]): number {
  for (let index = lines.length - 1; index >= 0; index--) if (lines[index].trim() !== '') return index;
  return -1;
}

function readRecord(line: string, lineNumber: number, file: string): JepsenRecord {
  let values: unknown;
  try {
    values = parseEDNString(`[${line}\n]`, { mapAs: 'object', keywordAs: 'string', listAs: 'array', setAs: 'array' });
  } catch {
    throw new HistoryFormatError(file, lineNumber, 'unbalanced closing bracket; expected one map such as {:process 0, :type :invoke, :f :read, :value nil}.');
  }
  if (values === null || values === undefined) {
    throw new HistoryFormatError(file, lineNumber, 'incomplete EDN (an unclosed map, vector or string?); expected one map per line such as {:process 0, :type :invoke, :f :read, :value nil}.');
  }
  const list = values as unknown[];
  if (list.length !== 1 || typeof list[0] !== 'object' || list[0] === null || Array.isArray(list[0])) {
    throw new HistoryFormatError(file, lineNumber, `expected exactly one map per line such as {:process 0, :type :invoke, :f :read, :value nil}, found ${list.length} value(s).`);
  }
  const map = list[0] as Record<string, unknown>;
  const type = map.type;
  if (typeof type !== 'string' || !(types as readonly string[]).includes(type)) {
    throw new HistoryFormatError(file, lineNumber, `:type must be one of :invoke, :ok, :fail, :info; got ${JSON.stringify(type)}.`);
  }
  if (typeof map.f !== 'string') throw new HistoryFormatError(file, lineNumber, `:f must be a keyword such as :read, :write or :cas; got ${JSON.stringify(map.f)}.`);
  if (map.process === undefined || map.process === null) {
    throw new HistoryFormatError(file, lineNumber, ':process is missing; expected an integer (or :nemesis for fault entries).');
  }
  const process = typeof map.process === 'bigint' ? Number(map.process) : map.process;
  return { line: lineNumber, process, type: type as JepsenRecord['type'], f: map.f, value: map.value ?? null, key: map.key };
}
