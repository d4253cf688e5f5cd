/**
 * Processes that must not outlive whoever started them: the Jupyter server `npm start` runs,
 * and every tslab kernel (Jupyter starts kernels in a session of their own, so a signal to the
 * terminal's process group never reaches them, and a Jupyter server that dies abruptly, by
 * SIGKILL or SIGHUP, leaves them running for ever).
 *
 * Two guards, both cheap:
 *  - `parentDeathPrefix`: on Linux, `setpriv --pdeathsig SIG --` before a command makes the
 *    kernel signal the child when its parent dies, even by SIGKILL (no handler of the parent runs
 *    then). Elsewhere it is empty and `onOrphaned` in the child is the guard.
 *  - `onOrphaned`: polls, from inside a process, whether its parent (and the process Jupyter
 *    names in JPY_PARENT_PID) still exists; a parent that died reparents us (the parent pid
 *    changes), and that is the signal to stop.
 */
import * as fs from 'node:fs';

/** How often a process checks its parent is still there. */
const orphanPollMs = 1_000;

/** `setpriv --pdeathsig <signal> --` when util-linux's setpriv is installed (Linux), else nothing. */
export function parentDeathPrefix(signal: 'TERM' | 'KILL'): string[] {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => fs.existsSync(file));
  return setpriv === undefined ? [] : [setpriv, '--pdeathsig', signal, '--'];
}

/** True when a process with this pid exists (a zombie counts until it is reaped). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onOrphan` once, within about a second, after this process's parent dies, or after the
 * process named by `watchedPid` (Jupyter's JPY_PARENT_PID: the server that launched a kernel
 * through a wrapper) is gone. The poll timer does not keep the process alive.
 */
export function onOrphaned(onOrphan: () => void, watchedPid: number | null = null): void {
  const parent = process.ppid;
  let fired = false;
  const check = () => {
    if (fired) return;
    if (process.ppid !== parent || (watchedPid !== null && !exists(watchedPid))) {
      fired = true;
      clearInterval(timer);
      onOrphan();
    }
  };
  const timer = setInterval(check, orphanPollMs);
  timer.unref();
  check();
}

/** JPY_PARENT_PID as a pid, when Jupyter set it (jupyter_client does for every kernel it launches). */
export function jupyterParentPid(env: NodeJS.ProcessEnv = process.env): number | null {
  const pid = Number(env.JPY_PARENT_PID);
  return Number.isSafeInteger(pid) && pid > 1 ? pid : null;
}
