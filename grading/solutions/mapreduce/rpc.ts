/** The RPCs between MapReduce workers and the coordinator (reference solution). */

/** What a worker asks for: `ctx.call(coordinator, 'GetTask', {})`. */
export type GetTaskArgs = Record<string, never>;

/** The coordinator's answer to GetTask. */
export type TaskReply =
  | { readonly kind: 'map'; readonly task: number; readonly file: string; readonly nReduce: number }
  | { readonly kind: 'reduce'; readonly task: number; readonly nMap: number }
  /** Nothing to do right now (tasks are running elsewhere): ask again after `ms`. */
  | { readonly kind: 'wait'; readonly ms: number }
  /** The job is finished: exit. */
  | { readonly kind: 'exit' };

/** What a worker reports when a task's output is in place: `ctx.call(coordinator, 'ReportTask', args)`. */
export interface ReportTaskArgs {
  readonly kind: 'map' | 'reduce';
  readonly task: number;
}
