/**
 * Remembers type checks that passed, so running the same submission again (the skeleton, a
 * student re-running tests without editing, the grader's test files) skips the TypeScript
 * program: about 4 s of CPU for a Raft module, mostly parsing @types/node, rxjs and distlab's
 * declarations.
 *
 * An entry is keyed by the SHA-256 of everything the check's verdict depends on that the
 * caller can name up front: the TypeScript version, the compiler options, and the path and text
 * of every file of the submission. It records the other files the program read (lib and
 * package declarations, distlab's types) with their size and modification time, and counts
 * only while all of them are unchanged (a rebuild of distlab or an upgraded package misses).
 * Only passing checks are stored: a failing check always runs again and lists its errors.
 *
 * Entries live in `<checkout>/node_modules/.cache/distlab/typecheck/`; a cache that cannot be
 * read or written is simply not used. `DISTLAB_TYPECHECK_CACHE=0` turns it off;
 * `DISTLAB_TYPECHECK_CACHE_DIR` puts it elsewhere (tests).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from './package-root';

interface Entry {
  /** Files the program read besides the submission: [path, "size:mtimeMs"]. */
  readonly dependencies: ReadonlyArray<readonly [string, string]>;
}

function cacheDir(): string {
  return process.env.DISTLAB_TYPECHECK_CACHE_DIR ?? path.join(packageRoot(), 'node_modules', '.cache', 'distlab', 'typecheck');
}

function enabled(): boolean {
  return process.env.DISTLAB_TYPECHECK_CACHE !== '0';
}

function stamp(file: string): string | null {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}

/** The cache key of a check: `files` are the submission's [path, text] pairs. */
export function typeCheckKey(parts: { readonly typescriptVersion: string; readonly options: unknown; readonly files: ReadonlyArray<readonly [string, string]> }): string {
  return crypto.createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** True when a check with this key passed before and nothing it read has changed since. */
export function typeCheckPassedBefore(key: string): boolean {
  if (!enabled()) return false;
  try {
    const entry = JSON.parse(fs.readFileSync(path.join(cacheDir(), `${key}.json`), 'utf8')) as Entry;
    return Array.isArray(entry.dependencies) && entry.dependencies.every(([file, recorded]) => stamp(file) === recorded);
  } catch {
    return false;
  }
}

/** Records that the check with this key passed, having read `dependencies` besides the submission. */
export function recordTypeCheckPassed(key: string, dependencies: readonly string[]): void {
  if (!enabled()) return;
  const stamped: Array<readonly [string, string]> = [];
  for (const file of dependencies) {
    const current = stamp(file);
    if (current === null) return; // a file we cannot stamp again: do not cache
    stamped.push([file, current]);
  }
  try {
    const dir = cacheDir();
    fs.mkdirSync(dir, { recursive: true });
    // Written beside and renamed: a process reading the entry never sees half of it.
    const partial = path.join(dir, `${key}.${process.pid}.tmp`);
    fs.writeFileSync(partial, JSON.stringify({ dependencies: stamped } satisfies Entry));
    fs.renameSync(partial, path.join(dir, `${key}.json`));
  } catch {
    // read-only checkout or full disk: run without the cache
  }
}
