/**
 * What the guest thread closes before any submission code runs. None of this guards a verdict
 * (the verdict lives in another isolate); it keeps the submission from reaching the rest of
 * the process it shares with the host (other threads, file descriptors, V8 flags) and from the
 * network, as a second layer under the OS containment of the grading process.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

const blocked = ['child_process', 'cluster', 'worker_threads', 'inspector', 'v8', 'vm', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns', 'dns/promises', 'module', 'repl', 'trace_events', 'wasi', 'fs', 'fs/promises', 'os'];

/**
 * Process methods no submission needs: exits, signals (`_kill` too: the unwrapped one),
 * bindings and addons, `getBuiltinModule` (which bypasses require), debugging, the IPC channel.
 * The grading worker refuses the same list when a lab runs in its own isolate.
 */
export const refusedProcessMethods: readonly string[] = ['exit', 'reallyExit', 'abort', 'kill', '_kill', 'dlopen', 'binding', '_linkedBinding', 'getBuiltinModule', 'chdir', 'setuid', 'setgid', 'seteuid', 'setegid', 'setgroups', 'initgroups', '_debugProcess', '_debugEnd', 'send', 'disconnect', 'openStdin'];

function refuse(what: string): () => never {
  return () => {
    throw new Error(`${what} is not allowed while grading: your node runs in a sandbox and may use only its ctx`);
  };
}

export function lockGuest(): void {
  const Module = require('node:module') as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const names = new Set(blocked.flatMap((name) => [name, `node:${name}`]));
  Object.defineProperty(Module, '_load', {
    value(request: string, ...rest: unknown[]) {
      if (names.has(request)) refuse(`require('${request}')`)();
      return load.call(this, request, ...rest);
    },
    writable: false,
    configurable: false,
  });
  const processRecord = process as unknown as Record<string, unknown>;
  for (const name of refusedProcessMethods) {
    try {
      Object.defineProperty(processRecord, name, { value: refuse(`process.${name}`), writable: false, configurable: false });
    } catch {
      /* not configurable in this Node */
    }
  }
  for (const name of ['fetch', 'WebSocket', 'EventSource', 'Worker', 'SharedWorker']) {
    try {
      Object.defineProperty(globalThis, name, { value: refuse(name), writable: false, configurable: false });
    } catch {
      /* absent */
    }
  }
}
