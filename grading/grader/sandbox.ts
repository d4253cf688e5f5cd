/**
 * Running submission code: a pool of sandboxed worker processes (child.ts), one run at a time
 * per worker, each run under a CPU-time limit (cpu-time.ts: the same work is stopped on a busy
 * machine as on an idle one). The grading process never evaluates submission code itself; it
 * only reads signed, schema-checked outcomes, and a worker that runs out of CPU time, dies, or
 * sends anything unexpected is killed and its run fails with a sentence saying why. A fresh
 * worker takes the next run.
 *
 * Wall-clock time is only the grader's own safety net, far above any legitimate run: a run
 * stopped by it was not graded (the machine was too slow, or the code blocked without
 * computing), it is tried once more on a fresh worker, and if it is stopped again the test says
 * "not graded", never that the student's code failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Containment } from './containment';
import { WorkerCpu } from './cpu-time';
import { encodeFrame, FrameReader } from './frames';
import type { InitMessage, Isolation, RunMessage, WireGraph, WireLabSource, WireOutcome, WirePlot } from './protocol';
import { runCpuSentence, startupCpuSentence, verifyMessage, wallLimitSentence, workerLineBytesMax, type WorkerMessage } from './protocol';
import { crashOutcome } from 'distlab/testing';

export interface SandboxLimits {
  /** CPU ms (the worker's user + system time, every thread) one (test, seed) run may use: over it, the run fails. */
  readonly cpuMsPerRun: number;
  /** Wall-clock ms one run may take before the grader gives up on it as not graded (infrastructure, not the student). */
  readonly wallMsPerRun: number;
  /** Heap limit of a worker, in MB (`--max-old-space-size`). */
  readonly memoryMb: number;
  /** Simulated events one world may run (World `eventsMax`). */
  readonly eventsMax: number;
  /** CPU ms a worker may use to start and load the submission: over it, the submission does not load. */
  readonly startupCpuMs: number;
  /** Wall-clock ms a worker may take to start (infrastructure). */
  readonly startupWallMs: number;
  /** Wall-clock budget of the whole grading. */
  readonly totalWallMs: number;
}

export interface SandboxSetup {
  /** The checkout (package.json, node_modules). */
  readonly root: string;
  /** The built runtime, `<root>/dist/src`. */
  readonly runtimeRoot: string;
  /** The worker's only writable folder; the worker script is copied here. */
  readonly scratch: string;
  readonly childFile: string;
  readonly lab: WireLabSource;
  /** The lab's public source folder (labs/<lab>: inputs, data files), readable by workers. */
  readonly labFolder: string | null;
  readonly hidden: WireGraph | null;
  readonly submission: InitMessage['submission'];
  readonly limits: SandboxLimits;
  readonly isolation: Isolation;
  /** How the OS contains each worker (containment.ts). */
  readonly containment: Containment;
}

export interface Assignment {
  readonly id: number;
  readonly test: string;
  readonly part: string;
  readonly hidden: boolean;
  readonly seed: number;
  readonly plots: boolean;
}

export interface RunRecord {
  readonly assignment: Assignment;
  readonly outcome: WireOutcome;
  readonly plots: readonly WirePlot[];
  /** Set when the grader (not the test) failed the run: CPU limit, crash of the worker, tampering. */
  readonly enforced?: string;
  /** The grader could not grade the run (wall-clock safety net): not the submission's failure. */
  readonly infrastructure?: boolean;
  /** Tail of the worker's stdout/stderr while it ran (capped). */
  readonly output: string;
}

const outputCharsMax = 4000;

/** The folders a worker may read: scratch, the built runtime, node_modules, the lab (built and source; public). */
export function readablePaths(setup: SandboxSetup): string[] {
  const paths = [setup.scratch, setup.runtimeRoot, path.join(setup.root, 'node_modules')];
  // Labs import each other's public modules (kvraft's tester uses kvsrv's history and plots):
  // a built lab reads every built public lab (dist/labs, the handout's labs/ compiled).
  if (setup.lab.kind === 'require') paths.push(builtLabs(setup) ?? path.dirname(setup.lab.file));
  if (setup.labFolder !== null && fs.existsSync(setup.labFolder)) paths.push(setup.labFolder);
  // Node checks the paths it opens after resolving symlinks: a linked node_modules, or linked
  // packages inside it (node_modules/distlab -> dist/src).
  const real = paths.map((folder) => (fs.existsSync(folder) ? fs.realpathSync(folder) : folder));
  return [...new Set([...paths, ...real, ...linkedPackages(path.join(setup.root, 'node_modules'))])];
}

