/**
 * Lab 2, the key/value server (MIT 6.5840 2025/2026 `kvsrv1`) as a distlab Lab: its tests under
 * the course's names, how to find the implementation in a submission, and the plots of a run.
 *
 * Example:
 * ```ts
 * import { runTest } from 'distlab/testing';
 * import { kvsrvLab } from './lab';
 * const test = kvsrvLab.tests.find((candidate) => candidate.name === 'TestUnreliableNet')!;
 * const { outcome } = await runTest(kvsrvLab, test, { KVServer, Clerk, Lock }, 1);
 * ```
 */
import { ImplementationError, type Lab } from 'distlab/testing';
import { kvsrvPlots } from './plots';
import { kvTests } from './tests/kv';
import { lockTests } from './tests/lock';
import type { ClerkClass, KVServerClass, KvsrvImplementation, LockClass } from './types';

const expected: Record<keyof KvsrvImplementation, { readonly shape: string; readonly methods: readonly string[] }> = {
  KVServer: { shape: 'new KVServer(ctx), serving KVServer.Get and KVServer.Put', methods: [] },
  Clerk: { shape: 'new Clerk(ctx, { server }) with get(key) and put(key, value, version)', methods: ['get', 'put'] },
  Lock: { shape: 'new Lock(ctx, { clerk, name }) with acquire() and release()', methods: ['acquire', 'release'] },
};

/**
 * Picks `KVServer`, `Clerk` and `Lock` out of a module's exports (a .ts file or a notebook's
 * cells). Throws ImplementationError saying what is missing and what is expected.
 */
export function kvsrvImplementationFrom(exports: Readonly<Record<string, unknown>>): KvsrvImplementation {
  for (const [name, { shape, methods }] of Object.entries(expected)) {
    const candidate = exports[name];
    if (candidate === undefined) {
      const found = Object.keys(exports).join(', ') || 'nothing';
      throw new ImplementationError(`the kvsrv lab needs an export named ${name}: a class built as ${shape}; the module exports ${found}`);
    }
    if (typeof candidate !== 'function' || candidate.prototype === undefined) throw new ImplementationError(`the export ${name} must be a class (${shape}), but it is ${typeof candidate}`);
    const missing = methods.filter((method) => typeof (candidate.prototype as Record<string, unknown>)[method] !== 'function');
    if (missing.length > 0) throw new ImplementationError(`class ${name} lacks the method${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the tester uses ${shape}`);
  }
  return { KVServer: exports.KVServer as KVServerClass, Clerk: exports.Clerk as ClerkClass, Lock: exports.Lock as LockClass };
}

export const kvsrvLab: Lab<KvsrvImplementation> = {
  name: 'kvsrv',
  title: 'Lab 2: key/value server (versioned Put, ErrMaybe) and a lock built on it',
  parts: ['kv', 'lock'],
  tests: [...kvTests, ...lockTests],
  implementationFrom: kvsrvImplementationFrom,
  plots: kvsrvPlots,
};
