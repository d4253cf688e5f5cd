/**
 * The simulated file system of one MapReduce world: shared by every node (like the lab's
 * working directory on one machine), it survives worker crashes.
 *
 * The tester uses `FileSystem` directly (synchronous, free). Workers get `workerFiles(fs, ctx)`:
 * the same files, but every operation takes virtual time, writes land chunk by chunk (a crash or
 * a reader in the middle of a write sees a partial file) and `rename` is atomic. A crashed
 * worker's pending file operations never happen.
 */
import type { NodeContext } from 'distlab';
import { mapreduceLimits, type WorkerFiles } from './types';

/** Bounds of the simulated disk. */
export const fileSystemLimits = {
  /** Files in one file system. */
  filesMax: 100_000,
  /** Bytes of one file. */
  fileBytesMax: 64 * 1024 * 1024,
} as const;

export class FileSystem {
  private readonly files = new Map<string, string>();

  /** The contents of `name`, or null. */
  read(name: string): string | null {
    return this.files.get(name) ?? null;
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** Creates or replaces `name`. */
  write(name: string, data: string): void {
    checkName(name);
    if (!this.files.has(name) && this.files.size >= fileSystemLimits.filesMax) {
      throw new Error(`file system: more than filesMax (${fileSystemLimits.filesMax}) files; writing ${name}`);
    }
    if (data.length > fileSystemLimits.fileBytesMax) {
      throw new Error(`file system: ${name} would exceed fileBytesMax (${fileSystemLimits.fileBytesMax} bytes)`);
    }
    this.files.set(name, data);
  }

  /** Appends to `name`, creating it if needed. */
  append(name: string, data: string): void {
    this.write(name, (this.files.get(name) ?? '') + data);
  }

  /** Atomically renames `from` to `to`, replacing `to`. */
  rename(from: string, to: string): void {
    checkName(to);
    const data = this.files.get(from);
    if (data === undefined) throw new Error(`rename(${JSON.stringify(from)}, ${JSON.stringify(to)}): no such file ${JSON.stringify(from)}`);
    this.files.delete(from);
    this.files.set(to, data);
  }

  remove(name: string): void {
    this.files.delete(name);
  }

  /** File names starting with `prefix`, sorted (deterministic, like a sorted directory listing). */
  list(prefix = ''): string[] {
    return [...this.files.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  /** Total bytes stored (characters). */
  size(): number {
    let total = 0;
    for (const data of this.files.values()) total += data.length;
    return total;
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
    throw new Error(`file system: bad file name ${JSON.stringify(name)} (use a non-empty name without "/")`);
  }
}

/** A promise that never settles: what a dead process's pending operation turns into. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/**
 * The worker's view of `fs`: every operation costs virtual time through `ctx.sleep`, and after
 * the worker crashes nothing it asked for happens (its promises never settle).
 */
export function workerFiles(fs: FileSystem, ctx: NodeContext): WorkerFiles {
  const dead = () => ctx.signal.aborted;
  const writeChunks = async (name: string, data: string) => {
    const { writeChunkBytes, writeMsPerChunk } = mapreduceLimits;
    for (let offset = 0; offset < data.length; offset += writeChunkBytes) {
      await ctx.sleep(writeMsPerChunk);
      if (dead()) return never<void>();
      fs.append(name, data.slice(offset, offset + writeChunkBytes));
    }
    if (data.length === 0) await ctx.sleep(writeMsPerChunk);
  };
  return {
    async read(name) {
      if (dead()) return never();
      await ctx.sleep(mapreduceLimits.readMs);
      return fs.read(name);
    },
    async write(name, data) {
      if (dead()) return never();
      fs.write(name, '');
      await writeChunks(name, data);
    },
    async append(name, data) {
      if (dead()) return never();
      if (!fs.has(name)) fs.write(name, '');
      await writeChunks(name, data);
    },
    async rename(from, to) {
      if (dead()) return never();
      await ctx.sleep(mapreduceLimits.readMs);
      if (dead()) return never();
      fs.rename(from, to);
    },
    async remove(name) {
      if (dead()) return never();
      await ctx.sleep(mapreduceLimits.readMs);
      fs.remove(name);
    },
    async list(prefix = '') {
      if (dead()) return never();
      await ctx.sleep(mapreduceLimits.readMs);
      return fs.list(prefix);
    },
  };
}
