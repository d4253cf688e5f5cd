/**
 * Buggy variants of the reference MapReduce (grading/solutions/mapreduce/, several modules),
 * one student mistake each, as exact text edits of the module each names. The hidden scenarios
 * (grading/hidden/mapreduce) place crashes and stalls so that each one shows on every seed.
 */
import type { Mutant } from '../mutant';

export const mapreduceMutants: readonly Mutant[] = [
  {
    name: 'no-reissue',
    mistake: 'a task handed to a worker that died is never handed out again',
    caughtBy: ['HiddenCrashOnTaskReceipt'],
    edits: [{ file: 'coordinator.ts', find: "  return tasks.findIndex((task) => task.status === 'running' && nowMs - task.startedAtMs >= reissueAfterMs);", replace: '  return -1;' }],
  },
  {
    name: 'reissue-after-one-second',
    mistake: 'a task is handed out again after 1 s of silence instead of 10 s, so slow workers are duplicated',
    caughtBy: ['HiddenSlowMapper'],
    edits: [{ file: 'coordinator.ts', find: 'export const reissueAfterMs = 10_000;', replace: 'export const reissueAfterMs = 1_000;' }],
  },
  {
    name: 'reissue-only-once',
    mistake: 'a task is handed out again at most once: if the second worker dies too, the task is never redone',
    caughtBy: ['HiddenCrashWhileMapping'],
    edits: [
      {
        file: 'coordinator.ts',
        find: "  tasks[index] = { status: 'running', startedAtMs: nowMs };",
        replace: "  tasks[index] = { status: 'running', startedAtMs: tasks[index]?.status === 'running' ? Infinity : nowMs };",
      },
    ],
  },
  {
    name: 'reduce-before-maps-done',
    mistake: 'reduce tasks are handed out once every map task has been handed out, not once every map task is done',
    caughtBy: ['HiddenCrashWhileMapping'],
    edits: [{ file: 'coordinator.ts', find: "const mapsDone = job.maps.every((task) => task.status === 'done');", replace: "const mapsDone = job.maps.every((task) => task.status !== 'idle');" }],
  },
  {
    name: 'done-when-reduces-assigned',
    mistake: 'done() is true once every reduce task has been handed out, before their outputs exist',
    caughtBy: ['HiddenSlowReducer'],
    edits: [{ file: 'coordinator.ts', find: "  return job.reduces.every((task) => task.status === 'done');", replace: "  return job.reduces.every((task) => task.status !== 'idle');" }],
  },
  {
    name: 'worker-exits-on-wait',
    mistake: 'a worker told to wait (every task is running elsewhere) exits instead of asking again later',
    caughtBy: ['HiddenCrashNoReplacement'],
    edits: [{ file: 'worker.ts', find: "      if (task.kind === 'wait') {\n        await this.ctx.sleep(task.ms);\n        continue;\n      }", replace: "      if (task.kind === 'wait') return;" }],
  },
  {
    name: 'output-written-in-place',
    mistake: 'a reduce task truncates its mr-out file and appends to it key by key, instead of writing a temporary file and renaming it',
    caughtBy: ['HiddenSlowReducer'],
    edits: [
      {
        file: 'worker.ts',
        find: "    let output = '';\n    for (const group of groups) output += `${group.key} ${await this.options.app.reduce(group.key, group.values)}\\n`;\n    await this.writeAtomically(`mr-out-${task}`, output);",
        replace: "    await this.options.files.write(`mr-out-${task}`, '');\n    for (const group of groups) await this.options.files.append(`mr-out-${task}`, `${group.key} ${await this.options.app.reduce(group.key, group.values)}\\n`);",
      },
    ],
  },
  {
    name: 'reissue-done-tasks',
    mistake: 'after 10 s every task handed out is handed out again, including tasks already done',
    caughtBy: ['HiddenSlowMapper'],
    edits: [{ file: 'coordinator.ts', find: "task.status === 'running' && nowMs - task.startedAtMs >= reissueAfterMs", replace: "task.status !== 'idle' && nowMs - task.startedAtMs >= reissueAfterMs" }],
  },
  {
    name: 'wait-without-sleep',
    mistake: 'a worker told to wait asks again at once, without sleeping (busy polling)',
    caughtBy: ['HiddenSlowMapper'],
    edits: [{ file: 'worker.ts', find: '        await this.ctx.sleep(task.ms);\n', replace: '' }],
  },
];
