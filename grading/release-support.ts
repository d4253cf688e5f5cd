/**
 * Helpers shared by the release tests (grading/release.test.ts in `npm test`, grading/e2e.test.ts
 * behind `npm run test:grading-e2e`): unpack autograder.zip into a root laid out like
 * Gradescope's and run its `run_autograder` on a submission. Not shipped (only grading/grader,
 * hidden, config and gradescope go into the package).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { runnerPython } from 'distlab/notebook';
import { gradescopeResultsSchema, type GradescopeResultsChecked } from './grader/results-schema';
import { processesNaming, testFolder } from './grader/test-support';
import { readGradingConfig, referenceModule } from './grader/config';
import { applyMutant, writeSubmission } from './mutants/mutant';
import { raftMutants } from './mutants/raft/mutants';

export const root = path.resolve(__dirname, '..');

export function jupyterAvailable(): boolean {
  try {
    runnerPython();
    return true;
  } catch {
    return false;
  }
}

/** The built files the release needs; built once if missing. */
export function ensureReleaseBuilt(): void {
  const needed = ['dist/src/cli/main.js', 'dist/grading/grader/cli.js', 'dist/grading/gradescope/release.js', 'dist/labs/raft/lab.js'];
  if (needed.some((file) => !fs.existsSync(path.join(root, file)))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

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

export function unzip(archive: string, target?: string): string {
  return execFileSync('python3', ['-c', unzipScript, archive, ...(target === undefined ? [] : [target])], { maxBuffer: 64 * 1024 * 1024 }).toString();
}

/** A temporary root laid out like Gradescope's (source/ holds the unpacked zip), removed by `removeTestFolders()` (grader/test-support.ts). */
export function gradescopeRoot(zip: string): string {
  const gradescope = testFolder('distlab-gradescope-');
  const source = path.join(gradescope, 'source');
  fs.mkdirSync(source, { recursive: true });
  unzip(zip, source);
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
export function autograderEnvironment(gradescope: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const tmp = testFolder('distlab-autograder-tmp-');
  fs.chmodSync(tmp, 0o1777); // as /tmp is
  return { ...process.env, TMPDIR: tmp, DISTLAB_AUTOGRADER_ROOT: gradescope, DISTLAB_GRADE_SEEDS: '1', DISTLAB_GRADE_JOBS: '2', ...extra };
}

export function placeSubmission(gradescope: string, name: string, text: string): void {
  const submission = path.join(gradescope, 'submission');
  fs.rmSync(submission, { recursive: true, force: true });
  fs.rmSync(path.join(gradescope, 'results'), { recursive: true, force: true });
  fs.mkdirSync(submission);
  fs.writeFileSync(path.join(submission, name), text);
}

/** Runs run_autograder on `text` (as the file `name`) and returns its results.json, checked against Gradescope's schema. */
export function runAutograder(gradescope: string, text: string, options: { name?: string; env?: NodeJS.ProcessEnv } = {}): GradescopeResultsChecked {
  placeSubmission(gradescope, options.name ?? 'raft.ts', text);
  const env = autograderEnvironment(gradescope, options.env);
  execFileSync(path.join(gradescope, 'source', 'run_autograder'), [], { cwd: gradescope, env, stdio: 'pipe' });
  expect(processesNaming(env.TMPDIR ?? '')).toEqual([]);
  return gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(gradescope, 'results', 'results.json'), 'utf8')));
}

/** Waits (at most `attempts` x 100 ms) until `ready()`; the wait is bounded, the test asserts no duration. */
export async function until(ready: () => boolean, attempts: number): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return ready();
}

/**
 * The reference Raft as a student would submit it (its imports of the lab rewritten to
 * `./types` and the like, which the grader stages beside it), with the named mutant's edits.
 */
export function raftSubmission(mutant: string | null = null): string {
  const reference = fs.readFileSync(referenceModule(readGradingConfig(path.join(root, 'grading', 'config', 'raft.json'))), 'utf8');
  const found = mutant === null ? null : raftMutants.find((candidate) => candidate.name === mutant);
  if (found === undefined) throw new Error(`no Raft mutant named ${mutant}`);
  const code = found === null ? reference : applyMutant(reference, found);
  return fs.readFileSync(writeSubmission(testFolder('distlab-submissions-'), 'raft.ts', code, 'raft', root), 'utf8');
}

/** Attacks on the released package through run_autograder: each must score 0 and say why. */
export const releasedAttacks: readonly [{ name: string; file: string; text: string; message: RegExp }, ...Array<{ name: string; file: string; text: string; message: RegExp }>] = [
  { name: 'a notebook that is not JSON', file: 'raft.ipynb', text: '{"cells": [ {"cell_type": "code", "source": "export class Raft {}" ', message: /could not be used|not valid JSON|not a notebook/i },
  { name: 'escape hatches and signals at import', file: 'raft.ts', text: "const p = process as unknown as Record<string, (...args: unknown[]) => unknown>;\nfor (const attempt of [() => p.getBuiltinModule?.('node:child_process'), () => p._kill?.(-1, 9), () => p.kill?.(0, 'SIGKILL'), () => p.binding?.('fs')]) attempt();\nexport class Raft {}\n", message: /is not allowed while grading/ },
  { name: 'a garbage frame written to the grader channel at import', file: 'raft.ts', text: "declare const require: (name: string) => { writeSync(fd: number, data: Uint8Array): number };\ntry { require('node:fs').writeSync(3, new Uint8Array([255, 255, 255, 255, 1])); } catch { /* refused */ }\nexport class Raft {}\n", message: /not allowed while grading|interfered with the grader's channel|threw while loading/ },
];
