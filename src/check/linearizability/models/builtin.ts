/**
 * The models the CLI and the file formats know by name, each with the schemas that validate its
 * inputs and outputs in JSON files and the mapping from Jepsen's `:f`/`:value` to them.
 * A custom model does not need any of this: pass it straight to `checkLinearizability`.
 */
import { z } from 'zod';
import type { AnyModel } from '../model';
import { casRegisterModel } from './cas-register';
import { kvModel } from './kv';
import { kvVersionedModel } from './kv-versioned';
import { registerModel } from './register';
import type { Value } from './value';

export const builtinModelNames = ['register', 'cas-register', 'kv', 'kv-versioned'] as const;
export type BuiltinModelName = (typeof builtinModelNames)[number];

/** One Jepsen operation, invocation and completion merged, before model-specific mapping. */
export interface JepsenOperation {
  /** `:f` without the colon, e.g. "cas". */
  readonly f: string;
  /** `:value` of the invocation (reads usually invoke with nil). */
  readonly invokeValue: unknown;
  /** `:value` of the `:ok` completion; undefined when the outcome is unknown. */
  readonly completionValue: unknown;
  readonly known: boolean;
  /** `:key` when present (otherwise key/value models read Jepsen's independent `[key value]`). */
  readonly key: unknown;
}

export interface BuiltinModel {
  readonly name: BuiltinModelName;
  create(): AnyModel;
  /** Validates an operation's `input` in a JSON history. */
  readonly input: z.ZodType;
  /** Validates a completed operation's `output` in a JSON history. */
  readonly output: z.ZodType;
  /** Maps a Jepsen operation; throws an Error whose message says what was expected. */
  fromJepsen(operation: JepsenOperation): { readonly input: unknown; readonly output: unknown };
}

const valueSchema: z.ZodType<Value> = z.lazy(() => z.union([z.null(), z.number(), z.string(), z.boolean(), z.array(valueSchema)]));
const keySchema = z.string();

const registerInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('read') }),
  z.object({ kind: z.literal('write'), value: valueSchema }),
]);
const casInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('read') }),
  z.object({ kind: z.literal('write'), value: valueSchema }),
  z.object({ kind: z.literal('cas'), from: valueSchema, to: valueSchema }),
]);
const kvInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('get'), key: keySchema }),
  z.object({ kind: z.literal('put'), key: keySchema, value: z.string() }),
  z.object({ kind: z.literal('append'), key: keySchema, value: z.string() }),
]);
const kvVersionedInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('get'), key: keySchema }),
  z.object({ kind: z.literal('put'), key: keySchema, value: z.string(), version: z.number().int().nonnegative() }),
]);
const putError = z.enum(['OK', 'ErrVersion', 'ErrNoKey', 'ErrMaybe']);
const getReply = z.object({
  value: z.string().default(''),
  version: z.number().int().nonnegative().default(0),
  err: z.enum(['OK', 'ErrNoKey']).default('OK'),
});

/** Every built-in model by name. */
export const builtinModels: Readonly<Record<BuiltinModelName, BuiltinModel>> = {
  register: {
    name: 'register',
    create: () => registerModel(),
    input: registerInput,
    output: valueSchema,
    fromJepsen: (operation) => registerFromJepsen(operation, false),
  },
  'cas-register': {
    name: 'cas-register',
    create: () => casRegisterModel(),
    input: casInput,
    output: valueSchema,
    fromJepsen: (operation) => registerFromJepsen(operation, true),
  },
  kv: {
    name: 'kv',
    create: () => kvModel(),
    input: kvInput,
    output: z.string().nullable(),
    fromJepsen: kvFromJepsen,
  },
  'kv-versioned': {
    name: 'kv-versioned',
    create: () => kvVersionedModel(),
    input: kvVersionedInput,
    output: z.union([putError, getReply]),
    fromJepsen: kvVersionedFromJepsen,
  },
};

