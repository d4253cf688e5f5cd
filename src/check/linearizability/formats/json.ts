/**
 * The JSON history format. Three shapes are accepted:
 * 1. an array of operations;
 * 2. `{ "operations": [...], "annotations": [...] }`;
 * 3. `{ "events": [...] }`, a simulator trace (`client.invoke`/`client.return`, faults, crashes).
 *
 * An operation is `{ "client", "input", "output", "callMs", "returnMs", "status" }`; Porcupine's
 * names `call`/`return` work too. `status` is "ok" (default), "info" (indeterminate: may or may
 * not have happened) or "fail" (did not happen: dropped). A missing or null `returnMs` means the
 * operation never returned.
 */
import { z } from 'zod';
import type { TraceEvent } from '../../../runtime/trace-event';
import { historyOf, type AnnotatedHistory, type HistoryAnnotation, type OperationInput } from '../history';
import type { BuiltinModel } from '../models/builtin';
import { HistoryFormatError } from './format-error';
import { historyFromTrace } from './trace';

const operationSchema = z
  .object({
    client: z.union([z.string(), z.number()]),
    input: z.unknown(),
    output: z.unknown().optional(),
    callMs: z.number().optional(),
    call: z.number().optional(),
    returnMs: z.number().nullable().optional(),
    return: z.number().nullable().optional(),
    status: z.enum(['ok', 'info', 'fail']).default('ok'),
  })
  .refine((operation) => operation.callMs !== undefined || operation.call !== undefined, {
    message: 'needs a call time: "callMs" (or "call")',
  });
const annotationSchema = z.object({
  atMs: z.number(),
  kind: z.enum(['fault', 'crash', 'restart', 'note']),
  description: z.string(),
});
const fileSchema = z.union([
  z.array(operationSchema),
  z.object({ operations: z.array(operationSchema), annotations: z.array(annotationSchema).default([]) }),
  z.object({ events: z.array(z.looseObject({ type: z.string(), atMs: z.number(), seq: z.number() })) }),
]);

/**
 * Parses a JSON history and validates every input and output against `model`.
 *
 * @example
 * const { operations } = parseJsonHistory(readFileSync(file, 'utf8'), builtinModel('kv'), file);
 */
export function parseJsonHistory(text: string, model: BuiltinModel, file = 'history.json'): AnnotatedHistory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HistoryFormatError(file, lineOfPosition(text, message), `not valid JSON (${message}); the file must be one JSON array or object.`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HistoryFormatError(
      file,
      null,
      `at ${formatPath(issue.path)}: ${issue.message}. Expected an array of operations, {"operations": [...]} or {"events": [...]} (see docs/linearizability.md).`,
    );
  }
  const shape = parsed.data;
  if ('events' in shape) {
    const history = historyFromTrace(shape.events as unknown as TraceEvent[]);
    const operations = history.operations.map((operation, index) => ({
      ...operation,
      ...validateOperation(model, file, `events (operation ${index})`, operation.input, operation.known ? operation.output : undefined),
    }));
    return { operations, annotations: history.annotations, ...(history.timeUnit === undefined ? {} : { timeUnit: history.timeUnit }) };
  }
  const records = Array.isArray(shape) ? shape : shape.operations;
  const annotations: HistoryAnnotation[] = Array.isArray(shape) ? [] : shape.annotations;
  const prefix = Array.isArray(shape) ? '' : 'operations';
  const kept: OperationInput[] = [];
  records.forEach((record, index) => {
    if (record.status === 'fail') return;
    const known = record.status === 'ok' && (record.returnMs ?? record.return ?? null) !== null;
    const valid = validateOperation(model, file, `${prefix}[${index}]`, record.input, known ? (record.output ?? null) : undefined);
    kept.push({
      client: record.client,
      input: valid.input,
      output: valid.output,
      callMs: (record.callMs ?? record.call) as number,
      returnMs: record.returnMs ?? record.return ?? null,
      known,
    });
  });
  try {
    return { operations: historyOf(kept), annotations };
  } catch (error) {
    throw new HistoryFormatError(file, null, error instanceof Error ? error.message : String(error));
  }
}

/** Returns input and output as the model's schemas parsed them (with their defaults filled in). */
function validateOperation(model: BuiltinModel, file: string, where: string, input: unknown, output: unknown): { input: unknown; output: unknown } {
  const inputCheck = model.input.safeParse(input);
  if (!inputCheck.success) {
    const issue = inputCheck.error.issues[0];
    throw new HistoryFormatError(
      file,
      null,
      `${where}.input${formatPath(issue.path, '')}: ${issue.message} (got ${JSON.stringify(input)}); is --model ${model.name} the right model?`,
    );
  }
  if (output === undefined) return { input: inputCheck.data, output };
  const outputCheck = model.output.safeParse(output);
  if (!outputCheck.success) {
    throw new HistoryFormatError(file, null, `${where}.output: ${outputCheck.error.issues[0].message} for model ${model.name} (got ${JSON.stringify(output)}).`);
  }
  return { input: inputCheck.data, output: outputCheck.data };
}

function formatPath(path: readonly PropertyKey[], root = '(top level)'): string {
  if (path.length === 0) return root;
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, root === '' ? '.' : '');
}

/** Node's JSON.parse message carries "position N"; turn it into a line number. */
function lineOfPosition(text: string, message: string): number | null {
  const match = /position (\d+)/.exec(message);
  if (match === null) return null;
  return text.slice(0, Number(match[1])).split('\n').length;
}