/** `<root>/dist/labs` when the lab was built there, else null. */
function builtLabs(setup: SandboxSetup): string | null {
  if (setup.lab.kind !== 'require') return null;
  const labs = path.join(setup.root, 'dist', 'labs');
  const relative = path.relative(labs, setup.lab.file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? null : labs;
}

/** Real folders of the symlinked packages in `modules` (and in its @scopes), at most 2000. */
function linkedPackages(modules: string): string[] {
  if (!fs.existsSync(modules)) return [];
  const found: string[] = [];
  const visit = (folder: string, depth: number) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).slice(0, 2000)) {
      const full = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          found.push(fs.realpathSync(full));
        } catch {
          /* dangling link */
        }
      } else if (entry.isDirectory() && entry.name.startsWith('@') && depth === 0) {
        visit(full, 1);
      }
    }
  };
  visit(modules, 0);
  return found;
}

type Pending = { resolve: (value: WorkerEvent) => void };
type WorkerEvent =
  | { kind: 'ready' }
  | { kind: 'load-error'; message: string; infrastructure: boolean }
  | { kind: 'outcome'; id: number; outcome: WireOutcome; plots: WirePlot[]; infrastructure: boolean }
  | { kind: 'dead'; reason: string; infrastructure: boolean };

/** How long a worker may go on: CPU (the submission's budget) and wall clock (the grader's safety net). */
export interface WorkerBudget {
  readonly cpuMs: number;
  readonly wallMs: number;
  /** What the run fails with when it uses `cpuMs`. */
  readonly cpuReason: string;
  /** What the run is marked "not graded" with when it outlasts `wallMs`, given the CPU ms it used. */
  readonly wallReason: (cpuMs: number) => string;
}

/** How often the grader reads a running worker's CPU time. */
const pollMs = 100;

/** Workers alive in this process: killed if the grading process exits first. */
const liveWorkers = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackWorker(child: ChildProcess): Promise<void> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const worker of liveWorkers) killGroup(worker);
    });
  }
  liveWorkers.add(child);
  return new Promise((resolve) => {
    child.on('exit', () => {
      liveWorkers.delete(child);
      resolve();
    });
    child.on('error', () => {
      liveWorkers.delete(child);
      resolve();
    });
  });
}

/**
 * SIGKILL to the worker's whole process group (its own session: the containment wrappers and
 * the worker itself), so the worker is gone with its wrappers, not a moment later.
 */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

class Worker {
  private readonly process: ChildProcess;
  private readonly key = randomBytes(32);
  private readonly frames = new FrameReader(workerLineBytesMax);
  private output = '';
  private waiting: Pending | null = null;
  private dead: string | null = null;
  private deadInfrastructure = false;
  private readonly cpu: WorkerCpu;
  /** Settles when the worker process has exited (grading waits for it: no process is left). */
  readonly exited: Promise<void>;

