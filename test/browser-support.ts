/**
 * What the browser tests share: Debian's Chromium (driven by playwright-core; no browser
 * download is possible here), a Jupyter server in its own process group with its own config,
 * data and runtime folders (the user's settings and trust database are neither read nor
 * written), and its teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '..');
export const artifactsDir = path.join(root, 'artifacts');
export const serverStartMsMax = 30_000;
export const teardownMsMax = 6_000;

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An executable on PATH, or null. */
export function onPath(name: string): string | null {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(directory, name);
    if (directory.length > 0 && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

export function findChromium(): string {
  const found = onPath('chromium') ?? onPath('chromium-browser') ?? onPath('google-chrome');
  if (found === null) {
    throw new Error(
      'browser E2E: no `chromium` on PATH. Install Debian\'s: `sudo apt-get install chromium` ' +
        '(playwright-core drives it; no browser download is needed or possible here).',
    );
  }
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function tail(text: string, lines = 25): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export interface Server {
  readonly child: ChildProcess;
  readonly base: string;
  readonly token: string;
  readonly log: () => string;
}

export interface ServerLaunch {
  readonly jupyter: string;
  /** Arguments before the common ones (port, token, ...), e.g. ['lab', ...] or ['notebook', ...]. */
  readonly args: (port: number, token: string) => string[];
  readonly env: NodeJS.ProcessEnv;
  /** Holds the server's own config, data and runtime folders. */
  readonly scratch: string;
}

/** Starts a Jupyter server in its own process group and waits until its API answers. */
export async function startServer(launch: ServerLaunch): Promise<Server> {
  const port = await freePort();
  const token = crypto.randomBytes(16).toString('hex');
  const args = launch.args(port, token);
  if (process.getuid?.() === 0) args.push('--allow-root');
  const isolated = {
    ...launch.env,
    JUPYTER_CONFIG_DIR: path.join(launch.scratch, 'config'),
    JUPYTER_DATA_DIR: path.join(launch.scratch, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(launch.scratch, 'runtime'),
  };
  const child = spawn(launch.jupyter, args, { cwd: root, env: isolated, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server: Server = { child, base: `http://127.0.0.1:${port}`, token, log: () => output };
  const deadline = Date.now() + serverStartMsMax;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode} before serving:\n${tail(output)}`);
    try {
      const response = await fetch(`${server.base}/api/status?token=${token}`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stopServer(server); // the caller never gets it, so end it here
  throw new Error(`jupyter ${args[0]} did not answer on port ${port} within ${serverStartMsMax} ms:\n${tail(output)}`);
}

/** Shuts kernels down through the API, then ends the server's process group (TERM, then KILL). */
export async function stopServer(server: Server): Promise<void> {
  try {
    const response = await fetch(`${server.base}/api/kernels?token=${server.token}`, { signal: AbortSignal.timeout(2_000) });
    const kernels = (await response.json()) as Array<{ id: string }>;
    await Promise.all(
      kernels.map((kernel) =>
        fetch(`${server.base}/api/kernels/${kernel.id}?token=${server.token}`, { method: 'DELETE', signal: AbortSignal.timeout(3_000) }).catch(() => undefined),
      ),
    );
  } catch {
    // the server may already be gone; the signals below still run
  }
  const pid = server.child.pid;
  if (pid === undefined || server.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([exited, sleep(teardownMsMax / 2)]);
  if (server.child.exitCode === null && server.child.signalCode === null) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
