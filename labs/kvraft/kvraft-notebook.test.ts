// Runs the kvraft lab notebook that students open (labs/kvraft/kvraft.ipynb) headlessly through
// Jupyter and tslab, as a student's first "Run All" would, over the lab-3 skeleton it loads with
// lab3Raft('../raft/raft.ipynb'): every cell compiles (the lab is found at run time, so tslab never
// compiles labs/kvsrv, which is outside the notebook's folder) and each test cell fails cleanly.
// The instructor notebook (grading/solutions/kvraft/kvraft.ipynb, over the reference Raft) runs
// every public test on seed 1 and all pass: this is CI's run of the reference on the public tests.
// The notebooks import the BUILT package (node_modules/distlab): `npm test` builds first.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAndCheck } from '../kvsrv/notebook-check';
import { kvraftLab } from './lab';

const root = path.resolve(__dirname, '../..');

describe('labs/kvraft/kvraft.ipynb (the student notebook, over the lab-3 skeleton)', () => {
  it('runs top to bottom: every cell compiles (the lab is found at run time, not compiled from labs/kvsrv), each test cell fails cleanly with a table, plots and the replay command', async () => {
    const outputs = await runAndCheck(path.join(root, 'labs/kvraft/kvraft.ipynb'), 3, /\(seed 1\) failed: .+\nreplay: npx distlab replay kvraft \w+ --seed 1 --impl labs\/kvraft\/kvraft.ipynb/);
    expect(outputs[0]).toMatch(/no connected server says it leads: is Raft electing a leader\?/);
    expect(outputs[1]).toMatch(/Clerk\.put is not written yet/);
  }, 300_000);
});

describe('grading/solutions/kvraft/kvraft.ipynb (the instructor notebook, over the reference Raft)', () => {
  it('runs headlessly where it lives: every public test of 4A, 4B and 4C passes on seed 1, with a table and plots', async () => {
    const outputs = await runAndCheck(path.join(root, 'grading/solutions/kvraft/kvraft.ipynb'), 3, /\w+ \(seed 1\) passed\nreplay: npx distlab replay kvraft \w+ --seed 1/);
    // The cell's value: one outcome per test of the part.
    const passed = outputs.map((stdout) => (stdout.match(/passed: true/g) ?? []).length);
    expect(outputs.join('\n')).not.toMatch(/passed: false/);
    expect(passed.reduce((sum, count) => sum + count, 0)).toBe(kvraftLab.tests.length);
  }, 300_000);
});