  constructor(private readonly setup: SandboxSetup) {
    const command = [...setup.containment.prefix, ...nodeCommand(setup)];
    this.process = spawn(command[0] ?? process.execPath, command.slice(1), {
      cwd: setup.scratch,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: setup.scratch, TMPDIR: setup.scratch, NODE_ENV: 'production' },
      // stdin carries the grader's frames to the worker; fd 3 the worker's frames back. Not
      // Node's IPC channel: its parser throws in this process on garbage from the worker.
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      // Its own session and process group: nothing it signals as a group reaches the grader.
      detached: true,
    });
    this.exited = trackWorker(this.process);
    this.cpu = new WorkerCpu(this.process.pid ?? -1, setup.containment.prefix.length > 0);
    const keep = (chunk: Buffer) => {
      if (process.env.DISTLAB_GRADE_DEBUG !== undefined) process.stderr.write(chunk);
      this.output = (this.output + chunk.toString('utf8')).slice(-outputCharsMax);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    const channel = this.process.stdio[3] as NodeJS.ReadableStream | null;
    channel?.on('data', (chunk: Buffer) => this.receive(chunk));
    // A worker that closes or breaks its end of a pipe fails its run; it never throws here.
    const streams: ReadonlyArray<NodeJS.EventEmitter | null> = [this.process.stdin, this.process.stdout, this.process.stderr, channel];
    for (const stream of streams) stream?.on('error', () => this.kill('the grading worker broke its channel to the grader; the run gets no credit'));
    this.process.on('exit', (code, signal) => this.die(exitReason(code, signal, this.output, setup.limits.memoryMb), false));
    this.process.on('error', (error) => this.die(`the grading worker could not start: ${error.message}`, true));
    const init: InitMessage = {
      type: 'init',
      key: this.key.toString('hex'),
      runtimeRoot: setup.runtimeRoot,
      lab: setup.lab,
      hidden: setup.hidden,
      submission: setup.submission,
      eventsMax: setup.limits.eventsMax,
      cpuMsPerRun: setup.limits.cpuMsPerRun,
      wallMsPerRun: setup.limits.wallMsPerRun,
      startupCpuMs: setup.limits.startupCpuMs,
      startupWallMs: setup.limits.startupWallMs,
      sentences: {
        runCpu: runCpuSentence(setup.limits.cpuMsPerRun),
        startupCpu: startupCpuSentence(setup.limits.startupCpuMs),
        runWall: wallLimitSentence('this run', setup.limits.wallMsPerRun, null),
        startupWall: wallLimitSentence('loading your code', setup.limits.startupWallMs, null),
      },
      isolation: setup.isolation,
      memoryMb: setup.limits.memoryMb,
    };
    this.send(init);
  }

  get tail(): string {
    return this.output;
  }

  clearOutput(): void {
    this.output = '';
  }

  private receive(chunk: Buffer): void {
    const frames = this.frames.push(chunk);
    if (!Array.isArray(frames)) {
      this.kill(`your code interfered with the grader's channel (${frames.problem}); the run gets no credit`);
      return;
    }
    for (const frame of frames) {
      if (this.dead !== null) return;
      const checked = verifyMessage(this.key, frame);
      if ('problem' in checked) {
        this.kill(`your code interfered with the grader's channel (${checked.problem}); the run gets no credit`);
        return;
      }
      this.deliver(checked.message);
    }
  }

  private deliver(message: WorkerMessage): void {
    const event: WorkerEvent =
      message.type === 'ready'
        ? { kind: 'ready' }
        : message.type === 'load-error'
          ? { kind: 'load-error', message: message.message, infrastructure: message.problem === 'infrastructure' }
          : { kind: 'outcome', id: message.id, outcome: message.outcome, plots: message.plots, infrastructure: message.infrastructure === true };
    const waiting = this.waiting;
    if (waiting === null) {
      this.kill('the grading worker sent a message nobody asked for; the run gets no credit');
      return;
    }
    this.waiting = null;
    waiting.resolve(event);
  }

  private die(reason: string, infrastructure: boolean): void {
    if (this.dead !== null) return;
    this.dead = reason;
    this.deadInfrastructure = infrastructure;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve({ kind: 'dead', reason, infrastructure });
  }

  /** Kills the worker; `infrastructure`: the grader gave up on it, the submission is not to blame. */
  kill(reason: string, infrastructure = false): void {
    this.die(reason, infrastructure);
    killGroup(this.process);
  }

  /**
   * Waits for the next message. The worker is killed when it has used `budget.cpuMs` of CPU
   * since this call (the submission's failure), or when `budget.wallMs` of wall-clock time have
   * passed (the grader's safety net: not graded).
   */
  next(budget: WorkerBudget): Promise<WorkerEvent> {
    if (this.dead !== null) return Promise.resolve({ kind: 'dead', reason: this.dead, infrastructure: this.deadInfrastructure });
    const cpuStart = this.cpu.cpuMs();
    const wallStart = performance.now(); // wall-clock-ok (the grader's safety net, outside any world)
    return new Promise((resolve) => {
      const poll = setInterval(() => {
        const cpuUsed = this.cpu.cpuMs() - cpuStart;
        if (cpuUsed > budget.cpuMs) this.kill(budget.cpuReason);
        else if (performance.now() - wallStart > budget.wallMs) this.kill(budget.wallReason(cpuUsed), true); // wall-clock-ok (same)
      }, pollMs);
      this.waiting = {
        resolve: (event) => {
          clearInterval(poll);
          resolve(event);
        },
      };
    });
  }

