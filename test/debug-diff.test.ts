/**
 * Differential replay (`distlab diff`): two known versions of Raft, the reference and the
 * heartbeats-too-frequent mutant (heartbeat every 10 ms instead of 100 ms), run on one seed, must
 * part at the new leader's first heartbeat timer: same event index, same node, 100 ms vs 10 ms.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { firstDivergence, describeDivergence } from '../src/debug/diff';
import { diffSpec } from '../src/debug/diff-plot';
import { loadRun, runDiffCommand } from '../src/cli/commands/diff';
import { runTest } from '../src/testing/run-test';
import type { TraceEvent } from '../src/runtime/trace-event';
import { collector, raftSubmission } from './debug-support';

let folder = '';
let reference = '';
let frequent = '';

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-diff-'));
  reference = raftSubmission(folder, null);
  frequent = raftSubmission(folder, 'heartbeats-too-frequent');
});

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));


describe('firstDivergence', () => {
  const event = (seq: number, node: string, fireAtMs: number): TraceEvent => ({ type: 'timer.set', atMs: 10 * seq, seq, node, timer: seq, fireAtMs }) as TraceEvent;

  test('identical traces: no divergence', () => {
    const trace = [event(0, 'a', 5), event(1, 'b', 6)];
    expect(firstDivergence(trace, [...trace])).toBeNull();
    expect(describeDivergence(null, 'A', 'B')).toEqual(['the traces of A and B are identical']);
  });

  test('the first differing event, its node and the shared events before it', () => {
    const shared = [event(0, 'a', 5), event(1, 'b', 6)];
    const divergence = firstDivergence([...shared, event(2, 'c', 100)], [...shared, event(2, 'c', 10)]);
    expect(divergence?.index).toBe(2);
    expect(divergence?.node).toBe('c');
    expect(divergence?.context).toEqual(shared);
  });

  test('one trace a prefix of the other: the shorter side has no event there', () => {
    const shared = [event(0, 'a', 5)];
    const divergence = firstDivergence(shared, [...shared, event(1, 'b', 6)]);
    expect(divergence).toMatchObject({ index: 1, a: null, node: 'b' });
    expect(describeDivergence(divergence, 'A', 'B')[1]).toContain('(trace ended');
  });
});

describe('distlab diff on two known Raft versions', () => {
  test('the mutant diverges at the leader’s first heartbeat timer: 100 ms in the reference, 10 ms in the mutant', async () => {
    const run = await loadRun('raft', 'TestInitialElection3A', [reference, frequent], { typeCheck: false });
    const results = [];
    for (const { impl } of run.impls) results.push(await runTest(run.lab, run.test, impl, 1));
    const divergence = firstDivergence(results[0].world.trace.events, results[1].world.trace.events);
    expect(divergence).not.toBeNull();
    const left = divergence?.a;
    const right = divergence?.b;
    if (left?.type !== 'timer.set' || right?.type !== 'timer.set') throw new Error(`expected a timer.set on both sides, got ${left?.type} / ${right?.type}`);
    // Everything before it is the same run: the election, the same leader.
    const leader = [...(divergence?.context ?? [])].reverse().find((event) => event.type === 'node.role' && event.role === 'leader');
    expect(leader?.type === 'node.role' ? leader.node : null).toBe(left.node);
    expect(right.node).toBe(left.node);
    expect(left.fireAtMs - left.atMs).toBe(100);
    expect(right.fireAtMs - right.atMs).toBe(10);
    // The same code twice on the same seed: nothing to report.
    const again = await runTest(run.lab, run.test, run.impls[0].impl, 1);
    expect(firstDivergence(results[0].world.trace.events, again.world.trace.events)).toBeNull();
    const spec = JSON.stringify(diffSpec(results[0].world.trace.events, results[1].world.trace.events, divergence, 'reference', 'mutant'));
    expect(spec).toContain('"vconcat"');
    expect(spec).toContain(`first divergence at event #${divergence?.index}`);
  });

  test('the CLI: exit 1, both sides printed, files written', async () => {
    const output = collector();
    const out = path.join(folder, 'out');
    const code = await runDiffCommand('raft', 'TestInitialElection3A', { seed: 1, impl: [reference, frequent], typeCheck: false, out }, output);
    expect(code).toBe(1);
    expect(output.out).toMatch(/first divergence at event #\d+, [\d.]+s on \d:/);
    expect(output.out).toMatch(/timer #\d+ set for/);
    expect(fs.readdirSync(out).sort()).toEqual(['a.jsonl', 'b.jsonl', 'diff.html', 'diff.svg']);
  });

  test('bad input: one --impl, or an unknown test, is exit 2 with a sentence', async () => {
    const one = collector();
    expect(await runDiffCommand('raft', 'TestInitialElection3A', { seed: 1, impl: [reference] }, one)).toBe(2);
    expect(one.err).toContain('exactly two implementations');
    const unknown = collector();
    expect(await runDiffCommand('raft', 'TestNoSuchTest3A', { seed: 1, impl: [reference, frequent], typeCheck: false }, unknown)).toBe(2);
    expect(unknown.err).toContain('TestNoSuchTest3A');
  });
});
