import { describe, expect, it } from 'vitest';
import { renderSvg } from 'distlab/plot';
import { runTest } from 'distlab/testing';
import { kvraftLab } from '../../../labs/kvraft/lab';
import { faultWindows } from '../../../labs/kvraft/plots';
import { Raft } from '../raft/raft';
import { Clerk, KVServer, RSM } from './kvraft';

describe('kvraft plots', () => {
  it('a partitioned, crashing run: fault windows found; latency, server contact and history render', async () => {
    const test = kvraftLab.tests.find((candidate) => candidate.name === 'TestPersistPartition4B')!;
    const { world, failure } = await runTest(kvraftLab, test, kvraftLab.implementationFrom({ Raft, RSM, KVServer, Clerk }), 1);
    const windows = faultWindows(world.trace.events, world.nowMs());
    expect(windows.some((window) => window.what.startsWith('server') && window.what.endsWith('down'))).toBe(true);
    expect(windows.some((window) => /cut|partition/.test(window.what))).toBe(true);
    const plots = kvraftLab.plots!(world, failure);
    expect(plots.map((plot) => plot.title)).toEqual(['Role and term of each server', 'Latency per client', 'Which server each client talked to', 'Linearizability of the Gets and Puts']);
    for (const plot of plots) expect(await renderSvg(plot.spec as Parameters<typeof renderSvg>[0])).toMatch(/^<svg/);
  }, 60_000);
});
