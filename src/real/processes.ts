/**
 * Child processes of a real-mode run, and the promise that none outlives the runner:
 *  - every child is registered here the moment it is spawned, and `killAll` (run on exit, on
 *    SIGINT/SIGTERM and on uncaught errors) sends SIGCONT then SIGKILL to each;
 *  - every child holds an IPC channel to the runner and exits when it closes, which covers the
 *    runner dying by SIGKILL, when no handler of ours can run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

const live = new Set<ChildProcess>();
let guardsInstalled = false;

/** Kills every child still running (SIGCONT first, so a paused one dies now too). Synchronous. */
export function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function installGuards(): void {
  if (guardsInstalled) return;
  guardsInstalled = true;
  process.on('exit', killAll);
}

/** Pids of children started here and not yet seen to exit (tests check this is empty afterwards). */
export function livePids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}

export interface StartedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
}

export interface SpawnOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr are appended here (the per-node log). */
  readonly logFile: string;
  /** How long the child may take to report `ready` over IPC. */
  readonly readyTimeoutMs: number;
  readonly what: string;
  /**
   * How the child says it is ready: by default an IPC message `{ type: 'ready' }` (distlab
   * nodes, which also exit when the channel closes); otherwise this probe, polled every 100 ms.
   */
  readonly readyProbe?: () => Promise<boolean>;
}

/**
 * Starts a child and waits for its `ready` message. A child that exits first, or stays silent
 * past `readyTimeoutMs`, is an error quoting the end of its stderr.
 */
export async function spawnReady(options: SpawnOptions): Promise<StartedChild> {
  installGuards();
  const log = fs.openSync(options.logFile, 'a');
  const probe = options.readyProbe;
  const child = spawn(options.command, [...options.args], { stdio: probe === undefined ? ['ignore', log, 'pipe', 'ipc'] : ['ignore', log, 'pipe'] });
  fs.closeSync(log);
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    fs.appendFileSync(options.logFile, chunk);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      live.delete(child);
      stderr += `\n${error.message}`;
      resolve('spawn-error');
    });
  });
  let settled = false;
  const ready = new Promise<void>((resolve, reject) => {
    // tidy: allowed (real mode: start-up is bounded in wall-clock time)
    const timer = setTimeout(() => reject(new Error(`${options.what} did not start within ${options.readyTimeoutMs} ms${stderrTail(stderr)}`)), options.readyTimeoutMs);
    child.on('message', (message: { type?: string }) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve();
    });
    if (probe !== undefined) void pollReady(probe, options.readyTimeoutMs, () => settled).then((ready) => {
      if (!ready) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.what} exited (${code}) while starting${stderrTail(stderr)}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  } finally {
    settled = true;
  }
  return { child, pid: child.pid as number, exited };
}

/** Polls `probe` every 100 ms until it answers true or `timeoutMs` passes. */
async function pollReady(probe: () => Promise<boolean>, timeoutMs: number, settled: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / 100) && !settled(); attempt++) {
    if (await probe().catch(() => false)) return true;
    // tidy: allowed (real mode: start-up polling is wall-clock time)
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function stderrTail(stderr: string): string {
  const text = stderr.trim();
  return text.length === 0 ? ' (nothing on stderr)' : `; its stderr:\n${text.split('\n').slice(-20).join('\n')}`;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Free ports, all different (the kernel may hand out a port again once it is closed). */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count && attempt < count * 20; attempt++) ports.add(await freePort());
  if (ports.size < count) throw new Error(`could not find ${count} free TCP ports on 127.0.0.1`);
  return [...ports];
}
