import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');
const labDir = path.join('test', 'fixtures', 'labs', 'ping');
const impl = (file: string): string => path.join(labDir, 'solutions', file);

function distlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const built = path.join(root, 'dist', 'src', 'testing', 'isolate-worker.js');
  if (!fs.existsSync(built)) throw new Error(`the built CLI is missing (${built}): run \`npm run build\` first, then rerun this test.`);
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'distlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Built CLI (node bin/distlab.js, after npm run build)', () => {
  test('test: a notebook submission passes in isolated workers (exit 0)', () => {
    const result = distlab('test', 'ping', '--lab-dir', labDir, '--impl', impl('ping.ipynb'), '--seeds', '2', '--jobs', '2');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.match(/ \.\.\. Passed -- time /g)).toHaveLength(4);
  });

  test('test --json: a broken implementation exits 1, one JSON line per run', () => {
    const result = distlab('test', 'ping', '--lab-dir', labDir, '--impl', impl('broken.ts'), '--seed', '3', '--json');
    expect(result.status).toBe(1);
    const records = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { passed: boolean; traceHash: string });
    expect(records.map((record) => record.passed)).toEqual([true, false]);
  });

  test('test: bad input exits 2 (unknown lab, type error in a cell, bad flag)', () => {
    const unknown = distlab('test', 'no-such-lab');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown lab "no-such-lab"/);
    const typeError = distlab('test', 'ping', '--lab-dir', labDir, '--impl', impl('type-error.ipynb'));
    expect(typeError.status).toBe(2);
    expect(typeError.stderr).toMatch(/type-error\.ipynb cell 3, line 2, column 7/);
    expect(distlab('test', 'ping', '--lab-dir', labDir, '--seeds', 'many').status).toBe(2);
  });

  test('replay --out reproduces the hash and writes the files', () => {
    const run = distlab('test', 'ping', '--lab-dir', labDir, '--impl', impl('broken.ts'), '--seed', '4', '--run', 'TestNoWrongReplies1B', '--json');
    const hash = (JSON.parse(run.stdout) as { traceHash: string }).traceHash;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-built-replay-'));
    const replay = distlab('replay', 'ping', 'TestNoWrongReplies1B', '--seed', '4', '--lab-dir', labDir, '--impl', impl('broken.ts'), '--out', out);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain(`trace ${hash}`);
    for (const file of ['trace.jsonl', 'report.html', 'messages.svg']) expect(fs.existsSync(path.join(out, file))).toBe(true);
  });
});
