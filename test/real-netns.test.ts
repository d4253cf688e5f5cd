/**
 * Real mode across "hosts": each node in its own network namespace, joined by veth pairs to a
 * bridge in a switch namespace, all created and removed by this test (root or CAP_NET_ADMIN,
 * and iproute2, needed). The nodes are started with `distlab node` as an operator would on
 * other machines, the runner with `distlab cluster --hosts FILE`, and the partition is a real
 * dropped link: the leader's port on the bridge goes down for 3 s.
 *
 * Behind `npm run test:netns` (it changes network state and takes ~30 s): set DISTLAB_NETNS=1
 * to run it under vitest.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileForCluster } from '../src/real/implementation';
import { killAll, spawnReady, type StartedChild } from '../src/real/processes';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'distlab.js');
const enabled = process.env.DISTLAB_NETNS === '1';
const tag = `dl${process.pid.toString(36)}`;
const members = ['runner', '0', '1', '2'];
const namespace = (member: string) => `${tag}-${member}`;
const addressOf = (member: string) => `10.213.0.${members.indexOf(member) + 1}`;
const port = 7000;

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr || result.error?.message}`);
}

/** The switch namespace with a bridge, and one namespace per member plugged into it. */
function createNetwork(): void {
  ip('netns', 'add', namespace('sw'));
  ip('-n', namespace('sw'), 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', namespace('sw'), 'link', 'set', 'br0', 'up');
  members.forEach((member, index) => {
    ip('netns', 'add', namespace(member));
    ip('-n', namespace(member), 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `b${index}`, 'netns', namespace('sw'));
    ip('-n', namespace('sw'), 'link', 'set', `b${index}`, 'master', 'br0', 'up');
    ip('-n', namespace(member), 'addr', 'add', `${addressOf(member)}/24`, 'dev', 'eth0');
    ip('-n', namespace(member), 'link', 'set', 'eth0', 'up');
    ip('-n', namespace(member), 'link', 'set', 'lo', 'up');
  });
}

function removeNetwork(): void {
  for (const member of [...members, 'sw']) spawnSync('ip', ['netns', 'del', namespace(member)]);
}

function ourNamespaces(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.startsWith(`${tag}-`));
}

/** The node whose log says it became leader last (lines start with an ISO timestamp). */
function currentLeader(logs: string): string | null {
  const lines = fs.readdirSync(logs).flatMap((file) => fs.readFileSync(path.join(logs, file), 'utf8').split('\n').filter((line) => / becomes leader /.test(line)));
  const last = lines.sort().at(-1);
  return last === undefined ? null : (/ (\d+) becomes leader/.exec(last)?.[1] ?? null);
}

describe.skipIf(!enabled)('Real mode across network namespaces (npm run test:netns)', () => {
  test('Real netns: nodes in their own namespaces, the leader\'s link dropped for 3 s: linearizable, no acknowledged write lost, namespaces gone', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-netns-'));
    const nodes: StartedChild[] = [];
    try {
      createNetwork();
      const graph = path.join(work, 'impl.json');
      await compileForCluster('kvraft', null, graph, { typeCheck: false });
      const peers = members.map((member) => `${member}=${addressOf(member)}:${port}`).join(',');
      fs.mkdirSync(path.join(work, 'logs'));
      for (const id of ['0', '1', '2']) {
        nodes.push(await spawnReady({
          command: 'ip',
          args: ['netns', 'exec', namespace(id), process.execPath, cli, 'node', '--id', id, '--listen', `${addressOf(id)}:${port}`, '--peers', peers, '--group', '0,1,2', '--data', path.join(work, 'data', id), '--graph', graph, '--controller', 'runner'],
          logFile: path.join(work, 'logs', `node-${id}.log`), readyTimeoutMs: 30_000, what: `node ${id} in ${namespace(id)}`,
        }));
      }
      const hostsFile = path.join(work, 'hosts.json');
      fs.writeFileSync(hostsFile, JSON.stringify({ runner: `${addressOf('runner')}:${port}`, nodes: { 0: `${addressOf('0')}:${port}`, 1: `${addressOf('1')}:${port}`, 2: `${addressOf('2')}:${port}` } }));
      const runner = spawn('ip', ['netns', 'exec', namespace('runner'), process.execPath, cli, 'cluster', 'kvraft', '--hosts', hostsFile, '--no-type-check', '--duration', '12s', '--clients', '5', '--nemesis', 'none', '--out', path.join(work, 'run'), '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      runner.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => runner.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const leader = currentLeader(path.join(work, 'logs')) ?? '0';
      const bridgePort = `b${members.indexOf(leader)}`;
      ip('-n', namespace('sw'), 'link', 'set', bridgePort, 'down');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      ip('-n', namespace('sw'), 'link', 'set', bridgePort, 'up');
      expect(await exited).toBe(0);
      const report = JSON.parse(stdout) as { verdict: string; lostWrites: string[]; operations: { acknowledged: number } };
      expect(report.verdict).toBe('linearizable');
      expect(report.lostWrites).toEqual([]);
      expect(report.operations.acknowledged).toBeGreaterThan(20);
      // The cut-off leader lost its leadership: another node became leader after the link went down.
      expect(currentLeader(path.join(work, 'logs'))).not.toBe(leader);
    } finally {
      for (const node of nodes) node.child.kill('SIGTERM');
      await Promise.all(nodes.map((node) => node.exited));
      killAll();
      removeNetwork();
      fs.rmSync(work, { recursive: true, force: true });
    }
    expect(ourNamespaces()).toEqual([]);
  });
});
