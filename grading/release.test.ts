/**
 * `distlab release`: the handout is clean and passes its own checks (the stripped lab notebook
 * compiles and its public tests fail cleanly against it, as against the skeleton), and the
 * autograder.zip, unpacked into a root laid out like Gradescope's, grades the reference with
 * full marks and a mutant with less.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, executeNotebook, runnerPython } from 'distlab/notebook';
import { compileImplementation, evaluateImplementation, implementationFor, loadLab, runTest } from 'distlab/testing';
import { release, stripSolutionRegions, type ReleaseReport } from './gradescope/release';
import { readGradingConfig, referenceModule } from './grader/config';
import { gradescopeResultsSchema, type GradescopeResultsChecked } from './grader/results-schema';
import { processesNaming } from './grader/test-support';
import { answerLines, auditAutograder } from './gradescope/audit';
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

/** A fresh TMPDIR per run: every grading worker's command line names it (no process may be left). */
function autograderEnvironment(gradescope: string): NodeJS.ProcessEnv {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-autograder-tmp-'));
  fs.chmodSync(tmp, 0o1777); // as /tmp is
  return { ...process.env, TMPDIR: tmp, DISTLAB_AUTOGRADER_ROOT: gradescope, DISTLAB_GRADE_SEEDS: '1', DISTLAB_GRADE_JOBS: '2' };
}

function placeSubmission(gradescope: string, name: string, text: string): void {
  const submission = path.join(gradescope, 'submission');
  fs.rmSync(submission, { recursive: true, force: true });
  fs.rmSync(path.join(gradescope, 'results'), { recursive: true, force: true });
  fs.mkdirSync(submission);
  fs.writeFileSync(path.join(submission, name), text);
}

function runAutograder(gradescope: string, submissionFile: string, name = 'raft.ts'): GradescopeResultsChecked {
  placeSubmission(gradescope, name, fs.readFileSync(submissionFile, 'utf8'));
  const env = autograderEnvironment(gradescope);
  execFileSync(path.join(gradescope, 'source', 'run_autograder'), [], { cwd: gradescope, env, stdio: 'pipe' });
  expect(processesNaming(env.TMPDIR ?? '')).toEqual([]);
  return gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(gradescope, 'results', 'results.json'), 'utf8')));
}

/** Waits (at most `attempts` x 100 ms) until `ready()`; the wait is bounded, the test asserts no duration. */
async function until(ready: () => boolean, attempts: number): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return ready();
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
    const good = runAutograder(gradescope, referenceFile);
    expect(good.score).toBe(100);
    const mutant = raftMutants.find((candidate) => candidate.name === 'figure8-commit-rule');
    const mutantFile = writeSubmission(path.join(work, 'mutant'), 'raft.ts', applyMutant(reference, mutant!), 'raft', root);
    const bad = runAutograder(gradescope, mutantFile);
    expect(bad.score).toBeLessThan(100);
    expect(bad.tests.find((test) => test.name.includes('HiddenFigure8Scripted3C'))?.status).toBe('failed');
    // Two whole gradings (about 70 s on an idle machine): a bound against a hang, not a timing.
  }, 400_000);
});

describe('release: autograder.zip under attack', () => {
  let gradescope: string;
  beforeAll(() => {
    gradescope = gradescopeRoot();
  });

  it('refuses to ship answers: a reference solution under any name is found by its lines', () => {
    const reference = fs.readFileSync(path.join(root, 'grading', 'solutions', 'raft', 'raft.ts'), 'utf8').replaceAll('// BEGIN SOLUTION', '//');
    const answers = answerLines(root);
    expect(auditAutograder([{ name: 'distlab/labs/raft/notes.ts', data: Buffer.from(reference) }], answers)).toEqual([expect.stringMatching(/notes\.ts: carries \d+ lines of a reference solution/)]);
    expect(auditAutograder([{ name: 'distlab/grading/solutions/raft/raft.ts', data: Buffer.from('x') }], answers)).toEqual([expect.stringMatching(/instructor material/)]);
    expect(auditAutograder([{ name: 'distlab/labs/raft/raft.ts', data: Buffer.from(fs.readFileSync(path.join(root, 'labs', 'raft', 'raft.ts'))) }], answers)).toEqual([]);
  });

  const attacks: ReadonlyArray<{ name: string; file: string; text: string; message: RegExp }> = [
    { name: 'a notebook that is not JSON', file: 'raft.ipynb', text: '{"cells": [ {"cell_type": "code", "source": "export class Raft {}" ', message: /could not be used|not valid JSON|not a notebook/i },
    { name: 'escape hatches and signals at import', file: 'raft.ts', text: "const p = process as unknown as Record<string, (...args: unknown[]) => unknown>;\nfor (const attempt of [() => p.getBuiltinModule?.('node:child_process'), () => p._kill?.(-1, 9), () => p.kill?.(0, 'SIGKILL'), () => p.binding?.('fs')]) attempt();\nexport class Raft {}\n", message: /is not allowed while grading/ },
    { name: 'a garbage frame written to the grader channel at import', file: 'raft.ts', text: "declare const require: (name: string) => { writeSync(fd: number, data: Uint8Array): number };\ntry { require('node:fs').writeSync(3, new Uint8Array([255, 255, 255, 255, 1])); } catch { /* refused */ }\nexport class Raft {}\n", message: /not allowed while grading|interfered with the grader's channel|threw while loading/ },
  ];
  for (const attack of attacks) {
    it(`${attack.name}: zero, a sentence, a valid results.json, no process left`, () => {
      placeSubmission(gradescope, attack.file, attack.text);
      const env = autograderEnvironment(gradescope);
      execFileSync(path.join(gradescope, 'source', 'run_autograder'), [], { cwd: gradescope, env, stdio: 'pipe' });
      const results = gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(gradescope, 'results', 'results.json'), 'utf8')));
      expect(results.score).toBe(0);
      expect([results.output, ...results.tests.map((test) => test.output)].join('\n')).toMatch(attack.message);
      expect(processesNaming(env.TMPDIR ?? '')).toEqual([]);
    }, 120_000);
  }

  it('a grader killed mid-run: run_autograder still writes a valid results.json, and no worker is left', async () => {
    const reference = fs.readFileSync(referenceModule(readGradingConfig(path.join(root, 'grading', 'config', 'raft.json'))), 'utf8');
    const staged = writeSubmission(fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-submissions-')), 'raft.ts', reference, 'raft', root);
    placeSubmission(gradescope, 'raft.ts', fs.readFileSync(staged, 'utf8'));
    const env = autograderEnvironment(gradescope);
    const tmp = env.TMPDIR ?? '';
    const runner = spawn(path.join(gradescope, 'source', 'run_autograder'), [], { cwd: gradescope, env, stdio: 'ignore' });
    const finished = new Promise<number | null>((resolve) => runner.on('exit', resolve));
    // A worker exists once some process names the run's TMPDIR (only workers do); then kill the grader, only it.
    expect(await until(() => processesNaming(tmp).length > 0, 1800)).toBe(true);
    const grader = processesNaming(path.join(gradescope, 'submission')).filter((line) => line.includes('distlab.js grade'));
    expect(grader).toHaveLength(1);
    process.kill(Number((grader[0] ?? '').split(':')[0]), 'SIGKILL');
    expect(await finished).toBe(0);
    const results = gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(gradescope, 'results', 'results.json'), 'utf8')));
    expect(results.output).toMatch(/could not grade this submission/);
    expect(await until(() => processesNaming(tmp).length === 0, 100)).toBe(true);
  }, 180_000);
});
