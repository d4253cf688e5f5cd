// fromLab: a later lab takes a class from a student's earlier lab (a module or a notebook), as
// the file is now; errors name the file and the missing export; each call evaluates afresh.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileImplementation, evaluateGraph, fromLab, ImplementationLoadError, preloadDistlab, prepareFromLab } from '../src/testing';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-from-lab-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** labs/<lab>/<file> under a fresh folder; returns the folder of `later` (the lab that asks). */
function handout(files: Readonly<Record<string, string>>): string {
  const root = fs.mkdtempSync(path.join(work, 'handout-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  fs.mkdirSync(path.join(root, 'later'), { recursive: true });
  return path.join(root, 'later');
}

const counterModule = `
import { helper } from './helper';
let made = 0;
export class Counter {
  readonly serial: number;
  constructor(readonly start: number) { made += 1; this.serial = made; }
  next(): number { return helper(this.start); }
}
export const notAClass = 3;
`;

type CounterClass = new (start: number) => { readonly serial: number; next(): number };

function notebook(cells: readonly string[]): string {
  const code = cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }));
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, cells: code });
}

describe('fromLab: a class from an earlier lab', () => {
  it('a module and its relative imports; each call evaluates afresh, one call keeps its class', () => {
    const later = handout({ 'earlier/counter.ts': counterModule, 'earlier/helper.ts': 'export const helper = (n: number): number => n + 1;\n' });
    const Counter = fromLab<CounterClass>('../earlier/counter.ts', 'Counter', { relativeTo: later });
    expect(new Counter(41).next()).toBe(42);
    expect(new Counter(0).serial).toBe(2);
    const Again = fromLab<CounterClass>('../earlier/counter.ts', 'Counter', { relativeTo: later });
    expect(new Again(0).serial).toBe(1);
    expect(Counter.name).toBe('Counter');
    expect(typeof (Counter.prototype as unknown as Record<string, unknown>).next).toBe('function');
  });

  it("a notebook's implementation cells, not its test cells", () => {
    const cells = ['class Counter {\n  constructor(readonly start: number) {}\n  next(): number { return this.start * 2; }\n}', '// distlab: test\nthrow new Error("test cells never run here");'];
    const later = handout({ 'earlier/counter.ipynb': notebook(cells) });
    const Counter = fromLab<CounterClass>('../earlier/counter.ipynb', 'Counter', { relativeTo: later });
    expect(new Counter(21).next()).toBe(42);
  });

  it('picks up an edit to the earlier lab at the next call', () => {
    const later = handout({ 'earlier/counter.ts': counterModule, 'earlier/helper.ts': 'export const helper = (n: number): number => n + 1;\n' });
    expect(new (fromLab<CounterClass>('../earlier/counter.ts', 'Counter', { relativeTo: later }))(1).next()).toBe(2);
    fs.writeFileSync(path.join(later, '../earlier/counter.ts'), counterModule.replace('helper(this.start)', 'helper(this.start) * 100'));
    expect(new (fromLab<CounterClass>('../earlier/counter.ts', 'Counter', { relativeTo: later }))(1).next()).toBe(200);
  });

  it('finds the file of the same name beside the lab that asks (the autograder stages it there)', () => {
    const later = handout({ 'later/counter.ts': counterModule, 'later/helper.ts': 'export const helper = (n: number): number => n - 1;\n' });
    expect(new (fromLab<CounterClass>('../earlier/counter.ts', 'Counter', { relativeTo: later }))(1).next()).toBe(0);
  });

  it('is lazy: a missing file fails at the first use, naming the path, every place looked and what to do', async () => {
    const later = handout({});
    const Missing = fromLab<CounterClass>('../kvsrv/kvsrv.ipynb', 'KVServer', { relativeTo: later, what: 'lab-2 server' });
    expect(() => new Missing(1)).toThrow(ImplementationLoadError);
    expect(() => new Missing(1)).toThrow(/no lab-2 server at "\.\.\/kvsrv\/kvsrv\.ipynb" \(looked for .*kvsrv\/kvsrv\.ipynb, .*\)\. .*upload that file/);
    await expect(prepareFromLab([Missing])).rejects.toThrow(/no lab-2 server/);
  });

  it('names the file and the missing export, and lists what the file exports', () => {
    const later = handout({ 'earlier/counter.ts': counterModule, 'earlier/helper.ts': 'export const helper = (n: number): number => n;\n' });
    const Wrong = fromLab<CounterClass>('../earlier/counter.ts', 'Clerk', { relativeTo: later });
    expect(() => new Wrong(1)).toThrow(/fromLab: \.\.\/earlier\/counter\.ts does not define a class Clerk \(no such export; it exports Counter, notAClass\)/);
    const NotAClass = fromLab<CounterClass>('../earlier/counter.ts', 'notAClass', { relativeTo: later });
    expect(() => new NotAClass(1)).toThrow(/does not define a class notAClass \(it is number;/);
  });

  it("takes the class from the asking module's graph when the grader compiled the earlier lab into it, reading no file", async () => {
    const later = handout({
      'earlier/earlier.ts': counterModule,
      'earlier/helper.ts': 'export const helper = (n: number): number => n + 2;\n',
      'later/later.ts': "import { fromLab } from 'distlab/testing';\nexport const Counter = fromLab<new (start: number) => { next(): number }>('../earlier/earlier.ts', 'Counter', { require });\n",
    });
    const main = compileImplementation(path.join(later, 'later.ts'), { typeCheck: false });
    const earlier = compileImplementation(path.join(later, '../earlier/earlier.ts'), { typeCheck: false });
    // As grading/grader/grade.ts's compileStaged joins them; then the files are gone.
    const graph = { entry: main.graph.entry, modules: { ...earlier.graph.modules, ...main.graph.modules } };
    fs.rmSync(path.join(later, '../earlier'), { recursive: true });
    await preloadDistlab(graph);
    const Counter = evaluateGraph(graph).Counter as CounterClass;
    expect(new Counter(40).next()).toBe(42);
    await expect(prepareFromLab([Counter])).resolves.toBeUndefined();
  });

  it('prepareFromLab ignores values that are not fromLab classes', async () => {
    await expect(prepareFromLab([class Plain {}, undefined, 3])).resolves.toBeUndefined();
  });
});
