// The type-check cache: a passing check is remembered, a changed submission or a changed
// declaration it read is checked again, and a failing check is never remembered.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileImplementation } from '../src/testing/load-impl';
import { recordTypeCheckPassed, typeCheckKey, typeCheckPassedBefore } from '../src/testing/typecheck-cache';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-typecheck-cache-'));
const cache = path.join(scratch, 'cache');
const saved = { dir: process.env.DISTLAB_TYPECHECK_CACHE_DIR, on: process.env.DISTLAB_TYPECHECK_CACHE };

beforeAll(() => {
  process.env.DISTLAB_TYPECHECK_CACHE_DIR = cache;
  delete process.env.DISTLAB_TYPECHECK_CACHE;
});

afterAll(() => {
  for (const [name, value] of [['DISTLAB_TYPECHECK_CACHE_DIR', saved.dir], ['DISTLAB_TYPECHECK_CACHE', saved.on]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  fs.rmSync(scratch, { recursive: true, force: true });
});

const entries = (): string[] => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((name) => name.endsWith('.json')) : []);

describe('type-check cache', () => {
  it('remembers a passing check of a submission and checks an edited one again, errors and all', () => {
    const file = path.join(scratch, 'impl.ts');
    const good = 'export const n: number = 1;\n';
    fs.writeFileSync(file, good);
    compileImplementation(file);
    expect(entries()).toHaveLength(1);
    fs.writeFileSync(file, "export const n: number = 'text';\n");
    expect(() => compileImplementation(file)).toThrow(/does not compile \(1 error/);
    expect(entries()).toHaveLength(1); // the failure is not remembered
    fs.writeFileSync(file, good);
    compileImplementation(file); // the same text again: answered from the entry
    expect(entries()).toHaveLength(1);
  });

  it('forgets an entry when a declaration the check read changes', () => {
    const declaration = path.join(scratch, 'types.d.ts');
    fs.writeFileSync(declaration, 'export type A = number;\n');
    const key = typeCheckKey({ typescriptVersion: 'x', options: {}, files: [['impl.ts', 'text']] });
    expect(typeCheckPassedBefore(key)).toBe(false);
    recordTypeCheckPassed(key, [declaration]);
    expect(typeCheckPassedBefore(key)).toBe(true);
    fs.writeFileSync(declaration, 'export type A = string;\n');
    expect(typeCheckPassedBefore(key)).toBe(false);
  });

  it('is off with DISTLAB_TYPECHECK_CACHE=0', () => {
    const key = typeCheckKey({ typescriptVersion: 'y', options: {}, files: [] });
    recordTypeCheckPassed(key, []);
    expect(typeCheckPassedBefore(key)).toBe(true);
    process.env.DISTLAB_TYPECHECK_CACHE = '0';
    expect(typeCheckPassedBefore(key)).toBe(false);
    delete process.env.DISTLAB_TYPECHECK_CACHE;
  });
});
