/**
 * Running tests in child processes with a wall-clock guard. A submission that loops forever
 * in synchronous code cannot be interrupted in the process it runs in; here each worker runs
 * one test at a time, and when a run exceeds `wallMsMax` (or the worker dies: process.exit,
 * out of memory) the parent kills it, records a 'crash' outcome that says why, and starts a
 * new worker for the remaining runs. `jobs` workers run side by side.
 *
 * Workers are reused between runs (each run still evaluates the submission afresh), so the
 * cost of starting node and loading distlab is paid once per worker, not once per test.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LabSource } from './lab-source';
import { ImplementationLoadError, displayPath, type CompiledImplementation, type LoadProblem } from './load-impl';
import { packageRoot, runningFromSource } from './package-root';
import { crashOutcome, type TestOutcome } from './run-test';

export type ParentMessage =
  | { readonly type: 'init'; readonly lab: LabSource; readonly impl: CompiledImplementation }
  | { readonly type: 'run'; readonly id: number; readonly test: string; readonly seed: number };

export type WorkerMessage =
  /** The lab is loaded; the submission is loading (the load's wall-clock limit starts now). */
  | { readonly type: 'lab-ready' }
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly message: string }
  | { readonly type: 'implementation-failed'; readonly problem: LoadProblem; readonly message: string; readonly details: readonly string[] }
  | { readonly type: 'outcome'; readonly id: number; readonly outcome: TestOutcome };

/** One test on one seed. */
export interface PlannedRun {
  readonly test: string;
  readonly part: string;
  readonly seed: number;
}

export interface IsolatedRunRequest {
  readonly labName: string;
  readonly lab: LabSource;
  readonly impl: CompiledImplementation;
  readonly runs: readonly PlannedRun[];
}

export interface IsolateOptions {
  /** Worker processes side by side (default 1). */
  readonly jobs?: number;
  /** Wall-clock limit per run, in ms (default `isolateWallMsMaxDefault`). */
  readonly wallMsMax?: number;
  /** V8 heap limit per worker, in MB (default `isolateMemoryMbMaxDefault`). */
  readonly memoryMbMax?: number;
  readonly onOutcome?: (outcome: TestOutcome) => void;
  /** Where the workers' own stdout/stderr (console.log in the submission) goes; default: dropped. */
  readonly onWorkerOutput?: (text: string) => void;
}

export const isolateWallMsMaxDefault = 60_000;
export const isolateMemoryMbMaxDefault = 1024;
/** Wall-clock limit for a worker to start and load the lab (not the submission). */
export const workerStartMsMax = 120_000;

/** A worker could not even load the lab (a bug in the lab or the installation, not the submission). */
export class IsolationError extends Error {
  override readonly name = 'IsolationError';
}

/**
 * Runs every planned run in worker processes; resolves to the outcomes in plan order.
 *
 * @example
 *   await runTestsIsolated({ labName: 'raft', lab: found.source, impl: compiled, runs }, { jobs: 2 });
 */
export async function runTestsIsolated(request: IsolatedRunRequest, options: IsolateOptions = {}): Promise<TestOutcome[]> {
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, request.runs.length));
  const outcomes: Array<TestOutcome | undefined> = new Array(request.runs.length);
  let next = 0;
  let failed = false;
  const take = (): number | null => (!failed && next < request.runs.length ? next++ : null);
  const lanes = Array.from({ length: jobs }, () =>
    runLane(request, options, take, (index, outcome) => {
      outcomes[index] = outcome;
      options.onOutcome?.(outcome);
    }).catch((error: unknown) => {
      failed = true;
      throw error;
    }),
  );
  const settled = await Promise.allSettled(lanes);
  const rejection = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejection !== undefined) throw rejection.reason;
  return outcomes.map((outcome, index) => {
    if (outcome === undefined) throw new Error(`isolate: run ${index} produced no outcome`);
    return outcome;
  });
}

/** One worker slot: takes runs until none are left, replacing its worker when it dies. */
async function runLane(
  request: IsolatedRunRequest,
  options: IsolateOptions,
  take: () => number | null,
  done: (index: number, outcome: TestOutcome) => void,
): Promise<void> {
  let worker: Worker | null = null;
  try {
    for (let index = take(); index !== null; index = take()) {
      const run = request.runs[index];
      if (run === undefined) break;
      worker ??= await Worker.start(request, options);
      const result = await worker.run(index, run, options.wallMsMax ?? isolateWallMsMaxDefault);
      if (result.kind === 'outcome') {
        done(index, result.outcome);
        continue;
      }
      worker.kill();
      worker = null;
      done(index, deathOutcome(request.labName, run, result, options.wallMsMax ?? isolateWallMsMaxDefault));
    }
  } finally {
    worker?.stop();
  }
}

type RunResult =
  | { readonly kind: 'outcome'; readonly outcome: TestOutcome }
  | { readonly kind: 'timeout'; readonly wallMs: number }
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: string | null; readonly wallMs: number };

