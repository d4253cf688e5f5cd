/**
 * `distlab shrink` on a seeded bug: the term-not-persisted Raft mutant fails TestPersist23C on
 * seed 1 with two leaders in one term after 36 fault actions. The shrunk run must still fail the
 * same way (election safety), apply fewer fault actions, and replay from its scenario file to
 * the same trace hash.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { failureSignature, shrinkFaults, describeCounts } from '../src/debug/shrink';
import { maskFaults } from '../src/debug/fault-mask';
import { loadRun, type LoadedRun } from '../src/cli/commands/diff';
import { replayMasked, runShrinkCommand } from '../src/cli/commands/shrink';
import type { TestOutcome } from '../src/testing/run-test';
import { World } from '../src/runtime/world';
import { collector, raftSubmission } from './debug-support';

let folder = '';
let mutantFile = '';
let run: LoadedRun;

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-shrink-'));
  mutantFile = raftSubmission(folder, 'term-not-persisted');
  run = await loadRun('raft', 'TestPersist23C', [mutantFile], { typeCheck: false });
}, 60_000);

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));


describe('fault masks', () => {
  test('every outermost fault action is numbered; a restart that crashes first is one action; skipped ones do nothing', async () => {
    const world = new World({ seed: 1 });
    world.addNode('a', () => ({}));
    world.addNode('b', () => ({}));
    const { records } = maskFaults(world, (ordinal) => ordinal !== 1);
    world.network.disconnect('a');
    world.restart('b');
    world.crash('a');
    expect(records.map((record) => [record.description, record.skipped])).toEqual([
      ['disconnect a', false],
      ['restart b', true],
      ['crash a', false],
    ]);
    expect(world.isUp('a')).toBe(false);
    expect(world.trace.events.filter((event) => event.type === 'node.restart')).toHaveLength(0);
  });

  test('failure signatures: the invariant for violations, the sentence without numbers otherwise', () => {
    const outcome = (failure: string) => ({ passed: false, kind: 'safety', failure }) as unknown as TestOutcome;
    expect(failureSignature(outcome('at most one leader per term (election safety) violated: servers 3 and 1 were both leader in term 4'))).toBe(
      'safety: at most one leader per term (election safety) violated',
    );
    expect(failureSignature(outcome('expected 3 servers to agree on index 7 (at 4.958s)'))).toBe(failureSignature(outcome('expected 2 servers to agree on index 12 (at 9.1s)')));
    expect(describeCounts([{ ordinal: 0, atMs: 0, description: 'crash 1', skipped: false }, { ordinal: 1, atMs: 5, description: 'crash 2', skipped: false }])).toBe('2 fault actions');
  });
});

describe('distlab shrink on a seeded Raft bug', () => {
  test('the shrunk run fails the same way with fewer fault actions and replays identically', async () => {
    const result = await shrinkFaults((keep) => replayMasked(run, 1, keep), { runsMax: 25 });
    expect(result.original.outcome.passed).toBe(false);
    expect(result.signature).toBe('safety: at most one leader per term (election safety) violated');
    expect(failureSignature(result.shrunk.outcome)).toBe(result.signature);
    const applied = (faults: readonly { skipped: boolean }[]) => faults.filter((fault) => !fault.skipped).length;
    expect(applied(result.shrunk.faults)).toBeLessThan(applied(result.original.faults));
    expect(applied(result.shrunk.faults)).toBeLessThanOrEqual(result.keep.length);
    const again = await replayMasked(run, 1, new Set(result.keep));
    expect(again.outcome.traceHash).toBe(result.shrunk.outcome.traceHash);
  }, 120_000);

  test('the CLI writes a scenario that --scenario replays to the same trace hash', async () => {
    const out = path.join(folder, 'out');
    const output = collector();
    expect(await runShrinkCommand('raft', 'TestPersist23C', { seed: 1, impl: mutantFile, out, runsMax: 6, typeCheck: false }, output)).toBe(0);
    expect(output.out).toMatch(/still fails the same way \(safety: at most one leader per term/);
    const scenario = JSON.parse(fs.readFileSync(path.join(out, 'scenario.json'), 'utf8')) as { traceHash: string; keepFaults: number[] };
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(['scenario.json', 'summary.txt', 'trace.jsonl', 'report.html']));
    const replay = collector();
    expect(await runShrinkCommand(undefined, undefined, { scenario: path.join(out, 'scenario.json'), typeCheck: false }, replay)).toBe(0);
    expect(replay.out).toContain(`trace ${scenario.traceHash} (identical to the shrunk run)`);
  }, 120_000);

  test('bad input: a passing seed is exit 1 with a sentence; a missing --out is exit 2', async () => {
    const missing = collector();
    expect(await runShrinkCommand('raft', 'TestPersist23C', { seed: 1 }, missing)).toBe(2);
    expect(missing.err).toContain('--out DIR');
    const bad = collector();
    fs.writeFileSync(path.join(folder, 'bad.json'), '{"format": "something else"}');
    expect(await runShrinkCommand(undefined, undefined, { scenario: path.join(folder, 'bad.json') }, bad)).toBe(2);
    expect(bad.err).toContain('is not a scenario written by distlab shrink');
  });
});
