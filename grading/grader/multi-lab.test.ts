/**
 * Grading a lab that runs on an earlier lab's code (lab 4 on the student's lab-3 Raft): the
 * submission's layout (stage.ts), clear errors for a missing or broken lab-3 file, and whole
 * gradings of part 4A whose verdict follows the Raft the submission brings, as a notebook and
 * as a module.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileStaged, grade } from './grade';
import { namedExtension, stageSubmission, uploadAdvice } from './stage';

const root = path.resolve(__dirname, '..', '..');
const solutions = path.join(root, 'grading', 'solutions');
const temporary: string[] = [];

function folder(prefix: string): string {
  const created = fs.mkdtempSync(path.join(os.tmpdir(), `distlab-${prefix}-`));
  temporary.push(created);
  return created;
}

afterAll(() => {
  for (const created of temporary) fs.rmSync(created, { recursive: true, force: true });
});

/** A lab-3 mistake lab 4 shows (a partitioned leader commits alone), as the same text edit on raft.ts and raft.ipynb. */
const buggyRaft = { find: 'if (replicas >= rf.majority)', replace: 'if (replicas >= rf.majority - 1)' };

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function edited(text: string, buggy: boolean): string {
  if (!buggy) return text;
  expect(text.split(buggyRaft.find)).toHaveLength(2);
  return text.replace(buggyRaft.find, buggyRaft.replace);
}

/** The instructor notebooks as a student would submit them: kvraft/kvraft.ipynb and raft/raft.ipynb. */
function notebookSubmission(buggy: boolean): string {
  const submission = folder('kvraft-nb');
  const kvraft = fs.readFileSync(path.join(solutions, 'kvraft', 'kvraft.ipynb'), 'utf8').split('../../../dist/labs/kvraft/').join('./');
  write(path.join(submission, 'kvraft', 'kvraft.ipynb'), kvraft);
  write(path.join(submission, 'raft', 'raft.ipynb'), edited(fs.readFileSync(path.join(solutions, 'raft', 'raft.ipynb'), 'utf8'), buggy));
  return submission;
}

/** The reference modules as a student's files: kvraft.ts and raft.ts side by side (a flat upload). */
function moduleSubmission(buggy: boolean): string {
  const submission = folder('kvraft-ts');
  write(path.join(submission, 'kvraft.ts'), fs.readFileSync(path.join(solutions, 'kvraft', 'kvraft.ts'), 'utf8').split('../../../labs/kvraft/').join('./'));
  write(path.join(submission, 'raft.ts'), edited(fs.readFileSync(path.join(solutions, 'raft', 'raft.ts'), 'utf8'), buggy).split('../../../labs/raft/').join('./'));
  return path.join(submission, 'kvraft.ts');
}

/** Part 4A only, one grading seed (and two of its tests, below): the layout is what is tested, not the whole lab. */
function config4A(): string {
  const config = { lab: 'kvraft', parts: { '4A': 100 }, seeds: 1, seedBase: 5840, support: [path.join(root, 'labs', 'kvraft')], uses: ['raft'] };
  return write(path.join(folder('kvraft-config'), 'kvraft.json'), JSON.stringify(config));
}

/** Two tests of part 4A: the first Inc, and the partitioned leader a Raft that commits without a majority fails. */
const gradedTests = ['TestBasic4A', 'TestLeaderPartition4A'];

function gradeKvraft(submission: string, configFile = config4A()) {
  return grade({ submission, lab: 'kvraft', configFile, tests: gradedTests, jobs: 1, pages: false, isolation: 'in-process', outDir: folder('kvraft-out') });
}