function deathOutcome(labName: string, run: PlannedRun, result: Exclude<RunResult, { kind: 'outcome' }>, wallMsMax: number): TestOutcome {
  const failure =
    result.kind === 'timeout'
      ? `the test ran longer than ${wallMsMax / 1000} s of wall-clock time and was stopped: is some code looping without ever yielding (a while loop with no await, a handler that never returns)?`
      : `the test process died (${result.signal === null ? `exit code ${String(result.code)}` : `signal ${result.signal}`}) while the test ran: does the implementation call process.exit, or run out of memory?`;
  return crashOutcome({ lab: labName, name: run.test, part: run.part, seed: run.seed, failure, wallMs: result.wallMs });
}

/** The worker entry point and node flags to start it with (tsx when running from sources). */
function workerCommand(memoryMbMax: number): { file: string; execArgv: string[] } {
  const execArgv = [`--max-old-space-size=${memoryMbMax}`];
  if (!runningFromSource()) return { file: path.join(__dirname, 'isolate-worker.js'), execArgv };
  const loader = path.join(packageRoot(), 'node_modules', 'tsx', 'dist', 'loader.mjs');
  if (!fs.existsSync(loader)) throw new IsolationError(`running from sources needs tsx to start test workers, and ${loader} is missing.`);
  return { file: path.join(__dirname, 'isolate-worker.ts'), execArgv: [...execArgv, '--import', pathToFileURL(loader).href] };
}

class Worker {
  private pending: { id: number; settle: (result: RunResult) => void; startedNs: bigint } | null = null;
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: WorkerMessage) => {
      if (message.type !== 'outcome' || this.pending === null || message.id !== this.pending.id) return;
      const pending = this.pending;
      this.pending = null;
      pending.settle({ kind: 'outcome', outcome: message.outcome });
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      const pending = this.pending;
      this.pending = null;
      pending?.settle({ kind: 'exit', code, signal, wallMs: elapsedMs(pending.startedNs) });
    });
  }

  static async start(request: IsolatedRunRequest, options: IsolateOptions): Promise<Worker> {
    const command = workerCommand(options.memoryMbMax ?? isolateMemoryMbMaxDefault);
    const child = fork(command.file, [], { execArgv: command.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    const forward = (chunk: Buffer): void => options.onWorkerOutput?.(chunk.toString('utf8'));
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    const worker = new Worker(child);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerMessage): void => {
        if (message.type === 'lab-ready') startImplementationTimer();
        if (message.type === 'ready') finish(null);
        if (message.type === 'init-failed') finish(new IsolationError(`a test worker could not load the ${request.labName} lab: ${message.message}`));
        if (message.type === 'implementation-failed') finish(new ImplementationLoadError(message.problem, message.message, message.details));
      };
      const onExit = (code: number | null): void =>
        finish(
          new ImplementationLoadError(
            'import',
            `${displayPath(request.impl.file)} ended the test process (exit code ${String(code)}) while loading, before any test ran: does top-level code call process.exit or use too much memory?`,
          ),
        );
      const wallMsMax = options.wallMsMax ?? isolateWallMsMaxDefault;
      // Starting node and loading the lab is the installation's business: a generous limit.
      let timer = setTimeout(() => finish(new IsolationError(`a test worker did not load the ${request.labName} lab within ${workerStartMsMax / 1000} s.`)), workerStartMsMax);
      const startImplementationTimer = (): void => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            finish(
              new ImplementationLoadError(
                'import',
                `${displayPath(request.impl.file)} took longer than ${wallMsMax / 1000} s of wall-clock time to load, before any test ran: does top-level code (or an implementation cell) loop forever?`,
              ),
            ),
          wallMsMax,
        );
      };
      const finish = (error: Error | null): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error === null) resolve();
        else {
          child.kill('SIGKILL');
          reject(error);
        }
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ type: 'init', lab: request.lab, impl: request.impl } satisfies ParentMessage);
    });
    return worker;
  }

  run(id: number, run: PlannedRun, wallMsMax: number): Promise<RunResult> {
    return new Promise((resolve) => {
      const startedNs = process.hrtime.bigint();
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = null;
        resolve({ kind: 'timeout', wallMs: elapsedMs(startedNs) });
      }, wallMsMax);
      this.pending = {
        id,
        startedNs,
        settle: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      if (this.exited) {
        this.pending = null;
        clearTimeout(timer);
        resolve({ kind: 'exit', code: this.child.exitCode, signal: this.child.signalCode, wallMs: 0 });
        return;
      }
      this.child.send({ type: 'run', id, test: run.test, seed: run.seed } satisfies ParentMessage);
    });
  }

  /** Ends an idle worker politely. */
  stop(): void {
    if (!this.exited && this.child.connected) this.child.disconnect();
  }

  /** Ends a worker that is stuck or dead. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

function elapsedMs(startedNs: bigint): number {
  return Number(process.hrtime.bigint() - startedNs) / 1e6;
}