  send(message: InitMessage | RunMessage): void {
    if (this.dead === null) this.process.stdin?.write(encodeFrame(message));
  }
}

/** Node under the permission model: reads only what the worker needs, writes nothing. */
function nodeCommand(setup: SandboxSetup): string[] {
  return [
    process.execPath,
    '--experimental-permission',
    // The submission runs in a worker thread (its own isolate) behind the bridge (src/sandbox).
    '--allow-worker',
    // One flag per path: Node 20.20 treats a comma-separated list as one (wrong) path.
    ...readablePaths(setup).map((folder) => `--allow-fs-read=${folder}`),
    // No --allow-fs-write at all: with write access a worker could plant a symlink in its
    // folder and read through it anywhere (Node's permission model follows symlinks).
    `--max-old-space-size=${setup.limits.memoryMb}`,
    '--no-warnings',
    setup.childFile,
  ];
}

function exitReason(code: number | null, signal: NodeJS.Signals | null, output: string, memoryMb: number): string {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(output)) {
    return `your code ran out of memory (the limit is ${memoryMb} MB): look for a collection that grows without bound`;
  }
  if (signal === 'SIGKILL') return 'the grading worker running your code was killed';
  if (code === 0) return 'your code ended the grading process (exit code 0) before the run finished; never call process.exit';
  return `the grading worker running your code exited (${signal ?? `code ${code}`}) before the run finished`;
}

/** Called once per assignment, in completion order. */
export type OnRecord = (record: RunRecord) => void;

export interface PoolResult {
  readonly records: RunRecord[];
  /** The submission did not load (threw at import, missing export): no test ran. */
  readonly loadError: string | null;
}

/**
 * Runs `assignments` on `jobs` workers. `skip(assignment)` is asked before each run (a test
 * whose earlier seed failed need not run again); skipped runs produce no record. A run the
 * grader could not grade (wall-clock safety net) is tried once more on a fresh worker.
 */
export async function runPool(
  setup: SandboxSetup,
  assignments: readonly Assignment[],
  options: { jobs: number; skip: (assignment: Assignment) => boolean; onRecord: OnRecord; deadline: number },
): Promise<PoolResult> {
  const queue = [...assignments];
  const records: RunRecord[] = [];
  const retried = new Set<number>();
  let loadError: string | null = null;
  const started: Array<Promise<void>> = [];
  const record = (entry: RunRecord) => {
    // Not graded (the wall-clock safety net): once more, on a fresh worker, before saying so.
    if (entry.infrastructure === true && !retried.has(entry.assignment.id) && !entry.enforced?.includes('grading time budget')) {
      retried.add(entry.assignment.id);
      queue.unshift(entry.assignment);
      return;
    }
    records.push(entry);
    options.onRecord(entry);
  };
  const lane = async (): Promise<void> => {
    let worker: Worker | null = null;
    for (;;) {
      const assignment = queue.shift();
      if (assignment === undefined || loadError !== null) break;
      if (options.skip(assignment)) continue;
      if (Date.now() > options.deadline) { // wall-clock-ok (outside any world: a budget or a report of grading time)
        record(enforcedFailure(assignment, `not graded: the grading time budget of ${setup.limits.totalWallMs / 1000} s ran out before this run started (slow runs before it, or a busy grading machine)`, '', true));
        continue;
      }
      if (worker === null) {
        const fresh = await startWorker(setup, started);
        if ('loadError' in fresh) {
          loadError = fresh.loadError;
          break;
        }
        if ('failed' in fresh) {
          record(enforcedFailure(assignment, fresh.failed.reason, fresh.failed.tail, fresh.failed.infrastructure));
          continue;
        }
        worker = fresh.worker;
      }
      worker.clearOutput();
      worker.send({ type: 'run', id: assignment.id, test: assignment.test, hidden: assignment.hidden, seed: assignment.seed, plots: assignment.plots });
      const entry = recordOf(assignment, await worker.next(runBudget(setup)), worker.tail);
      if (entry.enforced !== undefined) {
        worker.kill('done');
        worker = null;
      }
      record(entry);
    }
    worker?.kill('done');
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, lane));
  // Every worker was killed above; wait until each has exited, so none outlives the grading.
  await Promise.all(started);
  return { records, loadError };
}