/** Looks a model up by name; the error lists the names that exist. */
export function builtinModel(name: string): BuiltinModel {
  if ((builtinModelNames as readonly string[]).includes(name)) return builtinModels[name as BuiltinModelName];
  throw new Error(`unknown model "${name}"; use one of: ${builtinModelNames.join(', ')}`);
}

function asValue(value: unknown, what: string): Value {
  const parsed = valueSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${what} must be nil, a number, a string or a vector, got ${JSON.stringify(value)}`);
  return parsed.data;
}

function registerFromJepsen(operation: JepsenOperation, cas: boolean): { input: unknown; output: unknown } {
  const { f, known } = operation;
  if (f === 'read') return { input: { kind: 'read' }, output: known ? asValue(operation.completionValue ?? null, ':read value') : undefined };
  if (f === 'write') return { input: { kind: 'write', value: asValue(operation.invokeValue, ':write value') }, output: null };
  if (cas && f === 'cas') {
    const pair = operation.invokeValue;
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`:cas value must be a vector [from to], got ${JSON.stringify(pair)}`);
    return { input: { kind: 'cas', from: asValue(pair[0], ':cas from'), to: asValue(pair[1], ':cas to') }, output: true };
  }
  throw new Error(`:f ${f} is not an operation of ${cas ? 'cas-register (:read, :write, :cas)' : 'register (:read, :write)'}`);
}

/** Splits Jepsen's independent `[key value]` tuple unless the record has a `:key`. */
function keyed(operation: JepsenOperation, value: unknown, what: string): { key: string; value: unknown } {
  if (operation.key !== undefined && operation.key !== null) return { key: String(operation.key), value };
  if (Array.isArray(value) && value.length === 2) return { key: String(value[0]), value: value[1] };
  throw new Error(`${what} needs a key: give the record a :key field or make :value an independent tuple [key value]`);
}

function kvFromJepsen(operation: JepsenOperation): { input: unknown; output: unknown } {
  const { f, known } = operation;
  const invoked = keyed(operation, operation.invokeValue, `:${f}`);
  const asText = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
  if (f === 'get' || f === 'read') {
    const output = known ? asText(keyed(operation, operation.completionValue, `:${f} completion`).value) : undefined;
    return { input: { kind: 'get', key: invoked.key }, output };
  }
  if (f === 'put' || f === 'write') return { input: { kind: 'put', key: invoked.key, value: asText(invoked.value) }, output: null };
  if (f === 'append') return { input: { kind: 'append', key: invoked.key, value: asText(invoked.value) }, output: null };
  throw new Error(`:f ${f} is not an operation of kv (:get/:read, :put/:write, :append)`);
}

function kvVersionedFromJepsen(operation: JepsenOperation): { input: unknown; output: unknown } {
  const { f, known } = operation;
  const invoked = keyed(operation, operation.invokeValue, `:${f}`);
  if (f === 'get' || f === 'read') {
    if (!known) return { input: { kind: 'get', key: invoked.key }, output: undefined };
    const reply = keyed(operation, operation.completionValue, `:${f} completion`).value;
    if (reply === null || reply === undefined) return { input: { kind: 'get', key: invoked.key }, output: { value: '', version: 0, err: 'ErrNoKey' } };
    if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[1] !== 'number') {
      throw new Error(`:${f} completion value must be [value version] (or nil for ErrNoKey), got ${JSON.stringify(reply)}`);
    }
    return { input: { kind: 'get', key: invoked.key }, output: { value: String(reply[0] ?? ''), version: reply[1], err: 'OK' } };
  }
  if (f === 'put' || f === 'write') {
    const pair = invoked.value;
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'number') {
      throw new Error(`:${f} value must be [value version], got ${JSON.stringify(pair)}`);
    }
    return { input: { kind: 'put', key: invoked.key, value: String(pair[0] ?? ''), version: pair[1] }, output: 'OK' };
  }
  throw new Error(`:f ${f} is not an operation of kv-versioned (:get/:read, :put/:write)`);
}
