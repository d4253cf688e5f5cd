// `distlab notebook run FILE...` as a person runs it: the built CLI, no JUPYTER_PATH set, a
// failing cell reported by its number with its error text, and a clear exit code.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

function distlab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.JUPYTER_PATH; // the command must find the project's kernel by itself
  const run = spawnSync(process.execPath, [path.join(root, 'bin', 'distlab.js'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 180_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('distlab notebook run', () => {
  it('CLI notebook: reports each failing cell by number with its error text, later cells still run, exit 1', () => {
    const saveTo = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-notebook-run-'));
    const run = distlab(['notebook', 'run', 'test/fixtures/notebooks/failing-cells.ipynb', '--cell-timeout', '120', '--save-to', saveTo]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/failing-cells\.ipynb: FAILED in [\d.]+ s/);
    expect(run.stdout).toMatch(/cell 3 failed \(error\)\n\s+.*deliberate failure in cell 3/);
    expect(run.stdout).toMatch(/cell 5 failed \(error\)\n[\s\S]*not assignable to type 'number'/);
    expect(run.stdout).toMatch(/cell 6 failed \(wrote to stderr\)\n\s+a warning on stderr counts as a failure/);
    const saved = JSON.parse(fs.readFileSync(path.join(saveTo, 'failing-cells.ipynb'), 'utf8')) as { cells: Array<{ outputs?: Array<{ text?: string | string[] }> }> };
    expect(JSON.stringify(saved.cells[6]?.outputs)).toContain('still running, before = 1');
  }, 200_000);

  it('CLI notebook: a missing file is a setup error (exit 2) that names it', () => {
    const run = distlab(['notebook', 'run', 'no/such.ipynb']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('distlab notebook run: no such file: no/such.ipynb\n');
  });
});
