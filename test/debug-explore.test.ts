/**
 * Exploration of a 3-server Raft cluster (TestFailAgree3B) over network schedules: the
 * vote-without-up-to-date-check mutant (votes granted without the election restriction; only
 * hidden tests catch it otherwise) breaks leader completeness within the bound, the reference
 * passes the same bound, the finding replays to the same trace, and exploring is deterministic.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { abstractStates, exploreSchedules, type ExploreBounds } from '../src/debug/explore';
import { loadRun, type LoadedRun } from '../src/cli/commands/diff';
import { runExploreCommand, runSchedule } from '../src/cli/commands/explore';
import type { TraceEvent } from '../src/runtime/trace-event';
import { collector, raftSubmission } from './debug-support';

/** The stated bound: 40 runs of at most 8 network actions, seeds 1..5, exploration seed 1. */
const bounds: ExploreBounds = { nodes: ['0', '1', '2'], runsMax: 40, depth: 8, stepMs: 100, seedsMax: 5, seed: 1 };
let folder = '';
let mutantFile = '';
let mutant: LoadedRun;
let reference: LoadedRun;

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-explore-'));
  mutantFile = raftSubmission(folder, 'vote-without-up-to-date-check');
  const loaded = await loadRun('raft', 'TestFailAgree3B', [mutantFile, raftSubmission(folder, null)], { typeCheck: false });
  mutant = { ...loaded, impls: [loaded.impls[0]] };
  reference = { ...loaded, impls: [loaded.impls[1]] };
}, 60_000);

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const explore = (run: LoadedRun) =>
  exploreSchedules(async (schedule) => {
    const result = await runSchedule(run, schedule);
    return { outcome: result.outcome, events: result.world.trace.events };
  }, bounds);

describe('explore: a 3-server Raft cluster', () => {
  test('finds the vote-without-up-to-date-check mutant within the bound, deterministically, and the finding replays', async () => {
    const first = await explore(mutant);
    expect(first.finding).not.toBeNull();
    const finding = first.finding as NonNullable<typeof first.finding>;
    expect(finding.run.outcome.kind).toBe('safety');
    expect(finding.run.outcome.failure).toMatch(/violated/);
    const again = await explore(mutant);
    expect(again.finding?.index).toBe(finding.index);
    expect(again.finding?.schedule).toEqual(finding.schedule);
    const replay = await runSchedule(mutant, finding.schedule);
    expect(replay.outcome.traceHash).toBe(finding.run.outcome.traceHash);
  }, 120_000);

  test('the reference passes the same bound', async () => {
    const result = await explore(reference);
    expect(result.finding).toBeNull();
    expect(result.runs).toBe(bounds.runsMax);
    expect(result.coverage).toBeGreaterThan(20);
  }, 120_000);

  test('the CLI writes the finding as a schedule that --schedule replays', async () => {
    const out = path.join(folder, 'found');
    const output = collector();
    expect(await runExploreCommand('raft', 'TestFailAgree3B', { impl: mutantFile, runs: bounds.runsMax, out, typeCheck: false }, output)).toBe(1);
    expect(output.out).toMatch(/FOUND at run \d+, seed \d+: .* violated/);
    const replay = collector();
    expect(await runExploreCommand(undefined, undefined, { schedule: path.join(out, 'schedule.json'), typeCheck: false }, replay)).toBe(1);
    expect(replay.out).toMatch(/FAILED \(safety\)/);
  }, 120_000);
});

describe('abstract states', () => {
  test('roles and terms relative to the lowest, with a drop bucket', () => {
    const role = (seq: number, node: string, value: string, term: number): TraceEvent => ({ type: 'node.role', atMs: seq, seq, node, role: value, term }) as TraceEvent;
    const events = [role(0, '0', 'candidate', 5), role(1, '0', 'leader', 5), { type: 'net.drop', atMs: 2, seq: 2 } as unknown as TraceEvent, role(3, '1', 'follower', 5)];
    expect(abstractStates(events, ['0', '1'])).toEqual(['c5 f0 d0', 'l5 f0 d0', 'l0 f0 d1']);
  });
});


describe('abstract states of client operations', () => {
  test("a kvsrv clerk's answers, with the drop bucket", () => {
    const ret = (seq: number, output: unknown, known = true): TraceEvent => ({ type: 'client.return', atMs: seq, seq, client: 'c0', op: seq, output, known }) as TraceEvent;
    expect(abstractStates([ret(0, { err: 'OK' }), ret(1, 'ErrMaybe'), ret(2, undefined, false)], ['server', 'c0'])).toEqual(['return OK d0', 'return ErrMaybe d0', 'gave up d0']);
  });
});
