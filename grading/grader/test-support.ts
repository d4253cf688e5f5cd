/**
 * Helpers shared by the grader's tests (grading/*.test.ts): build the runtime when it is
 * missing, grade against the counter fixture lab.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { grade, type GradeOptions } from './grade';

const root = path.resolve(__dirname, '..', '..');
const fixture = path.join(root, 'grading', 'fixtures', 'counter');

/** Grading workers run the built runtime: build it once if it is missing. */
export function ensureBuilt(): void {
  if (!fs.existsSync(path.join(root, 'dist', 'src', 'testing', 'run-test.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
}

/** Folders the grader's tests made under TMPDIR; `removeTestFolders()` (in afterAll) deletes them. */
const testFolders: string[] = [];

export function testFolder(prefix: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  testFolders.push(folder);
  return folder;
}

export function removeTestFolders(): void {
  for (const folder of testFolders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
}

export function gradeFixture(submission: string, extra: Partial<GradeOptions> = {}) {
  return grade({
    submission,
    lab: 'counter',
    labDir: fixture,
    configFile: path.join(fixture, 'config.json'),
    outDir: testFolder('distlab-grade-test-'),
    // One worker: the fixture's runs take milliseconds, a second worker's start costs more than it saves.
    jobs: 1,
    ...extra,
  });
}


/** Processes (other than zombies) whose command line mentions `text`: a grading's scratch folder names its workers. */
export function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = fs.readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8').split('\0').join(' ');
      if (commandLine.includes(text)) found.push(`${entry}: ${commandLine.slice(0, 200)}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}
