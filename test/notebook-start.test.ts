// `npm start` never leaves Jupyter or a kernel behind, however it is stopped: `timeout` (SIGTERM
// to npm and its whole process group), a process manager (SIGTERM to npm alone: npm passed it to
// a shell, which died and orphaned tsx, Jupyter and its kernels), or a Jupyter server killed
// with -9 (its kernels live in sessions of their own). Each case starts the course as a student
// does (the kernel cases also start a kernel through Jupyter's API), records every process under
// npm, stops it, and checks that none of them is left. Needs the project JupyterLab (.ci/run
// installs it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, root, sleep, tail } from './browser-support';
import { projectJupyterLab } from './browser-jupyterlab';

const readyMsMax = 90_000;
const goneMsMax = 40_000;

interface Started {
  readonly npm: ChildProcess;
  readonly base: string;
  readonly token: string;
  readonly output: () => string;
}

/** pid -> [parent pid, start time, command line] for every process now running. */
function processTable(): Map<number, { ppid: number; start: string; command: string }> {
  const table = new Map<number, { ppid: number; start: string; command: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      table.set(Number(entry), { ppid: Number(fields[1]), start: fields[19] as string, command });
    } catch {
      // exited while we read
    }
  }
  return table;
}

/** Every process below `pid` now, identified by pid and start time (a reused pid is not a survivor). */
function descendants(pid: number): Array<{ pid: number; start: string; command: string }> {
  const table = processTable();
  const found: Array<{ pid: number; start: string; command: string }> = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [child, info] of table) {
      if (info.ppid !== parent) continue;
      found.push({ pid: child, start: info.start, command: info.command });
      queue.push(child);
    }
  }
  return found;
}

function survivors(recorded: ReadonlyArray<{ pid: number; start: string; command: string }>): string[] {
  const table = processTable();
  return recorded.filter((process) => table.get(process.pid)?.start === process.start).map((process) => `${process.pid} ${process.command.slice(0, 160)}`);
}

/** `npm start` (or the compiled start script alone) in a process group of its own, as `timeout` runs it; resolves once Jupyter answers. */
async function startCourse(scratch: string, via: 'npm' | 'node'): Promise<Started> {
  const port = await freePort();
  const token = crypto.randomBytes(16).toString('hex');
  const jupyterArgs = ['--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--ServerApp.token=${token}`];
  const [command, args] = via === 'npm' ? ['npm', ['start', '--', ...jupyterArgs]] : [process.execPath, [path.join(root, 'dist/src/notebook/start.js'), ...jupyterArgs]];
  const env = { ...process.env, JUPYTER_CONFIG_DIR: path.join(scratch, 'config'), JUPYTER_DATA_DIR: path.join(scratch, 'data'), JUPYTER_RUNTIME_DIR: path.join(scratch, 'runtime') };
  const npm = spawn(command as string, args as string[], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (chunk: Buffer) => void (text = (text + chunk.toString()).slice(-20_000));
  npm.stdout?.on('data', keep);
  npm.stderr?.on('data', keep);
  const started: Started = { npm, base: `http://127.0.0.1:${port}`, token, output: () => text };
  for (const deadline = Date.now() + readyMsMax; Date.now() < deadline; await sleep(250)) {
    if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode} before Jupyter served:\n${tail(text)}`);
    const response = await fetch(`${started.base}/api/status?token=${token}`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
    if (response?.ok === true) return started;
  }
  process.kill(-(npm.pid as number), 'SIGKILL');
  throw new Error(`npm start: Jupyter did not answer within ${readyMsMax} ms:\n${tail(text)}`);
}

/** Starts a tslab kernel through Jupyter's API; resolves to its process once it runs. */
async function startKernel(started: Started): Promise<number> {
  const response = await fetch(`${started.base}/api/kernels?token=${started.token}`, { method: 'POST', body: JSON.stringify({ name: 'tslab' }), headers: { 'Content-Type': 'application/json' } });
  expect(response.ok, await response.clone().text()).toBe(true);
  for (const deadline = Date.now() + readyMsMax; Date.now() < deadline; await sleep(250)) {
    const kernel = descendants(started.npm.pid as number).find((process) => process.command.includes('tslab-kernel.js'));
    if (kernel !== undefined) return kernel.pid;
  }
  throw new Error(`no tslab kernel process appeared under npm start:\n${tail(started.output())}`);
}

/** Waits until none of `recorded` runs any more (bounded); returns the ones still running. */
async function waitGone(recorded: ReadonlyArray<{ pid: number; start: string; command: string }>): Promise<string[]> {
  for (const deadline = Date.now() + goneMsMax; Date.now() < deadline; await sleep(250)) {
    if (survivors(recorded).length === 0) return [];
  }
  return survivors(recorded);
}

let scratch: string;
/** Process groups started, and every process recorded: a failing case must not leave them running either. */
const groups: number[] = [];
const recordedAll: Array<{ pid: number; start: string; command: string }> = [];

beforeAll(() => {
  projectJupyterLab(); // a clear error when the project JupyterLab is missing
  // `npm start` builds first: bring the build up to date here (a no-op in `npm test`, which has
  // just built), so the cases' time limits measure Jupyter, not a compilation after an edit.
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  expect(build.status, `npm run build failed:\n${tail(`${build.stdout}${build.stderr}`)}`).toBe(0);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-start-'));
}, 600_000);

afterAll(() => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
  for (const left of survivors(recordedAll)) process.kill(Number(left.split(' ')[0]), 'SIGKILL');
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Starts the course (with a kernel or not), records its processes, stops it with `stop`, expects every process gone. */
async function expectStopLeavesNothing(via: 'npm' | 'node', kernel: boolean, stop: (started: Started, recorded: ReturnType<typeof descendants>) => void): Promise<void> {
  const started = await startCourse(fs.mkdtempSync(path.join(scratch, 'run-')), via);
  groups.push(started.npm.pid as number);
  if (kernel) await startKernel(started);
  const recorded = [{ pid: started.npm.pid as number, start: processTable().get(started.npm.pid as number)?.start ?? '', command: 'npm start' }, ...descendants(started.npm.pid as number)];
  recordedAll.push(...recorded);
  expect(recorded.some((process) => /jupyter/.test(process.command))).toBe(true);
  stop(started, recorded);
  const left = await waitGone(recorded);
  expect(left, `still running after the stop:\n${left.join('\n')}\n--- npm start said:\n${tail(started.output())}`).toEqual([]);
}

describe('npm start', () => {
  it('npm start: SIGTERM to its process group (what `timeout` sends) ends npm, Jupyter and the kernel', async () => {
    await expectStopLeavesNothing('npm', true, (started) => process.kill(-(started.npm.pid as number), 'SIGTERM'));
  });

  it('npm start: SIGTERM to npm alone (a process manager stopping it) ends Jupyter too', async () => {
    await expectStopLeavesNothing('npm', false, (started) => process.kill(started.npm.pid as number, 'SIGTERM'));
  });

  it('npm start: Jupyter killed with -9 leaves no kernel behind (kernels run in sessions of their own)', async () => {
    await expectStopLeavesNothing('node', true, (_started, recorded) => {
      const server = recorded.find((process) => /jupyter/.test(process.command) && !process.command.includes('tslab-kernel'));
      process.kill(server?.pid as number, 'SIGKILL');
    });
  });
});
