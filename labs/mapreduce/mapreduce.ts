/**
 * Lab 1: MapReduce. Your code goes here (or in the lab notebook, mapreduce.ipynb, whose code
 * cells start as the `// notebook: NAME` parts of this file).
 *
 * Write a coordinator and a worker that run on distlab's simulated cluster:
 *   - `Coordinator`: hands out map tasks (one per input file), then reduce tasks (nReduce of
 *     them), over RPC; gives a task to another worker when its worker has been silent for 10 s;
 *     `done()` returns true once every reduce task has finished.
 *   - `Worker`: in `run()`, asks the coordinator for tasks in a loop, runs them with
 *     `options.app.map` / `options.app.reduce`, writes files through `options.files`, and
 *     returns (the worker process exits) when the job is over or the coordinator is gone.
 * Read README.md for the rules and hints; run the tests with `npx distlab test mapreduce` or
 * from the notebook.
 */
import type { NodeContext } from 'distlab';
import {
  ihash,
  type CoordinatorNode,
  type CoordinatorOptions,
  type KeyValue,
  type WorkerNode,
  type WorkerOptions,
} from './types';

export { ihash };
export type { KeyValue };

// notebook: rpc
// Define your RPC argument and reply types here, e.g.
//   type TaskReply = { kind: 'map'; task: number; file: string; nReduce: number } | ...

// notebook: coordinator
export class Coordinator implements CoordinatorNode {
  constructor(
    private readonly ctx: NodeContext,
    private readonly options: CoordinatorOptions,
  ) {
    // Your code here: set up the job's state and serve your RPCs, e.g.
    //   ctx.serve('GetTask', (args) => ...);
    void this.ctx;
    void this.options;
  }

  /** The tester calls this every second; the coordinator process exits once it returns true. */
  done(): boolean {
    // Your code here.
    return false;
  }
}

// notebook: worker
export class Worker implements WorkerNode {
  constructor(
    private readonly ctx: NodeContext,
    private readonly options: WorkerOptions,
  ) {}

  /** The worker's main loop; the worker process exits when it returns. */
  async run(): Promise<void> {
    // Your code here: ask the coordinator for a task (`await this.ctx.call(...)`), run it,
    // report it, and repeat; return when the job is done or the coordinator is gone.
    void this.options;
    throw new Error(`Worker.run() is not written yet (worker ${this.ctx.id}): write it in labs/mapreduce/mapreduce.ts or in the lab notebook`);
  }
}
