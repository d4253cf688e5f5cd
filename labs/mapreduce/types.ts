/**
 * The MapReduce lab's contract: what the tester gives a coordinator and a worker, and what it
 * expects back. Students write the two classes (`Coordinator`, `Worker`); everything here is
 * fixed by the lab.
 */
import type { NodeContext } from 'distlab';

/** One intermediate pair emitted by a map function. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** What an application's map/reduce may use besides its arguments (the app's "process"). */
export interface AppEnvironment {
  /** An id of the worker process running the call (node id and incarnation), like a pid. */
  readonly pid: string;
  /** Whether the process `pid` is still running (like `kill(pid, 0)`). */
  processAlive(pid: string): boolean;
  /** The shared file system, as this worker sees it. */
  readonly files: WorkerFiles;
  /** Sleeps in virtual time. */
  sleep(ms: number): Promise<void>;
  /** An integer in [min, max] from the world's seeded source. */
  randomInt(min: number, max: number): number;
  /** Virtual time in ms. */
  now(): number;
  /**
   * Kills this worker process at once (the Go crash app's `os.Exit(1)`). The returned promise
   * never settles: `await env.crash()` and nothing after it runs.
   */
  crash(): Promise<never>;
}

/**
 * A MapReduce application, as the Go lab's plugins: `map(filename, contents)` and
 * `reduce(key, values)`. Plain functions; test apps use `env` to sleep, crash or leave files.
 */
export interface MapReduceApp {
  readonly name: string;
  map(filename: string, contents: string, env: AppEnvironment): KeyValue[] | Promise<KeyValue[]>;
  reduce(key: string, values: readonly string[], env: AppEnvironment): string | Promise<string>;
}

/**
 * The application as a worker calls it: bound to the worker's process. Each call takes virtual
 * time (the "computation"), and the tester records it in the trace for the Gantt chart.
 */
export interface TaskFunctions {
  map(filename: string, contents: string): Promise<KeyValue[]>;
  reduce(key: string, values: readonly string[]): Promise<string>;
}

/**
 * The shared file system as a worker sees it. Every operation takes virtual time. Writes land
 * in chunks: a crash (or a reader) in the middle sees a partial file. `rename` is atomic and
 * replaces the target: write a temporary file, then rename it into place.
 */
export interface WorkerFiles {
  /** The file's contents, or null if there is no such file. */
  read(name: string): Promise<string | null>;
  /** Creates or truncates `name` at once, then writes `data` chunk by chunk. */
  write(name: string, data: string): Promise<void>;
  /** Appends `data` chunk by chunk (creates the file if needed). */
  append(name: string, data: string): Promise<void>;
  /** Atomically renames `from` to `to`, replacing `to`. Throws if `from` does not exist. */
  rename(from: string, to: string): Promise<void>;
  /** Removes `name` (no error if it does not exist). */
  remove(name: string): Promise<void>;
  /** File names starting with `prefix`, sorted. */
  list(prefix?: string): Promise<string[]>;
}

/** What the tester passes to `new Coordinator(ctx, options)` (Go's `MakeCoordinator(files, nReduce)`). */
export interface CoordinatorOptions {
  /** Input file names, one map task each. */
  readonly inputFiles: readonly string[];
  /** Number of reduce tasks (and of `mr-out-*` files). */
  readonly nReduce: number;
}

/** What the tester passes to `new Worker(ctx, options)` (Go's `Worker(mapf, reducef)`). */
export interface WorkerOptions {
  /** The coordinator's node id, for `ctx.call`. */
  readonly coordinator: string;
  readonly app: TaskFunctions;
  readonly files: WorkerFiles;
}

/** The coordinator as the tester sees it: `done()` is polled every second, like mrcoordinator. */
export interface CoordinatorNode {
  /** True once the whole job has finished; the coordinator process then exits. */
  done(): boolean;
}

/** The worker as the tester sees it. */
export interface WorkerNode {
  /** The worker's main loop; the worker process exits when it resolves. */
  run(): Promise<void>;
}

export type CoordinatorClass = new (ctx: NodeContext, options: CoordinatorOptions) => CoordinatorNode;
export type WorkerClass = new (ctx: NodeContext, options: WorkerOptions) => WorkerNode;

/** What the MapReduce tests exercise: the two classes. */
export interface MapReduceImplementation {
  readonly Coordinator: CoordinatorClass;
  readonly Worker: WorkerClass;
}

/**
 * Picks the reduce task for a key: `ihash(key) % nReduce`, as the Go lab does (FNV-1a, 32 bit,
 * top bit cleared).
 */
export function ihash(key: string): number {
  let hash = 0x811c9dc5;
  const bytes = Buffer.from(key, 'utf8');
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7fffffff;
}

/** The lab's fixed parameters. */
export const mapreduceLimits = {
  /** Reduce tasks in every test, as mrcoordinator's `nReduce`. */
  nReduce: 10,
  /** A task unanswered this long may be given to another worker (the handout's 10 s). */
  reissueAfterMs: 10_000,
  /** Virtual ms of map computation per input byte. */
  mapMsPerByte: 0.1,
  /** Virtual ms of reduce computation per value. */
  reduceMsPerValue: 0.1,
  /** Bytes written per chunk; a write lands chunk by chunk. */
  writeChunkBytes: 4096,
  /** Virtual ms per written chunk (a disk seek and 4 KB). */
  writeMsPerChunk: 10,
  /** Virtual ms per read, rename, remove or listing (a disk seek). */
  readMs: 10,
  /** The tester polls `done()` this often (mrcoordinator sleeps one second). */
  donePollMs: 1_000,
  /** TestCrashWorker starts a replacement this long after a worker exits or crashes (the Go script's `sleep 1`). */
  replaceWorkerAfterMs: 1_000,
  /** Workers must exit this long after the coordinator did. */
  workerExitMsMax: 20_000,
} as const;
