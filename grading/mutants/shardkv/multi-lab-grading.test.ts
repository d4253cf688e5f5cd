/**
 * Grading lab 5 as students submit it: their lab-5 notebook with the lab-2, lab-3 and lab-4
 * notebooks it loads with `fromLab` (grading/config/shardkv.json `uses`; the grader stages the
 * labs as the handout lays them out and compiles them into one module graph, where `fromLab`
 * finds them: a grading worker reads no files). Part 5B only, one grading seed, in process: the
 * layout and the loading are what is tested here, not the whole lab (`npm run sweep:shardkv`).
 * It costs about 28 s of CPU (type-checking four labs' notebooks, twice), over npm test's budget
 * for this lab: `npm run mutants:shardkv` runs it (DISTLAB_ALL_MUTANTS=1), npm test does not.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grade } from '../../grader/grade';

const root = path.resolve(__dirname, '..', '..', '..');
const solutions = path.join(root, 'grading', 'solutions');
const temporary: string[] = [];

afterAll(() => {
  for (const created of temporary) fs.rmSync(created, { recursive: true, force: true });
});

function folder(prefix: string): string {
  const created = fs.mkdtempSync(path.join(os.tmpdir(), `distlab-shardkv-${prefix}-`));
  temporary.push(created);
  return created;
}

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The 5B mistake `no-recovery` (grading/mutants/shardkv): initController leaves a claimed change unfinished. */
const noRecovery = { find: 'if (now.config !== null && next.config !== null && next.config.num === now.config.num + 1) await this.finish(now, next.config);', replace: 'void [now, next];' };

/**
 * The instructor notebooks as a student submits them, one folder per lab: imports of the built
 * lab become the lab's own `./x`, and the lab-5 notebook loads the earlier labs' notebooks (the
 * instructor version loads the reference modules).
 */
function notebookSubmission(buggy: boolean): string {
  const submission = folder('submission');
  const notebook = (lab: string) => fs.readFileSync(path.join(solutions, lab, `${lab}.ipynb`), 'utf8').split(`../../../dist/labs/${lab}/`).join('./');
  let shardkv = notebook('shardkv');
  for (const lab of ['kvsrv', 'raft', 'kvraft']) {
    expect(shardkv).toContain(`'../${lab}/${lab}.ts'`);
    shardkv = shardkv.split(`'../${lab}/${lab}.ts'`).join(`'../${lab}/${lab}.ipynb'`);
  }
  if (buggy) {
    expect(shardkv.split(noRecovery.find)).toHaveLength(2);
    shardkv = shardkv.replace(noRecovery.find, noRecovery.replace);
  }
  write(path.join(submission, 'shardkv', 'shardkv.ipynb'), shardkv);
  for (const lab of ['kvsrv', 'raft', 'kvraft']) write(path.join(submission, lab, `${lab}.ipynb`), notebook(lab));
  return submission;
}

function gradePart5B(submission: string) {
  const config = { lab: 'shardkv', parts: { '5B': 100 }, seeds: 1, seedBase: 5840, hidden: path.join(root, 'grading', 'hidden', 'shardkv', 'index.ts'), support: [path.join(root, 'labs', 'shardkv', 'types.ts'), path.join(root, 'labs', 'shardkv', 'notebook.ts')], uses: ['kvsrv', 'raft', 'kvraft'] };
  const configFile = write(path.join(folder('config'), 'shardkv.json'), JSON.stringify(config));
  return grade({ submission, lab: 'shardkv', configFile, jobs: 1, pages: false, isolation: 'in-process', outDir: folder('out') });
}

describe.runIf(process.env.DISTLAB_ALL_MUTANTS === '1')('grading lab 5 on the labs 2-4 the submission brings', () => {
  it('grades notebooks: full marks for the references, fewer when initController does not recover', async () => {
    const reference = await gradePart5B(notebookSubmission(false));
    expect(reference.loadError).toBeNull();
    expect(reference.results.score).toBe(100);
    const buggy = await gradePart5B(notebookSubmission(true));
    expect(buggy.loadError).toBeNull();
    expect(buggy.results.score).toBeLessThan(100);
    expect(buggy.verdicts.filter((verdict) => !verdict.passed).map((verdict) => verdict.name)).toContain('TestRecoverCtrler5B');
  }, 300_000);
});
