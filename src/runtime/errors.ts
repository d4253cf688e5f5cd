/**
 * Typed errors. Expected failures (a lost message, a crashed peer) are values, not exceptions:
 * see `RpcResult`. These classes are for bugs and misuse, and they carry the facts
 * (node, method, virtual time) a student needs to act on them.
 */

/** A broken runtime invariant: a bug in distlab or a misuse it cannot recover from. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** A node used its context after a crash revoked it. */
export class ContextRevokedError extends Error {
  override readonly name = 'ContextRevokedError';
  constructor(
    readonly node: string,
    readonly incarnation: number,
    readonly atMs: number,
    readonly operation: string,
  ) {
    super(
      `node ${node} (incarnation ${incarnation}) called ${operation} at ${atMs} ms after it crashed. ` +
        `A crashed node's context is revoked; code must not keep running after a crash. ` +
        `Likely cause: a callback or promise that does not come from ctx (a raw setTimeout, a promise of your own).`,
    );
  }
}

/** A value that cannot cross the simulated network or go into the persister. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(
    /** Where in the value the problem is, e.g. `args.entries[3].command`. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`cannot serialize ${path}: ${problem}`);
  }
}

/** Bad options or arguments given to the runtime (caught before tick zero where possible). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
