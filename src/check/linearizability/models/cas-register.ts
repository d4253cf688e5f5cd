/**
 * A compare-and-set register (Knossos `cas-register`, Porcupine's headline benchmark): read,
 * write, and cas(from, to) which swaps only when the register holds `from`.
 */
import type { Model } from '../model';
import { describeValue, sameValue, valueHash, type Value } from './value';

export type CasRegisterInput =
  | { readonly kind: 'read' }
  | { readonly kind: 'write'; readonly value: Value }
  | { readonly kind: 'cas'; readonly from: Value; readonly to: Value };
/** A read returns the value, a cas whether it swapped, a write nothing (null). */
export type CasRegisterOutput = Value;

export interface CasRegisterOptions {
  /** The value before any write; Jepsen registers start at nil. Default null. */
  readonly initial?: Value;
}

/**
 * A cas with output `true` swapped, with `false` found another value; Jepsen's `:fail` cas did
 * not happen and is dropped before checking.
 *
 * @example
 * checkLinearizability(casRegisterModel(), parseJepsenHistory(text, 'cas-register').operations)
 */
export function casRegisterModel(options: CasRegisterOptions = {}): Model<Value, CasRegisterInput, CasRegisterOutput> {
  const initial = options.initial ?? null;
  return {
    name: 'cas-register',
    init: () => initial,
    step: (state, input, output) => {
      switch (input.kind) {
        case 'write':
          return { legal: true, next: input.value };
        case 'read':
          return { legal: output === undefined || sameValue(output, state), next: state };
        case 'cas': {
          const swaps = sameValue(state, input.from);
          return { legal: output === undefined || output === swaps, next: swaps ? input.to : state };
        }
      }
    },
    equal: sameValue,
    hash: valueHash,
    describeOperation: (input, output) => {
      switch (input.kind) {
        case 'write':
          return `write(${describeValue(input.value)})`;
        case 'read':
          return `read() -> ${describeValue(output)}`;
        case 'cas':
          return `cas(${describeValue(input.from)}, ${describeValue(input.to)}) -> ${describeValue(output)}`;
      }
    },
    describeState: describeValue,
  };
}
