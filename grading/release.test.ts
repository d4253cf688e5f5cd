/**
 * `distlab release`: the handout is clean and passes its own checks (the stripped lab notebook
 * compiles and its public tests fail cleanly against it, as against the skeleton), and the
 * autograder.zip, unpacked into a root laid out like Gradescope's, grades the reference with
 * full marks and a mutant with less.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, executeNotebook, runnerPython } from 'distlab/notebook';
import { compileImplementation, evaluateImplementation, implementationFor, loadLab, runTest } from 'distlab/testing';
import { release, stripSolutionRegions, type ReleaseReport } from './gradescope/release';
import { readGradingConfig, referenceModule } from './grader/config';
import { gradescopeResultsSchema } from './grader/results-schema';
import { applyMutant, writeSubmission } from './mutants/mutant';
import { raftMutants } from './mutants/raft/mutants';

const root = path.resolve(__dirname, '..');
let report: ReleaseReport;

function jupyterAvailable(): boolean {
  try {
    runnerPython();
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  const needed = ['dist/src/cli/main.js', 'dist/grading/grader/cli.js', 'dist/grading/gradescope/release.js', 'dist/labs/raft/lab.js'];
  if (needed.some((file) => !fs.existsSync(path.join(root, file)))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  report = release({ out: fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-release-')), lab: 'raft' });
}, 300_000);

describe('release: the handout', () => {
  it.skipIf(!jupyterAvailable())('its lab notebook runs top to bottom in Jupyter: code cells run, test cells report failures', async () => {
    // The handout is installed next to the checkout's packages (a student runs npm install).
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(report.handout, 'node_modules'));
    const run = await executeNotebook(path.join(report.handout, 'labs', 'raft', 'raft.ipynb'), { cellTimeoutMs: 120_000 });
    expect(run.ok, describeRun(run)).toBe(true);
    const failing = run.cells.filter((cell) => /\(seed \d+\) failed: /.test(cell.stdout ?? ''));
    expect(failing.length).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it('strips regions to one TODO line, keeping indentation and part', () => {
    const stripped = stripSolutionRegions('a\n  // BEGIN SOLUTION (3B)\n  secret();\n  // END SOLUTION\nb', 'x.ts');
    expect(stripped).toEqual({ code: 'a\n  // TODO: your code here (3B).\nb', regions: 1 });
    expect(() => stripSolutionRegions('// BEGIN SOLUTION\n', 'x.ts')).toThrow(/without END/);
  });

  it('holds labs, notebooks and the runtime, and nothing of grading/', () => {
    expect(fs.existsSync(path.join(report.handout, 'labs', 'raft', 'raft.ipynb'))).toBe(true);
    expect(fs.existsSync(path.join(report.handout, 'labs', 'raft', 'tests', '3a.ts'))).toBe(true);
    expect(fs.existsSync(path.join(report.handout, 'src', 'index.ts'))).toBe(true);
    expect(fs.existsSync(path.join(report.handout, 'grading'))).toBe(false);
    // labs/ already holds the student versions (npm run notebooks strips them); nothing is left to strip.
    expect(report.strippedRegions).toBe(0);
    const notebook = fs.readFileSync(path.join(report.handout, 'labs', 'raft', 'raft.ipynb'), 'utf8');
    expect(notebook).not.toMatch(/BEGIN SOLUTION/);
    expect(notebook).toMatch(/Your code here \(3A\)/);
    expect(notebook).not.toContain('votesGranted$.next()');
  });

  it('its stripped lab notebook compiles, and the public tests fail cleanly against it and the skeleton', async () => {
    const { lab } = await loadLab({ name: 'raft' });
    const test = lab.tests.find((candidate) => candidate.name === 'TestInitialElection3A');
    expect(test).toBeDefined();
    for (const file of ['labs/raft/raft.ipynb', 'labs/raft/raft.ts']) {
      const compiled = compileImplementation(path.join(report.handout, file));
      const impl = implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
      const { outcome } = await runTest(lab, test!, impl, 1, { reporter: null });
      expect(outcome.passed).toBe(false);
      expect(outcome.failure).toMatch(/leader/);
    }
  });
});

/**
 * Lists or extracts a zip with Python's zipfile (an implementation independent of ours, and
 * python3 is there wherever Jupyter is), keeping Unix modes. Prints "mode name" per entry.
 */
