/**
 * Proof of power, kept short for CI: the reference and every Raft mutant graded with one
 * grading seed (and one public seed for the "caught by public" column), runs cut at 15 s of wall
 * time. The reference must get full score; every mutant must lose points, except the ones
 * listed in `knownSurvivors` (docs/grading.md says why). The full numbers (20 seeds) come from
 * `npx tsx grading/mutants/run.ts --lab raft` and are in docs/grading.md.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './grader/test-support';
import { mutantTable, runMutants } from './mutants/run';
import { raftMutants } from './mutants/raft/mutants';

/**
 * Mutants the hidden suite catches on some seeds only (HiddenLateReplies3C: about one seed in
 * three), so one CI seed cannot be asserted to catch them; the 20 grading seeds do (docs/grading.md).
 */
const knownSurvivors = new Set(['stale-reply-acted-on']);

beforeAll(ensureBuilt);

describe('mutants: Raft', () => {
  it('has at least 12 mutants, each a named mistake', () => {
    expect(raftMutants.length).toBeGreaterThanOrEqual(12);
    expect(new Set(raftMutants.map((mutant) => mutant.name)).size).toBe(raftMutants.length);
  });

  it('grades the reference with full score and every mutant below it', async () => {
    const rows = await runMutants({ lab: 'raft', mutants: raftMutants, seeds: 1, publicSeeds: 1, jobs: 2, wallMsPerRun: 15_000 });
    console.log(`\n${mutantTable(rows)}\n`);
    const reference = rows.find((row) => row.name === 'reference');
    expect(reference?.score).toBe(reference?.maxScore);
    expect(reference?.caughtByPublic).toBe(false);
    const survivors = rows.filter((row) => row.name !== 'reference' && row.score >= row.maxScore).map((row) => row.name);
    expect(survivors.filter((name) => !knownSurvivors.has(name))).toEqual([]);
  }, 600_000);
});
