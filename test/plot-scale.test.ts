// Visual regression at scale: the plots of a long, faulty run of the reference solutions (Raft's
// TestFigure8Unreliable3C: ~100 terms, dozens of partitions; MapReduce's TestCrashWorker: crashes
// and reissued tasks) stay short-legended, with no text over text and labels inside their bars.
// It imports grading/, so the student handout leaves this file out (plot-visual.test.ts stays).
import { beforeAll, describe, expect, it } from 'vitest';
import { roleColors, timelineKeys, type VegaLiteSpec } from 'distlab/plot';
import { runTest, type TestOutcome } from 'distlab/testing';
import { raftLab } from '../labs/raft/lab';
import { mapreduceLab } from '../labs/mapreduce/lab';
import * as raftReference from '../grading/solutions/raft/raft';
import * as mapreduceReference from '../grading/solutions/mapreduce';
import { dataItems, legendOf, readabilityProblems, sceneOf } from './fixtures/plot-scene';

type Plot = { readonly title: string; readonly spec: object };

function testNamed<I>(lab: { tests: ReadonlyArray<{ name: string }> }, name: string): I {
  const test = lab.tests.find((candidate) => candidate.name === name);
  if (test === undefined) throw new Error(`test ${name} is missing from the lab`);
  return test as I;
}

describe('Plot: TestFigure8Unreliable3C (reference Raft, seed 1) plots read at a glance', () => {
  let plots: Plot[];
  let outcome: TestOutcome;
  beforeAll(async () => {
    const run = await runTest(raftLab, testNamed(raftLab, 'TestFigure8Unreliable3C'), raftLab.implementationFrom({ ...raftReference }), 1);
    outcome = run.outcome;
    plots = raftLab.plots?.(run.world, run.failure) ?? [];
    expect(outcome.passed).toBe(true);
  });

  it('Plot: role timeline: a legend of roles and partition sides only, terms thinned to fit their bars', async () => {
    const spec = plots[0]?.spec as VegaLiteSpec;
    const scene = await sceneOf(spec);
    expect(readabilityProblems(scene, { labelsInsideBars: true, legendEntriesMax: 6 })).toEqual([]);
    expect(legendOf(scene).labels).toEqual(['follower', 'candidate', 'leader', timelineKeys.majoritySide, timelineKeys.minoritySide]);
    const terms = dataItems(scene, 'text');
    expect(terms.length).toBeGreaterThan(5); // long leaderships keep their term label
    expect(terms.length).toBeLessThan(dataItems(scene, 'rect').length / 4); // blips do not
    expect(JSON.stringify(spec)).toContain(roleColors.leader);
  });

  it('Plot: commit-index and message charts of the same run', async () => {
    for (const plot of plots.slice(1)) {
      const scene = await sceneOf(plot.spec as VegaLiteSpec);
      expect(readabilityProblems(scene)).toEqual([]);
      expect(dataItems(scene).length).toBeGreaterThan(10);
    }
  });

  it('Report: the log line and the outcome count RPCs from one source', () => {
    const logged = outcome.log.map((line) => /(\d+) RPCs/.exec(line)?.[1]).find((count) => count !== undefined);
    expect(Number(logged)).toBe(outcome.rpcs);
  });
});

describe('Plot: MapReduce Gantt chart of TestCrashWorker (reference, seed 4)', () => {
  it('Plot: labels fit their bars and the legend explains crosses, outlines and the dashed rule', async () => {
    const test = testNamed(mapreduceLab, 'TestCrashWorker');
    const { world } = await runTest(mapreduceLab, test as (typeof mapreduceLab.tests)[number], mapreduceLab.implementationFrom({ ...mapreduceReference }), 4);
    const spec = mapreduceLab.plots?.(world, null)[0]?.spec as VegaLiteSpec;
    const scene = await sceneOf(spec);
    expect(readabilityProblems(scene, { labelsInsideBars: true })).toEqual([]);
    expect(legendOf(scene).labels).toEqual(['map', 'reduce', 'worker crash', 'reissued task (outlined)', 'coordinator exits (dashed)']);
  });
});
