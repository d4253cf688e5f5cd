/**
 * Real mode end to end (the built CLI, real processes, ZeroMQ on loopback, files fsync'ed on
 * disk): a 3-node cluster of lab 4's reference KVServer (over the reference Raft), driven by
 * the reference Clerk with lab 2's versioned Put, with a SIGKILL of the leader and a
 * partition; and the promise that no node process outlives the runner, whether it ends
 * normally, by Ctrl-C or by SIGKILL.
 *
 * Nothing here asserts on wall-clock durations: only on the history, the verdict and which
 * processes exist.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'distlab.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-real-'));

interface Report {
  ok: boolean;
  verdict: string;
  summary: string;
  interrupted: boolean;
  operations: { total: number; acknowledged: number; unknown: number };
  lostWrites: string[];
  faults: Array<{ kind: string; node: string; description: string }>;
  processes: Array<{ node: string; incarnation: number; pid: number }>;
}

function requireBuild(): void {
  const built = path.join(root, 'dist', 'src', 'real', 'cluster.js');
  if (!fs.existsSync(built)) throw new Error(`the built CLI is missing (${built}): run \`npm run build\` first, then rerun this test.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) until `file` lists `count` processes; returns their pids. */
async function waitForProcesses(file: string, count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (fs.existsSync(file)) {
      const listed = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ pid: number }>;
      if (listed.length >= count) return listed.map((entry) => entry.pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${file} never listed ${count} processes`);
}

/** Waits (bounded) until none of `pids` exists. */
async function allGone(pids: readonly number[]): Promise<number[]> {
  for (let attempt = 0; attempt < 100 && pids.some(alive); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(alive);
}

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('Real mode: the same Raft as OS processes over ZeroMQ', () => {
  test('Real: 3 nodes, a SIGKILL of the leader and a partition: linearizable, no acknowledged write lost, no process left', async () => {
    requireBuild();
    const out = path.join(scratch, 'faults');
    const result = spawnSync(
      process.execPath,
      [cli, 'cluster', 'kvraft', '--nodes', '3', '--duration', '10s', '--clients', '5', '--nemesis', 'kill,partition', '--seed', '1', '--out', out, '--json', '--no-type-check'],
      { cwd: root, encoding: 'utf8', timeout: 100_000 },
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Report;
    expect(report.summary).toMatch(/is linearizable; no acknowledged write was lost/);
    expect(result.status).toBe(0);
    expect(report.verdict).toBe('linearizable');
    expect(report.lostWrites).toEqual([]);
    expect(report.faults.map((fault) => fault.kind).sort()).toEqual(['kill', 'partition']);
    // The workload made progress through the faults, and the killed node came back as a new process.
    expect(report.operations.acknowledged).toBeGreaterThan(50);
    const killed = report.faults.find((fault) => fault.kind === 'kill')?.node;
    expect(report.processes.filter((entry) => entry.node === killed).map((entry) => entry.incarnation)).toEqual([0, 1]);
    expect(await allGone(report.processes.map((entry) => entry.pid))).toEqual([]);
    for (const file of ['report.html', 'history.json', 'latency.svg', 'logs/node-0.log']) expect(fs.existsSync(path.join(out, file))).toBe(true);
  });

  test('Real: bad input exits 2 before anything starts, saying what to do (missing etcd, unknown lab, Raft alone, no KVServer, unknown fault)', () => {
    requireBuild();
    const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [cli, 'cluster', ...args, '--out', path.join(scratch, 'bad')], { cwd: root, encoding: 'utf8', env, timeout: 60_000 });
    const emptyPath = fs.mkdtempSync(path.join(scratch, 'path-'));
    const noEtcd = run(['etcd'], { ...process.env, PATH: emptyPath });
    expect(noEtcd.status).toBe(2);
    expect(noEtcd.stderr).toMatch(/etcd is not installed .*sudo apt-get install etcd-server/);
    const unknownLab = run(['mapreduce']);
    expect(unknownLab.status).toBe(2);
    expect(unknownLab.stderr).toMatch(/real mode runs lab 4's key\/value service: `distlab cluster kvraft --impl YOUR_KVRAFT.ts`; got "mapreduce"/);
    const raftAlone = run(['raft']);
    expect(raftAlone.status).toBe(2);
    expect(raftAlone.stderr).toMatch(/your Raft runs in it, through your kvraft submission's `Raft` export/);
    const noClerk = run(['kvraft', '--impl', path.join(root, 'grading', 'solutions', 'raft', 'raft.ts'), '--no-type-check']);
    expect(noClerk.status).toBe(2);
    expect(noClerk.stderr).toMatch(/kvraft lab needs an export named RSM|must export KVServer/);
    const unknownFault = run(['kvraft', '--nemesis', 'kill,meteor']);
    expect(unknownFault.status).toBe(2);
    expect(unknownFault.stderr).toMatch(/--nemesis: unknown fault "meteor"; use a comma-separated list of kill, pause, partition, latency/);
    expect(fs.existsSync(path.join(scratch, 'bad', 'processes.json'))).toBe(false);
  });

  test('Real: Ctrl-C stops every node and still writes the report; SIGKILL of the runner leaves no node behind', async () => {
    requireBuild();
    const args = (out: string) => [cli, 'cluster', 'kvraft', '--nodes', '3', '--duration', '60s', '--clients', '2', '--nemesis', 'none', '--out', out, '--json', '--no-type-check'];
    const interruptedOut = path.join(scratch, 'ctrl-c');
    const runner = spawn(process.execPath, args(interruptedOut), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    runner.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    const pids = await waitForProcesses(path.join(interruptedOut, 'processes.json'), 3);
    runner.kill('SIGINT');
    await exited;
    const report = JSON.parse(stdout) as Report;
    expect(report.interrupted).toBe(true);
    expect(report.summary).toMatch(/interrupted/);
    expect(fs.existsSync(path.join(interruptedOut, 'report.html'))).toBe(true);
    expect(await allGone(pids)).toEqual([]);

    const killedOut = path.join(scratch, 'kill-9');
    const doomed = spawn(process.execPath, args(killedOut), { cwd: root, stdio: 'ignore' });
    const doomedExit = new Promise((resolve) => doomed.once('exit', resolve));
    const orphans = await waitForProcesses(path.join(killedOut, 'processes.json'), 3);
    doomed.kill('SIGKILL');
    await doomedExit;
    // No handler of the runner ran: each node noticed its IPC channel close and exited.
    expect(await allGone(orphans)).toEqual([]);
  });
});
