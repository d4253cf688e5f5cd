/**
 * The command the project's kernel spec runs (`node dist/src/notebook/tslab-kernel.js
 * --config-path <connection file>`): this checkout's tslab kernel, with its start-up made safe
 * when several kernels start at once (two test workers, a TA's notebooks side by side).
 *
 * tslab 1.0.22 binds its five ZeroMQ sockets in parallel and starts reading the shell socket at
 * once. Under load the shell socket can be bound, and a client's first request read, before the
 * iopub bind has finished; tslab's reply begins with a status message on iopub, which zeromq
 * refuses while that socket is still binding (EBUSY "Socket is blocked by a bind or unbind
 * operation"). The request is then never answered and the kernel never becomes idle.
 * `orderKernelBinds` makes every other socket bind only after iopub is bound, so no request can
 * arrive before the kernel can publish. A bind that fails (a port taken between Jupyter choosing
 * it and the kernel binding it) ends the process with a message, so Jupyter's restarter or the
 * headless runner starts a new kernel on fresh ports instead of waiting on a half-bound one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jupyterParentPid, onOrphaned } from './orphan-guard';

/** The part of tslab's `ZmqServer` the start-up fix relies on. */
export interface BindingServer {
  iopub: unknown;
  connInfo: { transport: string; ip: string };
  bindSocket(socket: unknown, port: number): Promise<void>;
}

/** What to do when a socket cannot be bound: by default, say why and exit so Jupyter retries. */
export type BindFailure = (address: string, error: unknown) => void;

const exitOnBindFailure: BindFailure = (address, error) => {
  process.stderr.write(
    `distlab kernel: cannot bind ${address} (${error instanceof Error ? error.message : String(error)}); ` +
      'exiting so Jupyter starts the kernel again on fresh ports.\n',
  );
  process.exit(1);
};

const iopubBound = new WeakMap<object, Promise<void>>();

/**
 * Patches `prototype.bindSocket` (tslab's ZmqServer) so the iopub socket is bound before any
 * other socket starts binding, and a failed bind goes to `onFailure`. Idempotent per prototype.
 */
export function orderKernelBinds(prototype: BindingServer, onFailure: BindFailure = exitOnBindFailure): void {
  const original = prototype.bindSocket as BindingServer['bindSocket'] & { distlabOrdered?: true };
  if (original.distlabOrdered === true) return;
  const ordered = function (this: BindingServer, socket: unknown, port: number): Promise<void> {
    const address = `${this.connInfo.transport}://${this.connInfo.ip}:${port}`;
    const bind = (): Promise<void> =>
      original.call(this, socket, port).catch((error: unknown) => {
        onFailure(address, error);
        throw error;
      });
    if (socket === this.iopub) {
      const bound = bind();
      iopubBound.set(this, bound);
      return bound;
    }
    const first = iopubBound.get(this);
    return first === undefined ? bind() : first.then(bind);
  };
  prototype.bindSocket = Object.assign(ordered, { distlabOrdered: true as const });
}

/**
 * A code cell with exactly this source makes the kernel forget every declaration and value of
 * the notebook (tslab's own `reset`), keeping what is expensive to rebuild: TypeScript's parsed
 * libraries and the modules already loaded. The headless runner sends it between notebooks that
 * share a kernel (execute_notebook.py's RESET_CELL); in any other kernel it is a comment.
 */
export const resetCellSource = '// distlab: reset kernel';

/** The part of tslab's executor the reset relies on. */
export interface ResettableExecutor {
  execute(source: string): Promise<boolean>;
  reset(): void;
}

/** Wraps tslab's `createExecutor` so that its executors obey `resetCellSource`. Idempotent. */
export function allowKernelReset(executorModule: { createExecutor: (...args: never[]) => ResettableExecutor }): void {
  const original = executorModule.createExecutor as typeof executorModule.createExecutor & { distlabResettable?: true };
  if (original.distlabResettable === true) return;
  const wrapped = (...args: never[]): ResettableExecutor => {
    const executor = original(...args);
    const execute = executor.execute.bind(executor);
    executor.execute = (source) => {
      if (source.trim() !== resetCellSource) return execute(source);
      executor.reset();
      return Promise.resolve(true);
    };
    return executor;
  };
  executorModule.createExecutor = Object.assign(wrapped, { distlabResettable: true as const });
}

function configPathFrom(argv: readonly string[]): string {
  const flag = argv.indexOf('--config-path');
  const value = flag === -1 ? undefined : argv[flag + 1];
  if (value === undefined || !fs.existsSync(value)) {
    throw new Error(`distlab kernel: expected --config-path <Jupyter connection file>, got ${JSON.stringify(argv)}`);
  }
  return value;
}

/**
 * Starts this checkout's tslab kernel (not a tslab found from the notebook's folder). The kernel
 * ends when the Jupyter server or headless runner that launched it is gone (orphan-guard.ts):
 * Jupyter runs kernels in a session of their own, so nothing else would ever stop it.
 */
export function startKernel(argv: readonly string[], root: string): void {
  const configPath = configPathFrom(argv);
  onOrphaned(() => {
    process.stderr.write('distlab kernel: the Jupyter process that started this kernel is gone; exiting.\n');
    process.exit(0);
  }, jupyterParentPid());
  const tslab = path.join(root, 'node_modules', 'tslab');
  const jupyter = require(path.join(tslab, 'dist', 'jupyter.js')) as { ZmqServer: { prototype: BindingServer } };
  orderKernelBinds(jupyter.ZmqServer.prototype);
  allowKernelReset(require(path.join(tslab, 'dist', 'executor.js')) as Parameters<typeof allowKernelReset>[0]);
  const main = require(path.join(tslab, 'dist', 'main.js')) as { startKernel(options: object): void };
  const { version } = JSON.parse(fs.readFileSync(path.join(tslab, 'package.json'), 'utf8')) as { version: string };
  main.startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: version });
}

if (require.main === module) {
  // dist/src/notebook -> the checkout root (three levels up).
  startKernel(process.argv.slice(2), path.resolve(__dirname, '..', '..', '..'));
}
