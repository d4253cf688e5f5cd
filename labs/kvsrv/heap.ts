/**
 * How much state a node holds, measured by walking the objects reachable from it, for
 * TestMemPutManyClientsReliable ("the server keeps no per-client state"; docs/kvsrv.md).
 *
 * The Go test reads the process heap after a garbage collection. Here the reading is a walk of
 * the node's object graph with a fixed cost model (below), so it is deterministic: the same code
 * and seed give the same number on every machine and under any load, a per-client table of a
 * few dozen bytes shows up as exactly that, and the reference measures zero growth. It is also
 * fast (no collection, no heap snapshot): the cost is one visit per reachable object.
 *
 * What a walk cannot see: variables captured by closures (a table kept in a local of the
 * constructor and used by a handler) and module-level variables, which JavaScript cannot
 * enumerate. The walk stops at the runtime's objects (the node's context, the world): they are
 * not the node's state.
 */

/** Bytes the cost model gives each thing (V8's order of magnitude on 64-bit: a header, 8-byte slots). */
export const retainedCost = { object: 16, slot: 8, entry: 16, stringHeader: 16, opaque: 32 } as const;

/** Objects one walk may visit; a node holding more is reported, not walked forever. */
export const retainedObjectsMax = 2_000_000;

export class RetainedSizeError extends Error {
  override readonly name = 'RetainedSizeError';
}

/** Bytes a primitive costs in the model: strings by length (one byte per UTF-16 unit, plus a header). */
function primitiveBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return retainedCost.stringHeader + value.length;
    case 'bigint':
      return retainedCost.stringHeader + Math.ceil(value.toString(16).length / 2);
    default:
      return 0; // numbers, booleans, symbols, undefined, null: inside their slot
  }
}

/**
 * Bytes retained by `root` in the cost model: every object reachable through own properties
 * (string and symbol keys, data properties only: no getter runs), Map and Set entries and array
 * elements, counted once. Objects in `stopAt` (and what only they reach) are not counted.
 *
 * @example
 *   retainedBytes({ table: new Map([['c1', 1]]) }); // 16 + 8+5 (key "table") + 16 + 16 + (16+2) + 8 ...
 */
export function retainedBytes(root: unknown, stopAt: ReadonlySet<unknown> = new Set()): number {
  const seen = new Set<object>();
  const pending: unknown[] = [root];
  let bytes = 0;
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
      bytes += primitiveBytes(value);
      continue;
    }
    if (seen.has(value) || stopAt.has(value)) continue;
    seen.add(value);
    if (seen.size > retainedObjectsMax) throw new RetainedSizeError(`the node holds more than ${retainedObjectsMax} objects; the walk stopped there`);
    bytes += objectBytes(value, pending);
  }
  return bytes;
}

/** One object's own bytes in the model; pushes what it refers to onto `pending`. */
function objectBytes(value: object, pending: unknown[]): number {
  if (typeof value === 'function' || value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) return retainedCost.opaque;
  if (ArrayBuffer.isView(value)) return retainedCost.object + value.byteLength;
  if (value instanceof ArrayBuffer) return retainedCost.object + value.byteLength;
  let bytes = retainedCost.object;
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      bytes += retainedCost.entry;
      pending.push(key, entry);
    }
  } else if (value instanceof Set) {
    for (const entry of value) {
      bytes += retainedCost.entry;
      pending.push(entry);
    }
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    bytes += retainedCost.slot + (typeof key === 'string' && !Array.isArray(value) ? primitiveBytes(key) : 0);
    if (descriptor !== undefined && 'value' in descriptor) pending.push(descriptor.value);
  }
  return bytes;
}
