/**
 * Raft's named invariants: each holds on a history a correct Raft produces, fails on the
 * smallest history that breaks it, and names the invariant, the nodes, the term or index and
 * the time; `check` over a history and `watch` fed live agree.
 */
import { describe, expect, test } from 'vitest';
import { appliedOnce, electionSafety, leaderCompleteness, logMatching, raftInvariants, roleObservations, stateMachineSafety, type RaftObservation } from 'distlab/check';
import { World } from 'distlab';

const role = (node: string, term: number, atMs: number, name = 'leader'): RaftObservation => ({ kind: 'role', node, role: name, term, atMs });
const start = (node: string, term: number, index: number, command: unknown, atMs: number): RaftObservation => ({ kind: 'start', node, term, index, command, atMs });
const apply = (node: string, index: number, command: unknown, atMs: number): RaftObservation => ({ kind: 'apply', node, index, command, atMs });

/** A healthy run: leader 0 in term 1 commits two commands, then leader 1 takes over in term 2 and goes on. */
const healthy: RaftObservation[] = [
  role('0', 1, 100),
  start('0', 1, 1, 'a', 200),
  apply('0', 1, 'a', 210),
  apply('1', 1, 'a', 220),
  start('0', 1, 2, 'b', 300),
  apply('1', 2, 'b', 320),
  role('1', 2, 1000),
  start('1', 2, 3, 'c', 1100),
  apply('2', 1, 'a', 1200),
  apply('1', 1, 'a', 1500), // server 1 restarted and replays its log: same commands
];

describe('Invariants: Raft (Figure 3)', () => {
  test('every Raft invariant holds on a healthy history, live and afterwards', () => {
    for (const invariant of raftInvariants) {
      expect(invariant.check(healthy), invariant.name).toBeNull();
      const step = invariant.watch();
      expect(healthy.map(step).filter((v) => v !== null), invariant.name).toEqual([]);
    }
  });

  test('election safety: two leaders in one term name both servers, the term and the time', () => {
    const violation = electionSafety.check([role('0', 3, 100), role('2', 3, 450), role('1', 4, 500)]);
    expect(violation).toMatchObject({ invariant: electionSafety.name, atMs: 450, nodes: ['2', '0'], term: 3 });
    expect(violation?.detail).toBe('servers 0 and 2 were both leader in term 3 (server 2 became leader at 0.450s)');
    expect(electionSafety.check([role('0', 3, 100), role('0', 3, 200), role('1', 3, 300, 'follower')])).toBeNull();
  });

  test('log matching: one index and term name one command', () => {
    const violation = logMatching.check([start('0', 2, 5, 'x', 100), start('0', 2, 5, 'y', 300)]);
    expect(violation).toMatchObject({ atMs: 300, nodes: ['0'], term: 2, index: 5 });
    expect(violation?.detail).toMatch(/server 0 placed "y" at index 5 in term 2 at 0\.300s, but server 0 had placed "x" there/);
    expect(logMatching.check([start('0', 2, 5, 'x', 100), start('1', 3, 5, 'y', 300)])).toBeNull();
  });

  test('leader completeness: a leader of a later term must hold what was committed before it', () => {
    const history = [start('0', 1, 1, 'a', 100), start('0', 1, 2, 'b', 110), apply('1', 2, 'b', 200), start('2', 2, 2, 'z', 900)];
    const violation = leaderCompleteness.check(history);
    expect(violation).toMatchObject({ atMs: 900, nodes: ['2', '1'], term: 2, index: 2 });
    expect(violation?.detail).toMatch(/server 2, leader of term 2, placed a new command at index 2 .* lacks index 2, which server 1 applied at 0\.200s/);
    // A stale leader of the committing term (or older) may lack it: not a violation.
    expect(leaderCompleteness.check([start('0', 1, 1, 'a', 100), apply('1', 1, 'a', 200), start('2', 1, 1, 'z', 900)])).toBeNull();
  });

  test('state machine safety: two servers applying different commands at one index', () => {
    const violation = stateMachineSafety.check([apply('0', 4, 7, 100), apply('2', 4, 9, 250)]);
    expect(violation).toMatchObject({ atMs: 250, nodes: ['2', '0'], index: 4 });
    expect(violation?.detail).toBe('server 2 applied 9 at index 4 at 0.250s, but server 0 applied 7 there at 0.100s');
  });

  test('a server applies one command per index, across its restarts', () => {
    const violation = appliedOnce.check([apply('1', 3, 'a', 100), apply('1', 3, 'b', 800)]);
    expect(violation).toMatchObject({ atMs: 800, nodes: ['1'], index: 3 });
    expect(stateMachineSafety.check([apply('1', 3, 'a', 100), apply('1', 3, 'b', 800)])).toBeNull();
  });

  test('a watcher reports its first violation once', () => {
    const step = electionSafety.watch();
    expect(step(role('0', 1, 1))).toBeNull();
    expect(step(role('1', 1, 2))).not.toBeNull();
    expect(step(role('2', 1, 3))).toBeNull();
  });

  test('roleObservations reads node.role events out of a trace', async () => {
    const world = new World({ seed: 1 });
    world.addNode('a', (ctx) => {
      ctx.role('leader', 1);
      return {};
    });
    world.addNode('b', (ctx) => {
      ctx.role('leader', 1);
      return {};
    });
    await world.runFor(10);
    const roles = roleObservations(world.trace.events);
    expect(roles.map((o) => (o.kind === 'role' ? `${o.node}:${o.term}` : ''))).toEqual(['a:1', 'b:1']);
    expect(electionSafety.check(roles)?.nodes).toEqual(['b', 'a']);
  });
});
