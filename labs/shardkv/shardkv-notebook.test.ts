// Runs the shardkv lab notebooks headlessly through Jupyter and tslab. The student notebook
// (labs/shardkv/shardkv.ipynb: skeleton cells, your labs 2-4 loaded with fromLab from the
// handout's notebooks, public test cells) runs top to bottom as a first "Run All" would: every
// cell compiles and runs, and each test cell reports failures cleanly (a table, the ownership
// picture, the sentence naming what is not written, the replay command), never a crash. The
// instructor notebook (grading/solutions/shardkv/shardkv.ipynb, the references of labs 2-5)
// runs where it lives and passes. Both run a few quick tests per part (DISTLAB_NOTEBOOK_TESTS,
// which runPart reads): every test is `npm run sweep:shardkv`'s job.
// The notebooks import the BUILT package (node_modules/distlab): `npm test` builds first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCells, readNotebook } from 'distlab/notebook';
import { runAndCheck } from '../kvsrv/notebook-check';

const root = path.resolve(__dirname, '../..');
const student = path.join(root, 'labs/shardkv/shardkv.ipynb');
const instructor = path.join(root, 'grading/solutions/shardkv/shardkv.ipynb');
/** One or two quick tests per part; the 5A ones move shards, so the picture has something to show. */
const quickTests = '^(TestBasic|TestJoinBasic5A|TestJoinLeave5B|TestPartitionControllerJoin5C)$';

/** Runs a notebook with the quick tests (runPart reads DISTLAB_NOTEBOOK_TESTS; runPart loads the built lab). */
async function runQuick(notebook: string, result: RegExp): Promise<string[]> {
  if (!fs.existsSync(path.join(root, 'dist/labs/shardkv/lab.js'))) throw new Error('dist/labs/shardkv is missing: runPart loads the built lab. Run `npm run build` first.');
  process.env.DISTLAB_NOTEBOOK_TESTS = quickTests;
  return runAndCheck(notebook, 3, result);
}

describe('labs/shardkv/shardkv.ipynb (the student notebook)', () => {
  it('is committed without outputs, with the tslab kernel, skeleton cells, earlier labs from fromLab and a test cell per part', () => {
    const parsed = readNotebook(student);
    expect(parsed.metadata.kernelspec).toEqual({ name: 'tslab', display_name: 'TypeScript', language: 'typescript' });
    expect(parsed.cells.every((cell) => cell.cell_type !== 'code' || (cell.outputs.length === 0 && cell.execution_count === null))).toBe(true);
    const cells = codeCells(parsed);
    expect(cells.filter((cell) => cell.source.startsWith('// distlab: test')).map((cell) => /runPart\('(\w+)'/.exec(cell.source)?.[1])).toEqual(['5A', '5B', '5C']);
    expect(cells.filter((cell) => /\/\/ Your code here \(5[ABC]\)\./.test(cell.source)).length).toBeGreaterThanOrEqual(6);
    const loader = cells.find((cell) => cell.source.includes('fromLab<'))?.source ?? '';
    for (const [file, name] of [['../kvsrv/kvsrv.ipynb', 'KVServer'], ['../kvsrv/kvsrv.ipynb', 'Clerk'], ['../raft/raft.ipynb', 'Raft'], ['../kvraft/kvraft.ipynb', 'RSM']]) {
      expect(loader).toMatch(new RegExp(`fromLab<\\w+>\\('${file.replace(/\./g, '\\.')}', '${name}', here\\)`));
    }
  });

  it('runs top to bottom over the handout: every cell runs, each test cell reports what is not written, with a table, the picture and the replay command', async () => {
    await runQuick(student, /\(seed 1\) failed: .+is not written yet \(part 5A\).+\nreplay: npx distlab replay shardkv \w+ --seed 1 --impl labs\/shardkv\/shardkv.ipynb/);
  }, 300_000);
});

describe('grading/solutions/shardkv/shardkv.ipynb (the instructor notebook)', () => {
  it('runs headlessly where it lives over the references of labs 2-4: the tests pass, each test cell shows a table and the picture', async () => {
    const outputs = await runQuick(instructor, /\w+ \(seed 1\) passed\nreplay: npx distlab replay shardkv \w+ --seed 1/);
    expect(outputs.join('\n')).not.toMatch(/failed/);
  }, 300_000);
});
