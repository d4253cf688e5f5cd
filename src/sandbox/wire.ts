/**
 * The data that crosses the bridge. The host (trusted: tester, world, checks) steps the guest
 * (untrusted: the submission's node code) with one `Step`; the guest runs node code until it is
 * quiescent and answers with a `StepReply`: a return value or an error, and the `Effect`s the
 * node code asked for, in order. Everything is plain data (structured clone); the host checks
 * every effect before it acts on it (`checkEffect`), so a guest that lies gets an error, never a
 * verdict.
 */

/** Identifies one node object (one incarnation) on both sides. */
export type Handle = number;

export type Step =
  /** Evaluate the submission afresh (a new run): forget every node. */
  | { readonly k: 'fresh' }
  | {
      readonly k: 'construct';
      readonly h: Handle;
      readonly cls: string;
      readonly id: string;
      readonly incarnation: number;
      readonly seed: number;
      readonly options: unknown;
      readonly state: unknown;
      readonly snapshot: unknown;
      readonly streams: readonly string[];
    }
  | { readonly k: 'invoke'; readonly h: Handle; readonly method: string; readonly args: readonly unknown[] }
  | { readonly k: 'timer'; readonly h: Handle; readonly id: number }
  | { readonly k: 'request'; readonly h: Handle; readonly id: number; readonly from: string; readonly method: string; readonly args: unknown; readonly call: number; readonly handle: boolean }
  | { readonly k: 'message'; readonly h: Handle; readonly from: string; readonly type: string; readonly payload: unknown }
  | { readonly k: 'result'; readonly h: Handle; readonly id: number; readonly result: unknown }
  | { readonly k: 'revoke'; readonly h: Handle };

/** A step and the virtual time it happens at. */
export interface StepEnvelope {
  readonly now: number;
  readonly step: Step;
}

export type Effect =
  | { readonly k: 'serve'; readonly h: Handle; readonly method: string }
  | { readonly k: 'call'; readonly h: Handle; readonly id: number; readonly peer: string; readonly method: string; readonly args: unknown; readonly timeoutMs?: number }
  | { readonly k: 'cancelCall'; readonly h: Handle; readonly id: number }
  | { readonly k: 'send'; readonly h: Handle; readonly peer: string; readonly type: string; readonly payload: unknown }
  | { readonly k: 'timer'; readonly h: Handle; readonly id: number; readonly delay: number }
  | { readonly k: 'cancelTimer'; readonly h: Handle; readonly id: number }
  | { readonly k: 'persist'; readonly h: Handle; readonly state: unknown; readonly snapshot: unknown }
  | { readonly k: 'log'; readonly h: Handle; readonly message: string }
  | { readonly k: 'role'; readonly h: Handle; readonly role: string; readonly term: number }
  | { readonly k: 'metric'; readonly h: Handle; readonly name: string; readonly value: number }
  | { readonly k: 'emit'; readonly h: Handle; readonly stream: string; readonly value: unknown }
  | { readonly k: 'streamError'; readonly h: Handle; readonly stream: string; readonly error: WireError }
  /** The answer to request `id`: `sync` when the handler returned it without waiting. */
  | { readonly k: 'reply'; readonly h: Handle; readonly id: number; readonly value: unknown; readonly sync: boolean }
  | { readonly k: 'replyError'; readonly h: Handle; readonly id: number; readonly error: WireError }
  /** Node code threw outside a step's synchronous part (a rejected promise, an RxJS error). */
  | { readonly k: 'error'; readonly h: Handle; readonly error: WireError };

export interface WireError {
  readonly name: string;
  readonly message: string;
}

/** The guest's answer to one step. `drainFrom`: effects from this index on ran in the microtask drain. */
export interface StepReply {
  readonly effects: readonly Effect[];
  readonly drainFrom: number;
  readonly value?: unknown;
  readonly error?: WireError;
  /** For `construct`: the declared streams the object really has; for `fresh`: the export shapes. */
  readonly streams?: readonly string[];
  readonly exports?: Readonly<Record<string, ExportShape>>;
}

/** What the host learns of an export, to let the lab's own checks (implementationFrom) speak. */
export interface ExportShape {
  readonly type: string;
  readonly methods: readonly string[];
}

const shortText = 200;
const longText = 100_000;

function text(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function count(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isWireError(value: unknown): value is WireError {
  const error = value as WireError | null;
  return typeof error === 'object' && error !== null && text(error.name, shortText) && text(error.message, longText);
}

/** Null when `value` is a well-formed effect, else what is wrong with it. */
export function effectProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'an effect that is not an object';
  const effect = value as Record<string, unknown>;
  if (!count(effect.h)) return 'an effect without a node handle';
  switch (effect.k) {
    case 'serve': return text(effect.method, shortText) ? null : 'serve without a method name';
    case 'call': return count(effect.id) && text(effect.peer, shortText) && text(effect.method, shortText) && (effect.timeoutMs === undefined || typeof effect.timeoutMs === 'number') ? null : 'a malformed call';
    case 'cancelCall': case 'cancelTimer': return count(effect.id) ? null : `a malformed ${effect.k}`;
    case 'send': return text(effect.peer, shortText) && text(effect.type, shortText) ? null : 'a malformed send';
    case 'timer': return count(effect.id) && typeof effect.delay === 'number' ? null : 'a malformed timer';
    case 'persist': case 'emit': return effect.k === 'emit' && !text(effect.stream, shortText) ? 'emit without a stream' : null;
    case 'log': return typeof effect.message === 'string' ? null : 'a log without a message';
    case 'role': return text(effect.role, shortText) && typeof effect.term === 'number' ? null : 'a malformed role';
    case 'metric': return text(effect.name, shortText) && typeof effect.value === 'number' ? null : 'a malformed metric';
    case 'reply': return count(effect.id) && typeof effect.sync === 'boolean' ? null : 'a malformed reply';
    case 'replyError': return count(effect.id) && isWireError(effect.error) ? null : 'a malformed reply error';
    case 'streamError': return text(effect.stream, shortText) && isWireError(effect.error) ? null : 'a malformed stream error';
    case 'error': return isWireError(effect.error) ? null : 'a malformed error';
    default: return `an unknown effect ${JSON.stringify(String(effect.k)).slice(0, 40)}`;
  }
}

/** Null when `value` is a well-formed reply to a step, else what is wrong with it. */
export function replyProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'a reply that is not an object';
  const reply = value as Record<string, unknown>;
  if (!Array.isArray(reply.effects)) return 'a reply without effects';
  if (!count(reply.drainFrom) || reply.drainFrom > reply.effects.length) return 'a reply with a bad drain index';
  if (reply.error !== undefined && !isWireError(reply.error)) return 'a reply with a malformed error';
  if (reply.streams !== undefined && !(Array.isArray(reply.streams) && reply.streams.every((name) => text(name, shortText)))) return 'a reply with malformed streams';
  return null;
}
