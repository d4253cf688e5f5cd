// runLabTests inside a real tslab kernel: the test cell of a lab notebook shows one results
// table and returns the outcomes. Notebooks import the BUILT package: run `npm run build` first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeRun, ensureKernel, executeNotebook } from 'distlab/notebook';

const root = path.resolve(__dirname, '..');
const labDir = path.join(__dirname, 'fixtures', 'labs', 'ping');

function code(source: string): object {
  return { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source };
}

describe('Notebook helper in a tslab kernel', () => {
  test('runLabTests shows a table (HTML + text) and returns outcomes', async () => {
    if (!fs.existsSync(path.join(root, 'node_modules', 'distlab', 'testing', 'index.js'))) {
      throw new Error('node_modules/distlab/testing is missing: notebooks import the built package. Run `npm run build` first.');
    }
    // tslab compiles only .ts files under the notebook's folder: put the notebook next to a copy of lab.ts.
    const folder = fs.mkdtempSync(path.join(labDir, '.kernel-'));
    try {
      fs.copyFileSync(path.join(labDir, 'lab.ts'), path.join(folder, 'lab.ts'));
      const implementation = fs
        .readFileSync(path.join(labDir, 'solutions', 'correct.ts'), 'utf8')
        .replace("import { reply } from './helpers';", 'function reply(n: number) { return { n: n + 1 }; }')
        .replace('export class', 'class');
      const notebook = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } },
        cells: [
          code(implementation),
          code("// distlab: test\nimport { runLabTests } from 'distlab/testing';\nimport { pingLab } from './lab';\nconst outcomes = await runLabTests(pingLab, { PingNode: PingNode }, { seeds: 2 });\noutcomes.map((o) => o.passed).join(',')\n"),
        ],
      };
      const file = path.join(folder, 'probe.ipynb');
      fs.writeFileSync(file, JSON.stringify(notebook));
      const run = await executeNotebook(file, { cellTimeoutMs: 120_000, kernel: ensureKernel() });
      expect(run.ok, describeRun(run)).toBe(true);
      const testCell = run.cells[1]!;
      expect(testCell.stdout).toContain('true,true,true,true');
      expect(testCell.displays).toEqual([['text/html', 'text/plain']]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
