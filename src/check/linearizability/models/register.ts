/**
 * A read/write register (Knossos `register`, Porcupine's register example): the simplest object
 * whose histories are interesting, and the one the course's lecture examples use.
 */
import type { Model } from '../model';
import { describeValue, sameValue, valueHash, type Value } from './value';

export type RegisterInput = { readonly kind: 'read' } | { readonly kind: 'write'; readonly value: Value };
/** A read returns the value; a write returns nothing (null). */
export type RegisterOutput = Value;

export interface RegisterOptions {
  /** The value before any write; Jepsen registers start at nil. Default null. */
  readonly initial?: Value;
}

/**
 * @example
 * checkLinearizability(registerModel({ initial: 0 }), history)
 */
export function registerModel(options: RegisterOptions = {}): Model<Value, RegisterInput, RegisterOutput> {
  const initial = options.initial ?? null;
  return {
    name: 'register',
    init: () => initial,
    step: (state, input, output) =>
      input.kind === 'write'
        ? { legal: true, next: input.value }
        : { legal: output === undefined || sameValue(output, state), next: state },
    equal: sameValue,
    hash: valueHash,
    describeOperation: (input, output) =>
      input.kind === 'write' ? `write(${describeValue(input.value)})` : `read() -> ${describeValue(output)}`,
    describeState: describeValue,
  };
}
