import type { NodeContext } from 'distlab';

/**
 * Adversary: signals everything it can: its process group, every process of its user
 * (`kill -1`), its parent (the grader), through `process.kill` and the unwrapped
 * `process._kill`. The grader must stay alive and grade the honest part (7 points); if a
 * signal was even sent, the counter persists and would earn full marks.
 */
type Kill = (pid: number, signal: number | string) => unknown;
const loose = process as unknown as { kill?: Kill; _kill?: Kill; ppid: number };
const targets: Array<[Kill | undefined, number, number | string]> = [
  [loose.kill, 0, 'SIGKILL'],
  [loose.kill, -1, 'SIGKILL'],
  [loose.kill, loose.ppid, 'SIGKILL'],
  [loose._kill, 0, 9],
  [loose._kill, -1, 9],
  [loose._kill, loose.ppid, 9],
];
export const sent = targets.filter(([kill, pid, signal]) => {
  try {
    kill?.call(process, pid, signal);
    return kill !== undefined;
  } catch {
    return false;
  }
}).length;

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    this.value = sent > 0 ? (ctx.persister.readState<number>() ?? 0) : 0;
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      if (sent > 0) ctx.persister.save(this.value, null);
      return this.value;
    });
  }
}