describe('submission layout (stage.ts)', () => {
  const slot = (lab: string) => ({ lab, support: [path.join(root, 'labs', lab)] });

  it('stages one folder per lab beside its own public files, from folders, a flat upload or the handout', () => {
    const layouts: Array<[string, (base: string) => string]> = [
      ['folders', (base) => (write(path.join(base, 'raft', 'raft.ipynb'), '{}'), write(path.join(base, 'kvraft', 'kvraft.ipynb'), '{}'), base)],
      ['flat', (base) => (write(path.join(base, 'raft.ipynb'), '{}'), write(path.join(base, 'kvraft.ipynb'), '{}'))],
      ['handout', (base) => (write(path.join(base, 'labs', 'raft', 'raft.ipynb'), '{}'), write(path.join(base, 'labs', 'kvraft', 'kvraft.ipynb'), '{}'))],
    ];
    for (const [name, make] of layouts) {
      const stage = folder(`stage-${name}`);
      const staged = stageSubmission(make(folder(`layout-${name}`)), stage, slot('kvraft'), [slot('raft')]);
      expect(path.relative(stage, staged.main)).toBe(path.join('labs', 'kvraft', 'kvraft.ipynb'));
      expect(staged.earlier.map((earlier) => path.relative(stage, earlier.file))).toEqual([path.join('labs', 'raft', 'raft.ipynb')]);
      // Each lab's types.ts in its own folder: they no longer collide.
      expect(fs.readFileSync(path.join(stage, 'labs', 'raft', 'types.ts'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'labs', 'raft', 'types.ts'), 'utf8'));
      expect(fs.readFileSync(path.join(stage, 'labs', 'kvraft', 'types.ts'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'labs', 'kvraft', 'types.ts'), 'utf8'));
    }
  });

  it('says what to upload when the lab-3 file is missing, and takes the file the lab-4 code names', () => {
    const base = folder('missing');
    write(path.join(base, 'kvraft.ts'), "import { lab3Raft } from './lab3';\n// lab3Raft('../raft/raft.ipynb') in a comment does not count\nexport const Raft = lab3Raft('../raft/raft.ts');\n");
    expect(namedExtension(path.join(base, 'kvraft.ts'), 'raft')).toBe('.ts');
    write(path.join(base, 'raft.ipynb'), '{}');
    const attempt = () => stageSubmission(path.join(base, 'kvraft.ts'), folder('stage-missing'), slot('kvraft'), [slot('raft')]);
    expect(attempt).toThrow(/runs on your own raft lab, but the submission has no raft\.ts \(your kvraft code loads its raft code from raft\.ts\)/);
    expect(attempt).toThrow(uploadAdvice('kvraft', ['raft']));
    fs.rmSync(path.join(base, 'raft.ipynb'));
    expect(attempt).toThrow(/no raft\.ts/);
    write(path.join(base, 'raft.ts'), 'export class Raft {}\n');
    expect(attempt().earlier[0]?.submitted).toBe('raft.ts');
  });

  it('refuses symbolic links, which could bring in the reference or any file of the grading machine', () => {
    const base = folder('link');
    write(path.join(base, 'kvraft.ts'), "export { Raft } from '../raft/raft';\n");
    fs.symlinkSync(path.join(solutions, 'raft', 'raft.ts'), path.join(base, 'raft.ts'));
    expect(() => stageSubmission(path.join(base, 'kvraft.ts'), folder('stage-link'), slot('kvraft'), [slot('raft')])).toThrow(/raft\.ts is a symbolic link; submit the file itself/);
  });
});

describe('grading lab 4 on the Raft the submission brings', () => {
  it('names the lab-3 notebook that does not compile, by cell and line', () => {
    const submission = folder('broken');
    write(path.join(submission, 'kvraft', 'kvraft.ts'), 'export class RSM {\n  submit(): void {}\n}\n');
    const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
    const notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell('const majority = 2;\n'), cell('export class Raft {\n  start(): number { return majority + "1"; }\n}\n')] };
    write(path.join(submission, 'raft', 'raft.ipynb'), JSON.stringify(notebook));
    const staged = stageSubmission(submission, folder('stage-broken'), { lab: 'kvraft', support: [] }, [{ lab: 'raft', support: [] }]);
    expect(() => compileStaged(staged, root)).toThrow(/^your raft lab \(raft\/raft\.ipynb\), which this lab runs on: raft\/raft\.ipynb does not compile .*raft\.ipynb cell 2, line 2, column \d+: Type 'string' is not assignable to type 'number'/s);
  });

  it('grades notebooks: full marks over the reference Raft, fewer over a buggy one', async () => {
    const reference = await gradeKvraft(notebookSubmission(false));
    expect(reference.loadError).toBeNull();
    expect(reference.results.score).toBe(100);
    const buggy = await gradeKvraft(notebookSubmission(true));
    expect(buggy.loadError).toBeNull();
    expect(buggy.results.score).toBeLessThan(100);
  });

  it('grades modules (kvraft.ts with raft.ts beside it): the verdict follows the Raft too', async () => {
    const reference = await gradeKvraft(moduleSubmission(false));
    expect(reference.loadError).toBeNull();
    expect(reference.results.score).toBe(100);
    const buggy = await gradeKvraft(moduleSubmission(true));
    expect(buggy.results.score).toBeLessThan(100);
    expect(buggy.verdicts.filter((verdict) => !verdict.passed).map((verdict) => verdict.name)).toContain('TestLeaderPartition4A');
  });
});
