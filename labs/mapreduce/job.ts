/**
 * Runs one MapReduce job on a world, as the Go test scripts do with processes: a coordinator
 * node polled every second until `done()` (then it exits), and worker nodes whose `run()`
 * resolving means the worker process exited. The tester owns the processes: an exit or a crash
 * (the crash app's `env.crash()`) ends the node with `world.crash`, so it cannot keep acting.
 */
import type { NodeContext, World } from 'distlab';
import { FileSystem, workerFiles } from './file-system';
import type { InputFile } from './inputs';
import {
  ihash,
  mapreduceLimits,
  type AppEnvironment,
  type CoordinatorNode,
  type MapReduceApp,
  type MapReduceImplementation,
  type TaskFunctions,
  type WorkerNode,
} from './types';

export interface JobOptions {
  readonly app: MapReduceApp;
  readonly inputs: readonly InputFile[];
  readonly workers: number;
  readonly nReduce: number;
  /** Start a replacement whenever a worker exits or crashes, until the coordinator exits (TestCrashWorker). */
  readonly replaceWorkers: boolean;
}

/** A process that ended: exited on its own, or crashed. */
export interface ProcessEnd {
  readonly node: string;
  readonly incarnation: number;
  readonly atMs: number;
  readonly how: 'exit' | 'crash';
}

export const coordinatorId = 'coordinator';

export function workerId(index: number): string {
  return `worker-${index + 1}`;
}

/** Trace log lines the Gantt chart reads: `mr: begin map 3 pg-raven.txt`, `mr: end reduce 7`. */
export const taskLogPrefix = 'mr: ';

export class MapReduceJob {
  readonly fs = new FileSystem();
  readonly ends: ProcessEnd[] = [];
  readonly workerIds: readonly string[];
  coordinatorExitedAtMs: number | null = null;
  /** Sorted output when the first process exited (TestEarlyExit compares it with the final output). */
  outputAtFirstExit: string[] | null = null;
  /** Sorted output when the coordinator exited (what the Go scripts read). */
  outputAtCoordinatorExit: string[] | null = null;
  private readonly incarnations = new Map<string, number>();

  private constructor(
    readonly world: World,
    readonly impl: MapReduceImplementation,
    readonly options: JobOptions,
  ) {
    this.workerIds = Array.from({ length: options.workers }, (_, index) => workerId(index));
  }

  /** Writes the inputs, starts the coordinator and the workers, and the done() poller. */
  static start(world: World, impl: MapReduceImplementation, options: JobOptions): MapReduceJob {
    const job = new MapReduceJob(world, impl, options);
    for (const input of options.inputs) job.fs.write(input.name, input.contents);
    world.addNode(coordinatorId, (ctx) => job.buildCoordinator(ctx));
    for (const id of job.workerIds) world.addNode(id, (ctx) => job.buildWorker(ctx));
    world.spawn('mrcoordinator', () => job.pollDone());
    return job;
  }

  /** The sorted non-empty lines of every `mr-out-*` file (`sort mr-out* | grep .`). */
  output(): string[] {
    const lines: string[] = [];
    for (const name of this.fs.list('mr-out')) lines.push(...(this.fs.read(name) ?? '').split('\n').filter((line) => line.length > 0));
    return lines.sort();
  }

  /** Workers still running (neither exited nor crashed without replacement). */
  runningWorkers(): string[] {
    return this.workerIds.filter((id) => this.world.isUp(id));
  }

  /** Whether the worker process `pid` ("worker-2#1") is running (the apps' `kill(pid, 0)`). */
  processAlive(pid: string): boolean {
    const [node, incarnation] = pid.split('#');
    if (node === undefined || !this.workerIds.includes(node) || !this.world.isUp(node)) return false;
    return String(this.incarnations.get(node)) === incarnation;
  }

  private buildCoordinator(ctx: NodeContext): CoordinatorNode {
    const coordinator = new this.impl.Coordinator(ctx, { inputFiles: this.options.inputs.map((input) => input.name), nReduce: this.options.nReduce });
    if (typeof coordinator?.done !== 'function') throw new Error('the Coordinator class has no done() method; the tester polls done() every second');
    return coordinator;
  }

