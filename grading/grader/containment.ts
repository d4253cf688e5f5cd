/**
 * OS containment of a grading worker: the layer under the permission model and the bridge.
 * Every worker process is started through util-linux tools (Debian and Ubuntu ship them):
 *
 *   setpriv --pdeathsig KILL --             dies when the grading process dies
 *   unshare --net --pid --fork --kill-child --   no network, its own PID namespace; the
 *                                           namespace's init is the worker, so when the worker
 *                                           (or unshare) dies, the kernel kills every process
 *                                           left in the namespace
 *   prlimit --data=N --core=0 --            a memory limit counting all private memory
 *                                           (Buffers and native allocations, not only the heap)
 *   setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --bounding-set=-all --
 *                                           an unprivileged user (nobody) without capabilities
 *   node ...
 *
 * and in its own session (`detached`: setsid), so it shares no process group with the grader.
 * As root all of it applies. As another user (a TA's laptop) the worker already runs
 * unprivileged, and the namespaces come from a user namespace (`unshare --user
 * --map-root-user`) when the kernel allows it. Without a network namespace the grader refuses
 * to grade unless told `insecure` (`--insecure`, `DISTLAB_GRADE_INSECURE=1`), and results.json
 * says so.
 */
import { spawnSync } from 'node:child_process';

/** What the OS enforces around every worker, as results.json reports it. */
export interface Containment {
  /** The command prefix that starts a worker contained (empty when nothing is available). */
  readonly prefix: readonly string[];
  /** `namespace`: the worker has no network interface but loopback, down. */
  readonly network: 'namespace' | 'none';
  readonly pidNamespace: boolean;
  /** The user the submission runs as. */
  readonly user: 'nobody' | 'invoking-user' | 'root';
  /** `rlimit-data`: all private memory is counted (Buffers included), not only V8's heap. */
  readonly memory: 'rlimit-data' | 'heap-only';
  /** The worker dies with the grading process (parent-death signal and PID namespace). */
  readonly diesWithGrader: boolean;
  /** Graded without a network namespace, because the caller said so. */
  readonly insecure: boolean;
}

/** Grading refused: the machine cannot contain a worker and nobody said `--insecure`. */
export class ContainmentUnavailableError extends Error {
  override readonly name = 'ContainmentUnavailableError';
}

const nobody = 65534;

/** All private memory of one worker: its own heap, the guest thread's heap, and room for buffers and native code. */
export function processMemoryMb(heapMb: number): number {
  return heapMb * 2 + 256;
}

function contained(user: 'nobody' | 'invoking-user', namespaces: readonly string[]): (memoryMb: number) => string[] {
  const drop = user === 'nobody' ? ['setpriv', `--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', '--no-new-privs', '--bounding-set=-all', '--'] : [];
  return (memoryMb) => [
    'setpriv', '--pdeathsig', 'KILL', '--',
    'unshare', ...namespaces, '--net', '--pid', '--fork', '--kill-child', '--',
    'prlimit', `--data=${memoryMb * 1024 * 1024}`, '--core=0', '--',
    ...drop,
  ];
}

let probed: { build: ((memoryMb: number) => string[]) | null; user: Containment['user'] } | null = null;

/** Tries the full chain once per process (about 10 ms) and remembers which works. */
function probe(): NonNullable<typeof probed> {
  if (probed !== null) return probed;
  const root = process.getuid?.() === 0;
  const candidates: Array<{ build: (memoryMb: number) => string[]; user: Containment['user'] }> = root
    ? [{ build: contained('nobody', []), user: 'nobody' }]
    : [{ build: contained('invoking-user', ['--user', '--map-root-user']), user: 'invoking-user' }];
  probed = { build: null, user: root ? 'root' : 'invoking-user' };
  for (const candidate of candidates) {
    const command = [...candidate.build(256), 'true'];
    const result = spawnSync(command[0] ?? 'setpriv', command.slice(1), { stdio: 'ignore', timeout: 10_000 });
    if (result.status === 0) {
      probed = candidate;
      break;
    }
  }
  return probed;
}

/**
 * The containment workers get. Throws ContainmentUnavailableError when there is no network
 * namespace and `insecure` is false: grading then stops before any submission code runs.
 */
export function containment(options: { readonly insecure: boolean; readonly memoryMb: number }): Containment {
  const found = probe();
  if (found.build !== null) {
    return { prefix: found.build(processMemoryMb(options.memoryMb)), network: 'namespace', pidNamespace: true, user: found.user, memory: 'rlimit-data', diesWithGrader: true, insecure: false };
  }
  if (!options.insecure) {
    throw new ContainmentUnavailableError(
      'this machine cannot contain grading workers: `unshare --net --pid` (util-linux) failed, so a submission would have the network and could outlive the grader. ' +
        'Run the grader as root (or where user namespaces are allowed) with util-linux installed, ' +
        'or pass --insecure (for Gradescope: build the package with `distlab release --allow-insecure`, or set DISTLAB_GRADE_INSECURE=1 in run_autograder) to grade without OS containment; results.json then starts with a WARNING.',
    );
  }
  return { prefix: [], network: 'none', pidNamespace: false, user: found.user, memory: 'heap-only', diesWithGrader: false, insecure: true };
}

/** One line for results.json's output when a grading ran without containment. */
export function insecureNotice(containment: Containment): string | null {
  return containment.insecure ? 'WARNING: graded with --insecure: no network namespace, no PID namespace, no unprivileged user, no memory limit beyond the heap.' : null;
}
