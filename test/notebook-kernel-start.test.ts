// The kernel launcher's start-up order: with tslab's parallel binds, a request read on the shell
// socket before iopub is bound made the kernel hang (EBUSY) when two kernels started at once.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { allowKernelReset, orderKernelBinds, resetCellSource, type BindingServer, type ResettableExecutor } from '../src/notebook/tslab-kernel';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** A stand-in for tslab's ZmqServer: each bind waits until the test settles it. */
function fakeServer(): { server: BindingServer; started: string[]; binds: Map<string, Deferred> } {
  const started: string[] = [];
  const binds = new Map<string, Deferred>();
  class FakeServer implements BindingServer {
    iopub = 'iopub';
    connInfo = { transport: 'tcp', ip: '127.0.0.1' };
    bindSocket(socket: unknown, port: number): Promise<void> {
      const name = `${String(socket)}:${port}`;
      started.push(name);
      const bind = deferred();
      binds.set(name, bind);
      return bind.promise;
    }
  }
  return { server: new FakeServer(), started, binds };
}

/** What tslab's ZmqServer.init does: all five binds at once. */
function bindAll(server: BindingServer): Promise<void[]> {
  return Promise.all([
    server.bindSocket(server.iopub, 1),
    server.bindSocket('shell', 2),
    server.bindSocket('control', 3),
    server.bindSocket('stdin', 4),
    server.bindSocket('hb', 5),
  ]);
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('tslab kernel start-up', () => {
  it('binds iopub before any socket a request can arrive on', async () => {
    const { server, started, binds } = fakeServer();
    orderKernelBinds(Object.getPrototypeOf(server) as BindingServer, () => undefined);
    const all = bindAll(server);
    await tick();
    expect(started).toEqual(['iopub:1']);
    binds.get('iopub:1')!.resolve();
    await tick();
    expect(started).toEqual(['iopub:1', 'shell:2', 'control:3', 'stdin:4', 'hb:5']);
    for (const name of started.slice(1)) binds.get(name)!.resolve();
    await expect(all).resolves.toHaveLength(5);
  });

  it('reports a socket that cannot be bound with its address, so the kernel can exit and be restarted', async () => {
    const { server, binds } = fakeServer();
    const failures: string[] = [];
    orderKernelBinds(Object.getPrototypeOf(server) as BindingServer, (address, error) => failures.push(`${address} ${String(error)}`));
    const all = bindAll(server);
    binds.get('iopub:1')!.reject(new Error('Address already in use'));
    await expect(all).rejects.toThrow('Address already in use');
    expect(failures[0]).toBe('tcp://127.0.0.1:1 Error: Address already in use');
  });

  it('applies to the tslab this checkout ships: its ZmqServer binds every socket through bindSocket, iopub first', () => {
    // Guards against a tslab upgrade that binds elsewhere: the fix would then silently not apply.
    const jupyter = require(path.join(__dirname, '..', 'node_modules', 'tslab', 'dist', 'jupyter.js')) as {
      ZmqServer: { prototype: BindingServer & { init(): unknown } };
    };
    const init = String(jupyter.ZmqServer.prototype.init);
    const binds = [...init.matchAll(/this\.bindSocket\(this\.(\w+),/g)].map((match) => match[1]);
    expect(binds).toEqual(['iopub', 'shell', 'control', 'stdin', 'hb']);
    expect(typeof jupyter.ZmqServer.prototype.bindSocket).toBe('function');
  });
});

describe('kernel reset between notebooks', () => {
  it('Kernel launcher: the reset cell clears the notebook state through tslab, every other cell runs as before; patching twice patches once', async () => {
    const calls: string[] = [];
    const module = {
      createExecutor: (): ResettableExecutor => ({
        execute: async (source: string) => {
          calls.push(`execute ${source}`);
          return source !== 'bad';
        },
        reset: () => void calls.push('reset'),
      }),
    };
    allowKernelReset(module);
    const patched = module.createExecutor;
    allowKernelReset(module);
    expect(module.createExecutor).toBe(patched);
    const executor = module.createExecutor();
    expect(await executor.execute('let x = 1;')).toBe(true);
    expect(await executor.execute(`  ${resetCellSource}\n`)).toBe(true);
    expect(await executor.execute('bad')).toBe(false);
    expect(calls).toEqual(['execute let x = 1;', 'reset', 'execute bad']);
  });

  it("Kernel launcher: the tslab this checkout ships has the executor the reset wraps (createExecutor, execute, reset)", () => {
    const executorModule = require(path.join(__dirname, '..', 'node_modules', 'tslab', 'dist', 'executor.js')) as { createExecutor: unknown };
    expect(typeof executorModule.createExecutor).toBe('function');
    const source = fs.readFileSync(path.join(__dirname, '..', 'node_modules', 'tslab', 'dist', 'executor.js'), 'utf8') as string;
    expect(source).toMatch(/function reset\(\) \{\s*prevDecl = "";/);
    const main = fs.readFileSync(path.join(__dirname, '..', 'node_modules', 'tslab', 'dist', 'main.js'), 'utf8') as string;
    expect(main).toContain('(0, executor_1.createExecutor)(');
  });
});
