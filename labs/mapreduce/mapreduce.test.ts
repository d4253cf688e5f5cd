import { describe, expect, it } from 'vitest';
import { World } from 'distlab';
import { runTest, ImplementationError } from 'distlab/testing';
import { wc } from './apps';
import { FileSystem, workerFiles } from './file-system';
import { inputFiles } from './inputs';
import { mapreduceLab } from './lab';
import * as skeleton from './mapreduce';
import { runSequential } from './sequential';
import { ihash } from './types';

const testNamed = (name: string) => {
  const test = mapreduceLab.tests.find((candidate) => candidate.name === name);
  if (test === undefined) throw new Error(`no test ${name}`);
  return test;
};
const silent = { reporter: null };

describe('MapReduce lab: the course tests', () => {
  it('MapReduce: the seven tests keep the 2026 mr_test.go names', () => {
    expect(mapreduceLab.tests.map((test) => test.name)).toEqual([
      'TestWc', 'TestIndexer', 'TestMapParallel', 'TestReduceParallel', 'TestJobCount', 'TestEarlyExit', 'TestCrashWorker',
    ]);
    expect(mapreduceLab.parts).toEqual(['MR']);
  });

  it.each(mapreduceLab.tests.map((test) => test.name))('MapReduce: %s fails fast and clearly against the skeleton', async (name) => {
    const { outcome } = await runTest(mapreduceLab, testNamed(name), mapreduceLab.implementationFrom(skeleton), 1, silent);
    expect(outcome.passed).toBe(false);
    expect(outcome.kind).toBe('crash');
    expect(outcome.failure).toMatch(/Worker\.run\(\) is not written yet/);
    expect(outcome.virtualMs).toBeLessThan(1_000);
    // Fast in work done, not wall time (no timed assertions in unit tests): a handful of events.
    expect(outcome.events).toBeLessThan(1_000);
  });

  it('MapReduce: implementationFrom names the missing classes', () => {
    expect(() => mapreduceLab.implementationFrom({ Worker: skeleton.Worker })).toThrow(ImplementationError);
    expect(() => mapreduceLab.implementationFrom({})).toThrow(/missing: Coordinator, Worker/);
  });
});

describe('MapReduce lab: parts', () => {
  it('Inputs: eight pg-*.txt files, within the size budget', () => {
    const inputs = inputFiles();
    expect(inputs).toHaveLength(8);
    const bytes = inputs.reduce((total, input) => total + input.contents.length, 0);
    expect(bytes).toBeGreaterThan(30_000);
    expect(bytes).toBeLessThan(300_000);
  });

  it('Sequential: word count counts every run of letters', async () => {
    const lines = await runSequential(wc, [{ name: 'x.txt', contents: "the cat, the hat; The end's" }]);
    expect(lines).toEqual(['The 1', 'cat 1', 'end 1', 'hat 1', 's 1', 'the 2']);
  });

  it('ihash: matches Go (fnv32a & 0x7fffffff)', () => {
    expect(ihash('a')).toBe(1678518572);
    expect(ihash('')).toBe(0x811c9dc5 & 0x7fffffff);
  });

  it('File system: a crash in the middle of a write leaves a partial file; rename is atomic', async () => {
    const fs = new FileSystem();
    const world = new World({ seed: 1, reporter: null });
    const data = 'x'.repeat(3 * 4096);
    world.addNode('writer', (ctx) => {
      void workerFiles(fs, ctx).write('out', data);
      return {};
    });
    await world.runFor(15);
    world.crash('writer');
    await world.runFor(100);
    expect(fs.read('out')).toBe('x'.repeat(4096));
    fs.write('tmp', 'complete');
    fs.rename('tmp', 'out');
    expect(fs.read('out')).toBe('complete');
    expect(fs.has('tmp')).toBe(false);
  });
});
