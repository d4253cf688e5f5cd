/**
 * Measuring how much memory stays allocated across a stretch of a test (Go: runtime.GC() then
 * runtime.ReadMemStats().HeapAlloc), for TestMemPutManyClientsReliable. docs/kvsrv.md explains
 * why this measures the server's per-client state and how much noise it has.
 *
 * The reading is of the real heap, so it is the one part of a kvsrv test that the seed does not
 * fix; the test's margin (a per-client table costs several times the limit, the reference a small
 * fraction of it) keeps its verdict the same on every run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null = null;

/**
 * A full, synchronous garbage collection. `--expose-gc` is set at run time and the `gc`
 * function taken from a fresh context, so no node flag is needed (tests, grader, notebooks).
 */
export function collectGarbage(): void {
  if (collector === null) {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') throw new Error('cannot run the garbage collector: V8 did not expose gc() even with --expose-gc');
    collector = gc as () => void;
  }
  // Twice, as the Go test does: the first pass may leave objects that finalizers resurrected.
  collector();
  collector();
}

/** Bytes in use on the JavaScript heap after a full collection. */
export function liveHeapBytes(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
