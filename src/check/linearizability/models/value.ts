/**
 * Register values: what reads return and writes store. Jepsen histories carry nil, integers,
 * strings and vectors, so a value is any of those, compared structurally.
 */
import { stringHash } from '../search';

export type Value = null | number | string | boolean | readonly Value[];

/** Structural equality of two values (arrays element by element). */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

/** A hash that structurally equal values share. */
export function valueHash(value: Value): number {
  if (typeof value === 'number') return Number.isInteger(value) ? value | 0 : stringHash(String(value));
  if (typeof value === 'string') return stringHash(value);
  if (value === null) return 0x6e756c6c;
  if (typeof value === 'boolean') return value ? 1 : 2;
  let hash = 0x5bd1e995;
  for (const element of value) hash = Math.imul(hash ^ valueHash(element), 0x01000193);
  return hash | 0;
}

/** A value as written in Jepsen histories (`nil`, `3`, `"x"`, `[1 2]`). */
export function describeValue(value: Value | undefined): string {
  if (value === undefined) return '?';
  if (value === null) return 'nil';
  if (Array.isArray(value)) return `[${value.map(describeValue).join(' ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
