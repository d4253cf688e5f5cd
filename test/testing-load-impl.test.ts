import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { World } from '../src/runtime/world';
import { TestFailure } from '../src/testing/lab';
import { compileImplementation, ImplementationLoadError, implementationCells, implementationFor, loadImplementation } from '../src/testing/load-impl';
import { readNotebook } from '../src/notebook/ipynb';
import { runTest } from '../src/testing/run-test';
import { pingLab } from './fixtures/labs/ping/lab';

const solutions = path.join(__dirname, 'fixtures', 'labs', 'ping', 'solutions');
const at = (file: string): string => path.join(solutions, file);

async function loadError(file: string, options = {}): Promise<ImplementationLoadError> {
  try {
    await loadImplementation(file, options);
  } catch (error) {
    if (error instanceof ImplementationLoadError) return error;
    throw error;
  }
  throw new Error(`${file} loaded`);
}

function scratch(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-load-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('Loader: .ts modules', () => {
  test('loads a module and its relative imports, type-checked, sharing distlab instances', async () => {
    const loaded = await loadImplementation(at('correct.ts'));
    expect(loaded.source).toBe('ts');
    expect(loaded.files.map((file) => path.basename(file)).sort()).toEqual(['correct.ts', 'helpers.ts']);
    const impl = implementationFor(pingLab, loaded);
    const { outcome } = await runTest(pingLab, pingLab.tests[0]!, impl, 1);
    expect(outcome.passed).toBe(true);
  });

  test('distlab imports resolve to the module instances of the runner', async () => {
    const file = scratch('probe.ts', "import { World } from 'distlab';\nimport { TestFailure } from 'distlab/testing';\nexport const same = [World, TestFailure];\n");
    const loaded = await loadImplementation(file);
    expect(loaded.exports.same).toEqual([World, TestFailure]);
    expect((loaded.exports.same as unknown[])[0]).toBe(World);
  });

  test('a missing file, a type error, a throw at import and a wrong export are one clear paragraph each', async () => {
    expect((await loadError(at('nothere.ts'))).message).toMatch(/nothere\.ts does not exist/);
    const typeError = await loadError(scratch('bad.ts', "export class PingNode {\n  count: number = 'zero';\n}\n"));
    expect(typeError.problem).toBe('compile');
    expect(typeError.message).toMatch(/bad\.ts:2:3: Type 'string' is not assignable to type 'number'\. \(TS2322\)/);
    const threw = await loadError(at('throws-at-import.ts'));
    expect(threw.problem).toBe('import');
    expect(threw.message).toMatch(/threw while loading, before any test ran: Error: oops/);
    const loaded = await loadImplementation(at('wrong-export.ts'));
    let exportError: unknown;
    try {
      implementationFor(pingLab, loaded);
    } catch (error) {
      exportError = error;
    }
    expect(exportError).toBeInstanceOf(ImplementationLoadError);
    expect((exportError as Error).message).toMatch(/does not provide what the ping lab needs: export a class PingNode .*\(it exports PingNodes\)/);
  });

  test('strict is configurable: implicit any fails strict, passes non-strict', async () => {
    const file = scratch('loose.ts', 'export function f(a) {\n  return a;\n}\n');
    expect((await loadError(file)).message).toMatch(/implicitly has an 'any' type/);
    await expect(loadImplementation(file, { strict: false })).resolves.toBeDefined();
    await expect(loadImplementation(file, { typeCheck: false })).resolves.toBeDefined();
  });

  test('process.exit at import is refused, not obeyed', async () => {
    const error = await loadError(scratch('exit.ts', 'process.exit(0);\nexport class PingNode {}\n'));
    expect(error.message).toMatch(/process\.exit\(0\) was called/);
  });
});

describe('Loader: notebooks', () => {
  test('implementation cells exclude test, demo (tag) and skip cells, and empty cells', () => {
    const cells = implementationCells(readNotebook(at('ping.ipynb')));
    expect(cells.map((cell) => cell.index + 1)).toEqual([2, 3, 5]);
  });

  test('a notebook with a helper cell, a repeated import and a test cell loads and passes', async () => {
    const loaded = await loadImplementation(at('ping.ipynb'));
    expect(loaded.source).toBe('ipynb');
    expect(Object.keys(loaded.exports).sort()).toEqual(['PingNode', 'reply']);
    const { outcome } = await runTest(pingLab, pingLab.tests[1]!, implementationFor(pingLab, loaded), 3);
    expect(outcome.passed).toBe(true);
  });

  test('a type error is mapped to its cell and line', async () => {
    const error = await loadError(at('type-error.ipynb'));
    expect(error.problem).toBe('compile');
    expect(error.details).toEqual(["type-error.ipynb cell 3, line 2, column 7: Type 'string' is not assignable to type 'number'. (TS2322)"]);
  });

  test('a later cell redefining a class wins; top-level await in an implementation cell points at the demo marker', async () => {
    const notebook = (cells: string[]) =>
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source })) });
    const redefined = scratch('redefine.ipynb', notebook(['class PingNode { v() { return 1; } }\n', 'class PingNode { v() { return 2; } }\n']));
    const loaded = await loadImplementation(redefined);
    const PingNode = loaded.exports.PingNode as new () => { v(): number };
    expect(new PingNode().v()).toBe(2);
    const awaiting = scratch('await.ipynb', notebook(['class PingNode {}\n', 'const x = 1;\nawait Promise.resolve(x);\n']));
    const error = await loadError(awaiting);
    expect(error.details[0]).toMatch(/^await\.ipynb cell 2, line 2, column 1: .*make this a demo cell with first line `\/\/ distlab: demo`/);
  });

  test('a stack trace from a handler names the notebook cell and line', async () => {
    const loaded = await loadImplementation(at('throws-in-handler.ipynb'));
    const { outcome } = await runTest(pingLab, pingLab.tests[0]!, implementationFor(pingLab, loaded), 1);
    expect(outcome.failure).toMatch(/node b threw in handle Ping at \d+ ms: reply cannot count past 3/);
    expect(outcome.log.join('\n')).toMatch(/at reply \(throws-in-handler\.ipynb cell 3:3:\d+\)/);
  });

  test('compiling without evaluating yields a graph a child process can run', () => {
    const compiled = compileImplementation(at('ping.ipynb'), { typeCheck: false });
    expect(compiled.graph.entry.endsWith('ping.ipynb.ts')).toBe(true);
    expect(Object.keys(compiled.graph.modules)).toHaveLength(1);
  });
});

void TestFailure;
