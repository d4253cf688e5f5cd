// The one notebook builder (src/notebook/build, run by `npm run notebooks`): every generated
// notebook and skeleton is committed up to date with its markdown source, and the format does
// what docs/notebooks.md ("Notebook sources") says.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allBuildOutputs, buildSource, notebookSources, parseNotebookSource, staleOutputs } from '../src/notebook/build';

const root = path.resolve(__dirname, '..');

/** A scratch checkout holding `files` (repository-relative path -> text). */
function scratchRepo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-build-'));
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  }
  return dir;
}

function codeOf(text: string): string[] {
  const notebook = JSON.parse(text) as { cells: Array<{ cell_type: string; source: string[] }> };
  return notebook.cells.filter((cell) => cell.cell_type === 'code').map((cell) => cell.source.join(''));
}

describe('notebook builder: the committed files', () => {
  it('Notebooks: every generated notebook and skeleton is up to date with its source (rebuild: npm run notebooks)', () => {
    const outputs = allBuildOutputs(root);
    expect(staleOutputs(root, outputs).map((output) => `${output.target} (from ${output.source})`)).toEqual([]);
    const targets = outputs.map((output) => output.target);
    for (const expected of ['notebooks/00-runtime-tour.ipynb', 'notebooks/01-introduction-and-mapreduce.ipynb', 'labs/raft/raft.ipynb', 'labs/raft/raft.ts', 'labs/mapreduce/mapreduce.ipynb']) {
      expect(targets).toContain(expected);
    }
  });

  it('Notebooks: every notebook under notebooks/ and labs/ has a source', () => {
    const targets = new Set(allBuildOutputs(root).map((output) => output.target));
    const notebooks = ['notebooks', 'labs'].flatMap((top) => fs.readdirSync(path.join(root, top), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ipynb') && !name.includes('.ipynb_checkpoints')).map((name) => path.join(top, name)));
    expect(notebooks.filter((notebook) => !targets.has(notebook))).toEqual([]);
    expect(notebookSources(root).length).toBeGreaterThanOrEqual(6);
  });
});

describe('notebook builder: the source format', () => {
  it('Notebooks: ```ts blocks become code cells, the text between them markdown cells, <!-- cell --> splits markdown', () => {
    const source = parseNotebookSource('# Title\n\nIntro.\n\n```ts\nconst x = 1;\n```\nAfter.\n<!-- cell -->\nNext.\n\n```typescript\nshown as markdown\n```\n', 'inline.md');
    expect(source.cells).toEqual([
      { kind: 'markdown', text: '# Title\n\nIntro.' },
      { kind: 'code', text: 'const x = 1;' },
      { kind: 'markdown', text: 'After.' },
      { kind: 'markdown', text: 'Next.\n\n```typescript\nshown as markdown\n```' },
    ]);
    expect(() => parseNotebookSource('```ts\nopen', 'broken.md')).toThrow(/broken.md:1: a ```ts block is never closed/);
    expect(() => parseNotebookSource('---\nnotebok: x\n---\n', 'typo.md')).toThrow(/typo.md:2: front matter lines are `key: value` with key one of/);
  });

  it('Notebooks: a lab source gives the student notebook (regions stripped), the instructor notebook and the skeleton', () => {
    const reference = [
      '/** The reference. */',
      "import type { X } from '../../../labs/demo/types';",
      '// notebook: state 9A',
      'let answer = 0;',
      '// notebook: step',
      'function step(): number {',
      '  // BEGIN SOLUTION (9B)',
      '  answer = 42;',
      '  // END SOLUTION',
      '  return answer;',
      '}',
    ].join('\n');
    const source = [
      '---',
      'notebook: labs/demo/demo.ipynb',
      'instructor: grading/solutions/demo/demo.ipynb',
      'skeleton: grading/solutions/demo/demo.ts -> labs/demo/demo.ts',
      '---',
      '```ts skeleton-header',
      '/** Your demo. */',
      '```',
      '# Demo',
      '```ts',
      '// include: grading/solutions/demo/demo.ts#step',
      '```',
      '```ts',
      '// include: grading/solutions/demo/demo.ts#state; student: labs/demo/start.ts#state',
      '```',
    ].join('\n');
    const repo = scratchRepo({ 'grading/solutions/demo/demo.ts': reference, 'grading/solutions/demo/demo.notebook.md': source, 'labs/demo/start.ts': '// notebook: state\nexport let answer = -1;\n' });
    const outputs = Object.fromEntries(buildSource(repo, 'grading/solutions/demo/demo.notebook.md').map((output) => [output.kind, output]));
    expect(codeOf(outputs.notebook!.text)).toEqual(['function step(): number {\n  // Your code here (9B).\n  return answer;\n}', 'let answer = -1;']);
    expect(codeOf(outputs.instructor!.text)).toEqual(['function step(): number {\n  // BEGIN SOLUTION (9B)\n  answer = 42;\n  // END SOLUTION\n  return answer;\n}', 'let answer = 0;']);
    expect(outputs.skeleton!.target).toBe('labs/demo/demo.ts');
    expect(outputs.skeleton!.text).toBe("/** Your demo. */\nimport type { X } from './types';\n\n// notebook: state 9A\nlet answer = 0;\n\n// notebook: step\nfunction step(): number {\n  // Your code here (9B).\n  return answer;\n}\n");
  });

  it('Notebooks: `imports:` points the instructor notebook\'s ./x imports into the built lab (it runs in grading/), the student\'s stay local', () => {
    const source = "---\nnotebook: labs/demo/demo.ipynb\ninstructor: grading/solutions/demo/demo.ipynb\nimports: dist/labs/demo\n---\n```ts\nimport { run } from './notebook';\nimport { World } from 'distlab';\n```\n";
    const repo = scratchRepo({ 'grading/solutions/demo/demo.notebook.md': source });
    const outputs = Object.fromEntries(buildSource(repo, 'grading/solutions/demo/demo.notebook.md').map((output) => [output.kind, output]));
    expect(codeOf(outputs.notebook!.text)).toEqual(["import { run } from './notebook';\nimport { World } from 'distlab';"]);
    expect(codeOf(outputs.instructor!.text)).toEqual(["import { run } from '../../../dist/labs/demo/notebook';\nimport { World } from 'distlab';"]);
    fs.writeFileSync(path.join(repo, 'grading/solutions/demo/demo.notebook.md'), source.replace('instructor: grading/solutions/demo/demo.ipynb\n', ''));
    expect(() => buildSource(repo, 'grading/solutions/demo/demo.notebook.md')).toThrow(/`imports: dist\/labs\/demo` applies to the instructor notebook only/);
  });

  it('Notebooks: a missing region or file is named with what exists', () => {
    const repo = scratchRepo({ 'a.ts': '// notebook: one\nx;\n', 'notebooks/src/09-x.md': '```ts\n// include: a.ts#two\n```\n' });
    expect(() => buildSource(repo, 'notebooks/src/09-x.md')).toThrow(/a.ts has no region "two" \(regions: one\)/);
    fs.writeFileSync(path.join(repo, 'notebooks/src/09-x.md'), '```ts\n// include: b.ts\n```\n');
    expect(() => buildSource(repo, 'notebooks/src/09-x.md')).toThrow(/b.ts does not exist/);
  });

  it('Notebooks: notebooks/src/<path>.md becomes notebooks/<path>.ipynb, subfolders too', () => {
    const repo = scratchRepo({ 'notebooks/src/zh/04-x.md': '# 四\n```ts\n1;\n```\n' });
    const [output] = buildSource(repo, 'notebooks/src/zh/04-x.md');
    expect(output?.target).toBe(path.join('notebooks', 'zh', '04-x.ipynb'));
    expect(output?.text).toContain('"id": "lecture-04-01"');
  });
});
