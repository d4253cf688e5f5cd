/**
 * CPU time of a grading worker, read from /proc: what a run is charged for. Wall-clock time
 * depends on how busy the machine is (a run that takes 2 s idle took 40 s at a load average of
 * 28); CPU time does not, so an infinite loop is stopped after the same work on a busy machine
 * as on an idle one, and a slow machine never fails a student's run.
 *
 * A contained worker is a small process tree (setpriv, then unshare, whose forked child execs
 * prlimit, setpriv and finally node): its CPU time is the sum over the tree, every thread
 * included (the guest thread that runs the submission is a thread of the node process).
 */
import * as fs from 'node:fs';

/** Linux reports utime and stime in USER_HZ ticks, which is 100 on every architecture Node runs on. */
const ticksPerSecond = 100;

/** `[utime + stime in ms, parent pid]` of one process, or null once it is gone (or without /proc). */
function statOf(pid: number): { cpuMs: number; parent: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  const parent = Number(fields[1]);
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  return Number.isFinite(cpuMs) && Number.isFinite(parent) ? { cpuMs, parent } : null;
}

/** Whether this machine reports per-process CPU time (Linux /proc). */
export function processCpuAvailable(): boolean {
  return statOf(process.pid) !== null;
}

/** Pids whose parent is `pid` (a scan of /proc: done only until the worker's tree is known). */
function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    if (statOf(Number(entry))?.parent === pid) found.push(Number(entry));
  }
  return found;
}

/**
 * The CPU time used by a worker's process tree. `wrapped`: the worker was started through the
 * containment chain, so its node process is a child of the spawned one (found once, by a scan of
 * /proc; the pid stays the same through the chain's execs).
 */
export class WorkerCpu {
  private readonly pids: number[];
  private last = 0;

  constructor(private readonly root: number, private readonly wrapped: boolean) {
    this.pids = [root];
  }

  /** CPU ms used so far (never decreasing: a process that ended keeps what it had used). */
  cpuMs(): number {
    if (this.wrapped && this.pids.length === 1) this.pids.push(...childrenOf(this.root));
    let total = 0;
    let seen = false;
    for (const pid of this.pids) {
      const stat = statOf(pid);
      if (stat === null) continue;
      seen = true;
      total += stat.cpuMs;
    }
    if (seen) this.last = Math.max(this.last, total);
    return this.last;
  }
}
