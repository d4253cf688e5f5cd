/**
 * The MapReduce coordinator (reference solution). A pure core (`JobState` and the functions
 * below: no I/O, no clock, time comes in as an argument) and a thin node adapter (`Coordinator`)
 * that serves the two RPCs.
 */
import type { NodeContext } from 'distlab';
import type { CoordinatorNode, CoordinatorOptions } from '../../../labs/mapreduce/types';
import type { ReportTaskArgs, TaskReply } from './rpc';

// BEGIN SOLUTION
/** A task is reissued to another worker after this long without a report (the handout's 10 s). */
export const reissueAfterMs = 10_000;
/** How long a worker waits before asking again when every task is running elsewhere. */
export const waitMs = 200;

export interface TaskState {
  status: 'idle' | 'running' | 'done';
  /** When the task was last handed out (virtual ms). */
  startedAtMs: number;
}

export interface JobState {
  readonly inputFiles: readonly string[];
  readonly nReduce: number;
  readonly maps: TaskState[];
  readonly reduces: TaskState[];
}

export function newJob(inputFiles: readonly string[], nReduce: number): JobState {
  const idle = (): TaskState => ({ status: 'idle', startedAtMs: 0 });
  return { inputFiles, nReduce, maps: inputFiles.map(idle), reduces: Array.from({ length: nReduce }, idle) };
}

export function jobFinished(job: JobState): boolean {
  return job.reduces.every((task) => task.status === 'done');
}

/** Picks an idle task, or one silent for `reissueAfterMs`; returns its index or -1. */
function pickTask(tasks: TaskState[], nowMs: number): number {
  const idle = tasks.findIndex((task) => task.status === 'idle');
  if (idle >= 0) return idle;
  return tasks.findIndex((task) => task.status === 'running' && nowMs - task.startedAtMs >= reissueAfterMs);
}

/** Hands out the next task: maps first; reduces only once every map is done. */
export function assignTask(job: JobState, nowMs: number): TaskReply {
  if (jobFinished(job)) return { kind: 'exit' };
  const mapsDone = job.maps.every((task) => task.status === 'done');
  const tasks = mapsDone ? job.reduces : job.maps;
  const index = pickTask(tasks, nowMs);
  if (index < 0) return { kind: 'wait', ms: waitMs };
  tasks[index] = { status: 'running', startedAtMs: nowMs };
  return mapsDone
    ? { kind: 'reduce', task: index, nMap: job.maps.length }
    : { kind: 'map', task: index, file: job.inputFiles[index] as string, nReduce: job.nReduce };
}

/** Records a finished task. A late report of a reissued task is harmless: outputs are renamed atomically. */
export function completeTask(job: JobState, report: ReportTaskArgs): void {
  const tasks = report.kind === 'map' ? job.maps : job.reduces;
  const task = tasks[report.task];
  if (task === undefined) throw new Error(`ReportTask: no ${report.kind} task ${report.task}`);
  task.status = 'done';
}
// END SOLUTION

export class Coordinator implements CoordinatorNode {
  // BEGIN SOLUTION
  private readonly job: JobState;
  // END SOLUTION

  constructor(private readonly ctx: NodeContext, options: CoordinatorOptions) {
    // BEGIN SOLUTION
    this.job = newJob(options.inputFiles, options.nReduce);
    ctx.serve('GetTask', () => assignTask(this.job, ctx.now()));
    ctx.serve('ReportTask', (args: ReportTaskArgs) => {
      completeTask(this.job, args);
      return {};
    });
    // END SOLUTION
  }

  done(): boolean {
    // BEGIN SOLUTION
    return jobFinished(this.job);
    // END SOLUTION
  }
}
