import { describe, expect, test } from 'vitest';
import { passLine, failureBlock, replayCommand, summarize, summaryTable, outcomeJson, formatCount } from '../src/testing/report';
import { runTests, selectTests, SelectionError, seedRange } from '../src/testing/sweep';
import { runLabTests } from '../src/testing/notebook';
import { __unsafe_setDisplayWriter, type DisplayBundle } from '../src/plot/display';
import { pingLab, type PingImplementation } from './fixtures/labs/ping/lab';
import { PingNode as CorrectPingNode } from './fixtures/labs/ping/solutions/correct';
import { PingNode as BrokenPingNode } from './fixtures/labs/ping/solutions/broken';

const correct: PingImplementation = { PingNode: CorrectPingNode };
const broken: PingImplementation = { PingNode: BrokenPingNode };
const plain = { color: false };

describe('Runner: selection', () => {
  test('picks by part, exact name and regular expression', () => {
    expect(selectTests(pingLab, { part: '1B' }).map((t) => t.name)).toEqual(['TestNoWrongReplies1B']);
    expect(selectTests(pingLab, { names: 'TestPingPong1A' }).map((t) => t.name)).toEqual(['TestPingPong1A']);
    expect(selectTests(pingLab, { names: 'Ping|Wrong' }).length).toBe(2);
    expect(seedRange(3)).toEqual([1, 2, 3]);
  });

  test('an unknown part, no match and a bad pattern say what exists', () => {
    expect(() => selectTests(pingLab, { part: '9Z' })).toThrow(/no part "9Z"; its parts are 1A, 1B/);
    expect(() => selectTests(pingLab, { names: 'Nothing' })).toThrow(/the tests are: TestPingPong1A, TestNoWrongReplies1B/);
    expect(() => selectTests(pingLab, { names: '(' })).toThrow(SelectionError);
  });
});

describe('Runner: sweeps and reports', () => {
  test('a correct implementation passes every test on every seed, deterministically', async () => {
    const first = await runTests(pingLab, correct, { seeds: [1, 2] });
    const again = await runTests(pingLab, correct, { seeds: [1, 2] });
    expect(first.map((o) => o.passed)).toEqual([true, true, true, true]);
    expect(again.map((o) => o.traceHash)).toEqual(first.map((o) => o.traceHash));
    const line = passLine(first[0]!, plain);
    expect(line).toMatch(/^TestPingPong1A \(1A\) \.\.\. Passed -- time 1\.0s #peers 2 #RPCs \d+ #Bytes \d+ #Ops \d+ {2}seed 1 {2}trace [0-9a-f]{8} {2}\[\d+\.\d\ds wall\]$/);
  });

  test('a broken implementation fails with kind, time, sentence, seed and replay command', async () => {
    const outcomes = await runTests(pingLab, broken, { seeds: [7], part: '1B' });
    const [outcome] = outcomes;
    expect(outcome?.passed).toBe(false);
    expect(outcome?.kind).toBe('safety');
    const block = failureBlock(outcome!, { lab: 'ping', impl: 'my impl.ts' }, plain).split('\n');
    expect(block[0]).toMatch(/^TestNoWrongReplies1B \(1B\) \.\.\. FAILED \(safety\) at 2\.0s: node a received \d+ replies that did not carry n \+ 1$/);
    expect(block[1]).toMatch(/^ {2}seed 7 {2}trace [0-9a-f]{8}/);
    expect(block[2]).toBe("  replay: npx distlab replay ping TestNoWrongReplies1B --seed 7 --impl 'my impl.ts'");
  });

  test('colour only when asked; summary per part with a total', async () => {
    const outcomes = await runTests(pingLab, broken, { seeds: [1] });
    expect(passLine(outcomes[0]!, { color: true })).toContain('\u001b[32mPassed\u001b[0m');
    expect(passLine(outcomes[0]!, plain)).not.toContain('\u001b');
    const rows = summarize(outcomes, pingLab.parts);
    expect(rows.map((row) => [row.part, row.passed, row.failed])).toEqual([
      ['1A', 1, 0],
      ['1B', 0, 1],
      ['total', 1, 1],
    ]);
    expect(summaryTable(rows, plain).split('\n')[0]).toMatch(/^part +tests +runs +passed +failed +virtual +wall$/);
    expect(Object.keys(outcomeJson(outcomes[0]!))).not.toContain('log');
    expect(formatCount(4200)).toBe('4.2k');
    expect(replayCommand({ name: 'T', seed: 3 }, { lab: 'raft' })).toBe('npx distlab replay raft T --seed 3');
  });

  test('implementationFor gives each run a fresh implementation', async () => {
    let calls = 0;
    await runTests(pingLab, correct, { seeds: [1, 2], implementationFor: () => (calls++, correct) });
    expect(calls).toBe(4);
  });
});

describe('Runner: notebook helper', () => {
  test('runLabTests shows one table and returns the outcomes', async () => {
    const bundles: DisplayBundle[] = [];
    __unsafe_setDisplayWriter((bundle) => bundles.push(bundle));
    try {
      const outcomes = await runLabTests(pingLab, broken, { seeds: 2 });
      expect(outcomes).toHaveLength(4);
      expect(bundles).toHaveLength(1);
      expect(String(bundles[0]!['text/html'])).toContain('FAILED (safety)');
      expect(String(bundles[0]!['text/plain'])).toContain('2 of 4 passed');
    } finally {
      __unsafe_setDisplayWriter(undefined);
    }
  });
});