const unzipScript = `
import os, sys, zipfile
archive, target = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
with zipfile.ZipFile(archive) as z:
    assert z.testzip() is None
    for info in z.infolist():
        mode = (info.external_attr >> 16) & 0o777
        print(oct(mode), info.filename)
        if target:
            path = z.extract(info, target)
            os.chmod(path, mode)
`;

function unzip(archive: string, target?: string): string {
  return execFileSync('python3', ['-c', unzipScript, archive, ...(target === undefined ? [] : [target])], { maxBuffer: 64 * 1024 * 1024 }).toString();
}

function gradescopeRoot(): string {
  const gradescope = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-gradescope-'));
  const source = path.join(gradescope, 'source');
  fs.mkdirSync(source, { recursive: true });
  unzip(report.zip, source);
  // setup.sh would `npm ci` here (no network in tests): link the checkout's packages instead.
  const modules = path.join(source, 'distlab', 'node_modules');
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(path.join(root, 'node_modules'))) {
    if (name !== 'distlab') fs.symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
  }
  execFileSync('node', [path.join(source, 'distlab', 'scripts', 'link-package.js')]);
  return gradescope;
}

function runAutograder(gradescope: string, submissionFile: string): unknown {
  const submission = path.join(gradescope, 'submission');
  fs.rmSync(submission, { recursive: true, force: true });
  fs.rmSync(path.join(gradescope, 'results'), { recursive: true, force: true });
  fs.mkdirSync(submission);
  fs.copyFileSync(submissionFile, path.join(submission, 'raft.ts'));
  execFileSync(path.join(gradescope, 'source', 'run_autograder'), [], {
    cwd: gradescope,
    env: { ...process.env, DISTLAB_AUTOGRADER_ROOT: gradescope, DISTLAB_GRADE_SEEDS: '1', DISTLAB_GRADE_JOBS: '2' },
    stdio: 'pipe',
  });
  return JSON.parse(fs.readFileSync(path.join(gradescope, 'results', 'results.json'), 'utf8'));
}

describe('release: autograder.zip', () => {
  it('has setup.sh and run_autograder at its root, executable, and no reference solution', () => {
    const listing = unzip(report.zip);
    expect(listing).toMatch(/^0o755 setup\.sh$/m);
    expect(listing).toMatch(/^0o755 run_autograder$/m);
    expect(listing).not.toMatch(/solutions|mutants|fixtures|adversarial/);
    expect(listing).toMatch(/distlab\/grading\/hidden\/raft\/index\.ts/);
  });

  it('grades the reference with full marks and a mutant with less, in a Gradescope-like root', () => {
    const gradescope = gradescopeRoot();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-submissions-'));
    const reference = fs.readFileSync(referenceModule(readGradingConfig(path.join(root, 'grading', 'config', 'raft.json'))), 'utf8');
    const referenceFile = writeSubmission(path.join(work, 'reference'), 'raft.ts', reference, 'raft', root);
    const good = gradescopeResultsSchema.parse(runAutograder(gradescope, referenceFile));
    expect(good.score).toBe(100);
    const mutant = raftMutants.find((candidate) => candidate.name === 'figure8-commit-rule');
    const mutantFile = writeSubmission(path.join(work, 'mutant'), 'raft.ts', applyMutant(reference, mutant!), 'raft', root);
    const bad = gradescopeResultsSchema.parse(runAutograder(gradescope, mutantFile));
    expect(bad.score).toBeLessThan(100);
    expect(bad.tests.find((test) => test.name.includes('HiddenFigure8Scripted3C'))?.status).toBe('failed');
  });
});