  private buildWorker(ctx: NodeContext): WorkerNode {
    this.incarnations.set(ctx.id, ctx.incarnation);
    const worker = new this.impl.Worker(ctx, { coordinator: coordinatorId, app: this.bindApp(ctx), files: workerFiles(this.fs, ctx) });
    if (typeof worker?.run !== 'function') throw new Error('the Worker class has no run() method; the tester calls run() and the worker exits when it resolves');
    const running = worker.run();
    if (typeof running?.then !== 'function') throw new Error(`${ctx.id}: Worker.run() must return a promise (declare it async)`);
    running.then(
      () => this.processEnded(ctx, 'exit'),
      (error: unknown) => {
        if (ctx.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        this.world.stop(`${ctx.id}: Worker.run() threw at ${this.world.nowMs()} ms: ${message}`);
      },
    );
    return worker;
  }

  /** mrcoordinator: `for !m.Done() { sleep(1 s) }`, then the coordinator process exits. */
  private async pollDone(): Promise<void> {
    for (;;) {
      await this.world.sleep(mapreduceLimits.donePollMs);
      const coordinator = this.world.node<CoordinatorNode>(coordinatorId);
      if (coordinator === null) return; // it crashed (threw); the world has stopped
      let done: boolean;
      try {
        done = coordinator.done();
      } catch (error) {
        this.world.stop(`Coordinator.done() threw at ${this.world.nowMs()} ms: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (done) {
        this.coordinatorExitedAtMs = this.world.nowMs();
        this.outputAtCoordinatorExit = this.output();
        this.outputAtFirstExit ??= this.outputAtCoordinatorExit;
        this.world.crash(coordinatorId, 'exit (done() returned true)');
        return;
      }
    }
  }

  /** A worker process ended: record it, make sure it is gone, start a replacement if asked to. */
  private processEnded(ctx: NodeContext, how: 'exit' | 'crash', reason = 'exit (run() resolved)'): void {
    if (ctx.signal.aborted) return;
    this.ends.push({ node: ctx.id, incarnation: ctx.incarnation, atMs: this.world.nowMs(), how });
    if (how === 'exit') this.outputAtFirstExit ??= this.output();
    this.world.crash(ctx.id, reason);
    if (this.options.replaceWorkers) {
      this.world.schedule(mapreduceLimits.replaceWorkerAfterMs, () => {
        if (this.coordinatorExitedAtMs === null && !this.world.isUp(ctx.id)) this.world.restart(ctx.id);
      });
    }
  }

  /** The application as this worker calls it: timed, traced, and with its environment bound. */
  private bindApp(ctx: NodeContext): TaskFunctions {
    const { app, inputs, nReduce } = this.options;
    const env: AppEnvironment = {
      pid: `${ctx.id}#${ctx.incarnation}`,
      processAlive: (pid) => this.processAlive(pid),
      files: workerFiles(this.fs, ctx),
      sleep: (ms) => ctx.sleep(ms),
      randomInt: (min, max) => ctx.randomInt(min, max),
      now: () => ctx.now(),
      crash: () => {
        this.processEnded(ctx, 'crash', `crash app: os.Exit(1) in ${app.name}`);
        return new Promise<never>(() => {});
      },
    };
    return {
      map: async (filename, contents) => {
        const task = inputs.findIndex((input) => input.name === filename);
        ctx.log(`${taskLogPrefix}begin map ${task} ${filename}`);
        await ctx.sleep(contents.length * mapreduceLimits.mapMsPerByte);
        const pairs = await app.map(filename, contents, env);
        ctx.log(`${taskLogPrefix}end map ${task}`);
        return pairs.map((pair) => ({ key: pair.key, value: pair.value }));
      },
      reduce: async (key, values) => {
        const task = ihash(key) % nReduce;
        ctx.log(`${taskLogPrefix}begin reduce ${task}`);
        await ctx.sleep(values.length * mapreduceLimits.reduceMsPerValue);
        const value = await app.reduce(key, [...values], env);
        ctx.log(`${taskLogPrefix}end reduce ${task}`);
        return value;
      },
    };
  }
}