/** A worker that loaded the submission, or why it did not (a load error ends the grading; a failure fails one run). */
async function startWorker(setup: SandboxSetup, started: Array<Promise<void>>): Promise<{ worker: Worker } | { loadError: string } | { failed: { reason: string; tail: string; infrastructure: boolean } }> {
  const fresh = new Worker(setup);
  started.push(fresh.exited);
  const limits = setup.limits;
  const event = await fresh.next({
    cpuMs: limits.startupCpuMs + safetyMarginMs(setup, limits.startupCpuMs),
    wallMs: limits.startupWallMs + safetyMarginMs(setup, limits.startupWallMs),
    cpuReason: startupCpuSentence(limits.startupCpuMs),
    wallReason: (cpuMs) => wallLimitSentence('starting the grading worker', limits.startupWallMs, cpuMs),
  });
  if (event.kind === 'ready') return { worker: fresh };
  fresh.kill('done');
  if (event.kind === 'load-error' && !event.infrastructure) return { loadError: event.message };
  // Loading the same code uses the same CPU every time: a worker stopped at the CPU limit means the submission does not load.
  if (event.kind === 'dead' && !event.infrastructure && event.reason === startupCpuSentence(limits.startupCpuMs)) return { loadError: event.reason };
  const reason = event.kind === 'dead' || event.kind === 'load-error' ? (event.kind === 'dead' ? event.reason : event.message) : 'unexpected message';
  return { failed: { reason, tail: fresh.tail, infrastructure: event.kind !== 'outcome' && event.infrastructure } };
}

/**
 * Behind the bridge the worker stops a run itself (its guest thread) and says why; the parent's
 * limits sit a little above, for a worker that cannot. In the worker's own isolate only the
 * parent can stop a loop, at the limit itself.
 */
function safetyMarginMs(setup: SandboxSetup, limitMs: number): number {
  return setup.isolation === 'bridge' ? Math.max(2000, Math.round(limitMs / 10)) : 0;
}

function runBudget(setup: SandboxSetup): WorkerBudget {
  const limits = setup.limits;
  return {
    cpuMs: limits.cpuMsPerRun + safetyMarginMs(setup, limits.cpuMsPerRun),
    wallMs: limits.wallMsPerRun + safetyMarginMs(setup, limits.wallMsPerRun),
    cpuReason: runCpuSentence(limits.cpuMsPerRun),
    wallReason: (cpuMs) => wallLimitSentence('this run', limits.wallMsPerRun, cpuMs),
  };
}

function recordOf(assignment: Assignment, event: WorkerEvent, tail: string): RunRecord {
  if (event.kind === 'dead') return enforcedFailure(assignment, event.reason, tail, event.infrastructure);
  if (event.kind !== 'outcome') return enforcedFailure(assignment, 'the grading worker sent a message out of order', tail, false);
  const outcome = event.outcome;
  const mismatch =
    event.id !== assignment.id || outcome.name !== assignment.test || outcome.seed !== assignment.seed
      ? 'an outcome for a run that was not assigned'
      : outcome.passed !== (outcome.kind === 'pass') || outcome.passed === (outcome.failure !== undefined)
        ? 'an outcome whose verdict contradicts itself'
        : outcome.passed && outcome.events === 0
          ? 'a passing outcome for a run in which nothing happened'
          : null;
  if (mismatch !== null) return enforcedFailure(assignment, `your code interfered with the grader (${mismatch}); the run gets no credit`, tail, false);
  // The worker gave up on the run at the wall-clock safety net itself (its guest thread): not graded.
  if (event.infrastructure && !outcome.passed) return enforcedFailure(assignment, outcome.failure ?? 'not graded', tail, true);
  return { assignment, outcome, plots: event.plots, output: tail };
}

function enforcedFailure(assignment: Assignment, reason: string, tail: string, infrastructure: boolean): RunRecord {
  return {
    assignment,
    outcome: { ...crashOutcome({ lab: '', name: assignment.test, part: assignment.part, seed: assignment.seed, failure: reason, traceHash: '00000000' }), log: [] },
    plots: [],
    enforced: reason,
    ...(infrastructure ? { infrastructure: true } : {}),
    output: tail,
  };
}

/** Makes the scratch folder and copies the worker script into it. */
export function prepareScratch(scratch: string, childCode: string): string {
  fs.mkdirSync(scratch, { recursive: true });
  const childFile = path.join(scratch, 'grading-worker.js');
  fs.writeFileSync(childFile, childCode);
  return childFile;
}
