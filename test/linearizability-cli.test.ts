import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand, runCheck, type CheckCommandOptions } from '../src/cli/commands/check';
import { historySpec, historyRows } from '../src/plot/history';
import { casRegisterModel, checkLinearizability, historyOf, parseJsonHistory, builtinModel } from 'distlab/check';

const fixtures = join(__dirname, 'fixtures', 'linearizability');
const scratch = mkdtempSync(join(tmpdir(), 'distlab-check-'));

async function run(file: string, options: Partial<CheckCommandOptions> & { model: string }) {
  let stdout = '';
  let stderr = '';
  const code = await runCheck(file, { timeoutMs: 5000, partition: true, json: false, ...options }, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** Concurrent writes and a read of a value nobody wrote: illegal, but only after an exponential search. */
function hardHistoryFile(): string {
  const writes = Array.from({ length: 24 }, (_, index) => ({
    client: index,
    input: { kind: 'write', value: index },
    output: null,
    callMs: 0,
    returnMs: 100,
  }));
  const file = join(scratch, 'hard.json');
  writeFileSync(file, JSON.stringify([...writes, { client: 'r', input: { kind: 'read' }, output: 99, callMs: 0, returnMs: 100 }]));
  return file;
}

describe('distlab check', () => {
  it('exits 0 for a linearizable history and says so', async () => {
    const { code, stdout } = await run(join(fixtures, 'cas-ok.edn'), { model: 'cas-register' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: linearizable \(5 operations/);
  });

  it('exits 1 for an illegal history and names the operation', async () => {
    const { code, stdout } = await run(join(fixtures, 'kv-bad.json'), { model: 'kv' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/operation 2 \(client 2\) get\("k"\) -> "a" cannot be linearized in partition "k"/);
  });

  it('--json prints verdict, ops, partitions, ms and the offending operation', async () => {
    const { code, stdout } = await run(join(fixtures, 'kv-bad.json'), { model: 'kv', json: true });
    expect(code).toBe(1);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ verdict: 'illegal', ops: 4, partitions: 2, partition: 'k', longestPrefix: [0, 1] });
    expect(summary.operation).toMatchObject({ id: 2, client: '2', description: 'get("k") -> "a"' });
    expect(typeof summary.ms).toBe('number');
  });

  it('--no-partition checks one object', async () => {
    const { stdout } = await run(join(fixtures, 'kv-bad.json'), { model: 'kv', json: true, partition: false });
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'illegal', partitions: 1 });
  });

  it('exits 2 for bad input with the line number', async () => {
    const { code, stderr } = await run(join(fixtures, 'malformed.edn'), { model: 'cas-register' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/malformed\.edn:2: incomplete EDN/);
    expect((await run(join(fixtures, 'missing.edn'), { model: 'register' })).code).toBe(2);
    expect((await run(join(fixtures, 'cas-ok.edn'), { model: 'queue' })).stderr).toMatch(/unknown model "queue"; use one of: register/);
  });

  it('exits 3, not 0, when the budget runs out', async () => {
    const { code, stdout } = await run(hardHistoryFile(), { model: 'register', timeoutMs: 1, json: true });
    expect(code).toBe(3);
    expect(JSON.parse(stdout).verdict).toBe('unknown');
  });

  it('--out writes a self-contained HTML page with the SVG and the prefix table', async () => {
    const out = join(scratch, 'vis.html');
    const { stderr } = await run(join(fixtures, 'kv-bad.json'), { model: 'kv', out });
    expect(stderr).toContain(`wrote history visualization to ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Operation that cannot be linearized');
    expect(html).toContain('Longest linearizable prefix');
    expect(html).toContain('get(&#34;k&#34;) -&#62; &#34;a&#34;');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('parses its arguments with commander and sets process.exitCode', async () => {
    const previous = process.exitCode;
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((text: string) => (writes.push(text), true)) as typeof process.stdout.write;
    try {
      await checkCommand().exitOverride().parseAsync([join(fixtures, 'cas-bad.edn'), '--model', 'cas-register', '--json', '--timeout-ms', '2000'], { from: 'user' });
      expect(process.exitCode).toBe(1);
    } finally {
      process.stdout.write = write;
      process.exitCode = previous;
    }
    expect(JSON.parse(writes.join('')).verdict).toBe('illegal');
    expect(() => checkCommand().exitOverride().configureOutput({ writeErr: () => undefined }).parse(['f', '--model', 'stack'], { from: 'user' })).toThrow(/Allowed choices are register/);
  });
});

describe('historySpec', () => {
  it('marks the prefix, the culprit and the unreached operations, and overlays faults', () => {
    const history = parseJsonHistory(readFileSync(join(fixtures, 'kv-bad.json'), 'utf8'), builtinModel('kv'));
    const model = builtinModel('kv').create();
    const result = checkLinearizability(model, history.operations);
    const rows = historyRows(history.operations, result, { model });
    expect(rows.map((row) => [row.id, row.status, row.position])).toEqual([
      [0, 'linearized prefix', 1],
      [1, 'linearized prefix', 2],
      [2, 'cannot be linearized', 0],
      [3, 'linearizable', 1],
    ]);
    const spec = historySpec(history, result, { model }) as unknown as { layer: unknown[]; title: { text: string; subtitle: string } };
    // Bars, labels, the state written beside the culprit, fault rules and their labels.
    expect(spec.layer).toHaveLength(5);
    expect(spec.title.text).toMatch(/kv: illegal \(key "k"\)/);
    expect(spec.title.subtitle).toContain(`state after the longest prefix: ${result.failure?.state}`);
    expect(JSON.stringify(spec)).toContain('partition [s1] [s2 s3]');
  });

  it('draws indeterminate operations up to where they took effect, or where the client gave up, and open ones to the end', () => {
    const operations = historyOf([
      { client: 0, input: { kind: 'write', value: 1 }, callMs: 0, returnMs: 50, known: false },
      { client: 1, input: { kind: 'write', value: 2 }, callMs: 10 },
      { client: 2, input: { kind: 'read' }, output: 1, callMs: 60, returnMs: 100 },
    ]);
    const rows = historyRows(operations, checkLinearizability(casRegisterModel(), operations), { model: casRegisterModel() });
    // The write of 1 is seen by the read: it took effect by the read's return (100), although its
    // client gave up at 50. The write of 2 is placed after everything: no visible effect.
    expect(rows.map((row) => [row.status, row.endMs])).toEqual([
      ['indeterminate', 100],
      ['indeterminate', 105],
      ['linearizable', 100],
    ]);
    expect(rows[1].returnMs).toBe('never');
  });
});
