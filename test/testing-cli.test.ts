import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runReplayCommand } from '../src/cli/commands/replay';
import { runTestCommand, type CommandOutput } from '../src/cli/commands/test';
import { findLabs, loadLab } from '../src/testing/labs';

const labDir = path.join(__dirname, 'fixtures', 'labs', 'ping');
const impl = (file: string): string => path.join(labDir, 'solutions', file);

function collector(): CommandOutput & { out: string; err: string } {
  const sink = { out: '', err: '', color: false } as CommandOutput & { out: string; err: string };
  sink.stdout = (text) => void (sink.out += text);
  sink.stderr = (text) => void (sink.err += text);
  return sink;
}

describe('CLI test: exit codes and output', () => {
  test('all passed: exit 0, pass lines, summary', async () => {
    const output = collector();
    const code = await runTestCommand('ping', { labDir, impl: impl('correct.ts'), seeds: 2, isolate: false }, output);
    expect(code).toBe(0);
    expect(output.out.match(/ \.\.\. Passed -- /g)).toHaveLength(4);
    expect(output.out).toMatch(/\ntotal +2 +4 +4 +0 /);
    expect(output.out).toMatch(/PASS: 4 of 4 runs passed/);
  });

  test('some failed: exit 1, failure block with the replay command', async () => {
    const output = collector();
    const code = await runTestCommand('ping', { labDir, impl: impl('broken.ts'), seed: 5, isolate: false }, output);
    expect(code).toBe(1);
    expect(output.out).toContain('TestNoWrongReplies1B (1B) ... FAILED (safety) at 2.0s: node a received');
    expect(output.out).toContain(`  replay: npx distlab replay ping TestNoWrongReplies1B --seed 5 --impl ${impl('broken.ts')} --lab-dir ${labDir}`);
  });

  test('--json: one object per test and seed, nothing else on stdout', async () => {
    const output = collector();
    const code = await runTestCommand('ping', { labDir, impl: impl('broken.ts'), seeds: 2, json: true, isolate: false }, output);
    expect(code).toBe(1);
    const records = output.out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(4);
    for (const record of records) {
      for (const key of ['name', 'part', 'seed', 'passed', 'virtualMs', 'wallMs', 'rpcs', 'bytes', 'traceHash']) expect(record).toHaveProperty(key);
      expect(record.traceHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(records.filter((record) => record.passed === false).every((record) => typeof record.failure === 'string')).toBe(true);
  });

  test('the lab skeleton is the default implementation; it fails cleanly', async () => {
    const output = collector();
    expect(await runTestCommand('ping', { labDir, isolate: false }, output)).toBe(1);
    expect(output.out).toContain('FAILED (liveness) at 1.0s: node a got 0 correct pongs in 1 s');
    expect(output.out).toContain('replay: npx distlab replay ping TestPingPong1A --seed 1 --lab-dir');
  });

  test('bad input exits 2 with one paragraph on stderr', async () => {
    const cases: Array<[string, Parameters<typeof runTestCommand>[1], RegExp]> = [
      ['nolab', {}, /unknown lab "nolab": (labs found|no labs were found)/],
      ['ping', { labDir, part: '7Z' }, /no part "7Z"/],
      ['ping', { labDir, run: 'Missing' }, /no ping test matches "Missing"/],
      ['ping', { labDir, impl: impl('nothere.ts') }, /does not exist/],
      ['ping', { labDir, impl: impl('type-error.ipynb') }, /type-error\.ipynb cell 3, line 2, column 7: Type 'string'/],
      ['ping', { labDir, impl: impl('throws-at-import.ts') }, /threw while loading/],
      ['ping', { labDir, impl: impl('wrong-export.ts') }, /export a class PingNode/],
      ['ping', { labDir, seed: 1, seeds: 2 }, /not both/],
    ];
    for (const [lab, options, message] of cases) {
      const output = collector();
      expect(await runTestCommand(lab, options, output), lab + JSON.stringify(options)).toBe(2);
      expect(output.err).toMatch(message);
      expect(output.out).toBe('');
    }
  });

  test('lab discovery: --lab-dir loads a lab; unknown names list the labs found', async () => {
    const found = await loadLab({ name: 'ping', labDir });
    expect(found.lab.name).toBe('ping');
    expect(Array.isArray(findLabs())).toBe(true);
  });
});

describe('CLI test: isolation', () => {
  test('isolated runs agree with in-process runs, trace hash for trace hash', async () => {
    const isolated = collector();
    const inProcess = collector();
    expect(await runTestCommand('ping', { labDir, impl: impl('ping.ipynb'), seeds: 2, json: true }, isolated)).toBe(0);
    expect(await runTestCommand('ping', { labDir, impl: impl('ping.ipynb'), seeds: 2, json: true, isolate: false }, inProcess)).toBe(0);
    const hashes = (text: string) => text.trim().split('\n').map((line) => (JSON.parse(line) as { traceHash: string }).traceHash);
    expect(hashes(isolated.out)).toEqual(hashes(inProcess.out));
  });

  test('an implementation that loops forever is stopped by the wall-clock guard', async () => {
    const output = collector();
    const code = await runTestCommand('ping', { labDir, impl: impl('loops.ts'), run: 'TestPingPong1A', timeout: 2 }, output);
    expect(code).toBe(1);
    expect(output.out).toContain('FAILED (crash) at 0.0s: the test ran longer than 2 s of wall-clock time and was stopped');
  });

  test('an implementation that loops forever at import is bad input, timed out in the worker', async () => {
    const output = collector();
    expect(await runTestCommand('ping', { labDir, impl: impl('loops-at-import.ts'), timeout: 2 }, output)).toBe(2);
    expect(output.err).toMatch(/loops-at-import\.ts took longer than 2 s of wall-clock time to load, before any test ran/);
    expect(output.out).toBe('');
  });

  test('process.exit in a handler fails the test instead of ending the runner', async () => {
    const output = collector();
    expect(await runTestCommand('ping', { labDir, impl: impl('exits.ts'), run: 'TestPingPong1A' }, output)).toBe(1);
    expect(output.out).toContain('process.exit(3) was called');
  });
});

describe('CLI replay', () => {
  test('reproduces the trace hash of the test run and writes trace.jsonl, report.html and plots', async () => {
    const run = collector();
    await runTestCommand('ping', { labDir, impl: impl('broken.ts'), seed: 9, json: true, run: 'TestNoWrongReplies1B', isolate: false }, run);
    const original = JSON.parse(run.out) as { traceHash: string };
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-replay-'));
    const replay = collector();
    const code = await runReplayCommand('ping', 'TestNoWrongReplies1B', { seed: 9, impl: impl('broken.ts'), labDir, out }, replay);
    expect(code).toBe(1);
    expect(replay.out).toContain(`trace ${original.traceHash}`);
    expect(replay.out).toMatch(/^replaying TestNoWrongReplies1B seed 9 with \S*broken\.ts\n/); // whose code ran
    expect(replay.out).toContain('FAILED (safety)');
    const jsonl = fs.readFileSync(path.join(out, 'trace.jsonl'));
    expect(createHash('sha256').update(jsonl).digest('hex')).toBe(original.traceHash);
    const report = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('replies that did not carry n + 1');
    expect(report).toContain('npx distlab replay ping TestNoWrongReplies1B --seed 9');
    expect(report).toContain('<svg');
    expect(report).toMatch(/Last 200 trace events/);
    expect(fs.readFileSync(path.join(out, 'messages.svg'), 'utf8')).toContain('<svg');
  });

  test('an unknown test name is bad input', async () => {
    const output = collector();
    expect(await runReplayCommand('ping', 'TestNope', { seed: 1, labDir }, output)).toBe(2);
    expect(output.err).toMatch(/the tests are: TestPingPong1A, TestNoWrongReplies1B/);
  });
});
