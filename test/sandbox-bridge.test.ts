/**
 * The bridge between the trusted tester and an untrusted node (src/sandbox): the node's code
 * runs in a guest thread, yet the world sees exactly what it would see in process (same trace
 * hash), the guest cannot change what the host's code computes, and a guest that loops or
 * sends garbage fails the run with a sentence instead of hanging or crashing the host.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../src/runtime/world';
import { Bridge, BridgeError } from '../src/sandbox';
import { compileImplementation } from '../src/testing/load-impl';
import { runTest } from '../src/testing/run-test';
import { raftLab } from '../labs/raft/lab';
import { ensureBuilt } from '../grading/grader/test-support';

const root = path.resolve(__dirname, '..');
const sinkSurface = { classes: { Sink: { methods: ['total'], streams: ['events$'] } } };
type SinkClass = new (ctx: never, options: { peers: string[] }) => { total(extra: number): { count: number; extra: number }; events$: { subscribe(next: (value: number) => void): unknown } };

function graphOf(source: string, name = 'node.ts') {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-bridge-'));
  fs.writeFileSync(path.join(folder, name), source);
  return compileImplementation(path.join(folder, name)).graph;
}

/** Runs the kitchen-sink scenario with `Sink`; returns the trace hash and what the tester saw. */
async function sinkRun(Sink: SinkClass, seed: number): Promise<{ hash: string; seen: number[]; totals: unknown[] }> {
  const world = new World({ seed, reporter: null, onNodeError: 'crash-node', network: { reliable: false } });
  const seen: number[] = [];
  for (const id of ['a', 'b', 'c']) {
    world.addNode(id, (ctx) => {
      const node = new Sink(ctx as never, { peers: ['a', 'b', 'c'] });
      node.events$.subscribe((value) => seen.push(value));
      return node;
    });
  }
  const totals: unknown[] = [];
  for (let round = 0; round < 6; round++) {
    await world.runFor(150);
    if (round === 2) world.crash('b');
    if (round === 3) world.restart('b');
    totals.push(world.node<{ total(extra: number): unknown }>('a')?.total(round));
  }
  return { hash: world.trace.hash(), seen, totals };
}

beforeAll(ensureBuilt);

describe('sandbox bridge', () => {
  const bridges: Bridge[] = [];
  afterAll(async () => {
    for (const bridge of bridges) await bridge.close();
  });
  const open = (options: ConstructorParameters<typeof Bridge>[0]) => {
    const bridge = new Bridge(options);
    bridges.push(bridge);
    return bridge;
  };

  it('runs a node that uses all of NodeContext with the same trace as in process', async () => {
    const file = path.join(root, 'test', 'fixtures', 'bridge', 'kitchen-sink.ts');
    const { graph } = compileImplementation(file);
    const bridge = open({ surface: sinkSurface, graph });
    const local = (await import(file)) as { Sink: SinkClass };
    for (const seed of [1, 2]) {
      const inProcess = await sinkRun(local.Sink, seed);
      const bridged = await sinkRun(bridge.fresh(seed, 60_000).Sink as SinkClass, seed);
      expect(bridged).toEqual(inProcess);
      expect(inProcess.seen.length).toBeGreaterThan(5);
    }
  });

  it('grades the reference Raft with the same trace hash as in process', async () => {
    const { graph } = compileImplementation(path.join(root, 'grading', 'solutions', 'raft', 'raft.ts'));
    const bridge = open({ surface: raftLab.surface ?? { classes: {} }, graph });
    const reference = raftLab.implementationFrom((await import(path.join(root, 'grading', 'solutions', 'raft', 'raft.ts'))) as Record<string, unknown>);
    for (const name of ['TestInitialElection3A', 'TestFailAgree3B', 'TestPersist13C', 'TestSnapshotInstallCrash3D']) {
      const test = raftLab.tests.find((candidate) => candidate.name === name);
      if (test === undefined) throw new Error(`no test ${name}`);
      const inProcess = await runTest(raftLab, test, reference, 5841);
      const bridged = await runTest(raftLab, test, raftLab.implementationFrom(bridge.fresh(5841, 60_000)), 5841);
      expect([name, bridged.outcome.passed, bridged.outcome.traceHash]).toEqual([name, true, inProcess.outcome.traceHash]);
    }
  });

  it('keeps what the guest patches in the guest', async () => {
    const source = `
      (Array.prototype as any).every = () => true;
      (Object.prototype as any).passed = true;
      JSON.stringify = () => '{}';
      export class Sink {
        readonly events$ = { subscribe() { return { unsubscribe() {} }; } } as any;
        constructor(ctx: any) { ctx.log([1, 2].every((x: number) => x > 1) ? 'patched' : 'honest'); }
        total(extra: number) { return { count: [1, 2].every((x: number) => x > 1) ? 1 : 0, extra }; }
      }`;
    const bridge = open({ surface: sinkSurface, graph: graphOf(source) });
    const world = new World({ seed: 1, reporter: null });
    const Sink = bridge.fresh(1, 60_000).Sink as SinkClass;
    world.addNode('a', (ctx) => new Sink(ctx as never, { peers: [] }));
    expect(world.node<{ total(extra: number): unknown }>('a')?.total(3)).toEqual({ count: 1, extra: 3 });
    expect([1, 2].every((x) => x > 1)).toBe(false);
    expect(({} as Record<string, unknown>).passed).toBeUndefined();
    expect(JSON.stringify({ a: 1 })).toBe('{"a":1}');
  });

  it('stops a guest that never returns, says why, and starts afresh for the next run', async () => {
    const source = `export class Sink { constructor(ctx: any, options: any) { if (ctx.id === 'loop') for (;;) {} } total(extra: number) { return { count: 0, extra }; } }`;
    const bridge = open({ surface: sinkSurface, graph: graphOf(source) });
    bridge.fresh(1, 60_000); // the guest starts (slow on a loaded machine) before the budget that matters
    const world = new World({ seed: 1, reporter: null });
    // 1.5 s of CPU time: the same work on a busy machine as on an idle one; the wall-clock net is far above.
    const Sink = bridge.fresh(1, { cpuMs: 1500, wallMs: 600_000, cpuReason: 'the run used too much CPU' }).Sink as SinkClass;
    world.addNode('loop', (ctx) => new Sink(ctx as never, { peers: [] }));
    expect(world.stopped).toMatch(/BridgeError: the run used too much CPU/);
    expect(bridge.problem).toBe('the run used too much CPU');
    expect(bridge.stoppedBy).toBe('cpu');
    const again = new World({ seed: 1, reporter: null });
    const Fresh = bridge.fresh(1, 60_000).Sink as SinkClass;
    again.addNode('fine', (ctx) => new Fresh(ctx as never, { peers: [] }));
    expect(again.node<{ total(extra: number): unknown }>('fine')?.total(1)).toEqual({ count: 0, extra: 1 });
  });

  it('stops a guest that blocks without computing at the wall-clock safety net, and says it was not graded', async () => {
    const source = `export class Sink { constructor(ctx: any, options: any) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); } total(extra: number) { return { count: 0, extra }; } }`;
    const bridge = open({ surface: sinkSurface, graph: graphOf(source) });
    bridge.fresh(1, 60_000);
    const world = new World({ seed: 1, reporter: null });
    const Sink = bridge.fresh(1, { cpuMs: 60_000, wallMs: 800, wallReason: () => 'not graded' }).Sink as SinkClass;
    world.addNode('block', (ctx) => new Sink(ctx as never, { peers: [] }));
    expect(world.stopped).toMatch(/BridgeError: not graded/);
    expect(bridge.stoppedBy).toBe('wall');
  });

  it('refuses a guest that answers with garbage or lies about its effects', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-bridge-guest-'));
    for (const [name, body] of [
      ['garbage.js', 'data.set([255, 1, 2, 3]); Atomics.store(control, 1, 4);'],
      ['impossible.js', 'Atomics.store(control, 1, 1e9);'],
      ['lie.js', "const b = v8.serialize({ effects: [{ k: 'persist', h: 999, state: 1, snapshot: null }], drainFrom: 1, exports: { Sink: { type: 'function', methods: [] } } }); data.set(b); Atomics.store(control, 1, b.length);"],
    ] as const) {
      fs.writeFileSync(path.join(folder, name), `const v8 = require('node:v8'); const { workerData } = require('node:worker_threads');
        const control = new Int32Array(workerData.buffer, 0, 4); const data = new Uint8Array(workerData.buffer, 16);
        for (;;) { Atomics.wait(control, 0, 0); ${body} Atomics.store(control, 0, 2); Atomics.notify(control, 0); Atomics.wait(control, 0, 2); }`);
      const bridge = open({ surface: sinkSurface, graph: graphOf('export class Sink {}'), guestFile: path.join(folder, name) });
      let error: unknown = null;
      try {
        const Sink = bridge.fresh(1, 5000).Sink as SinkClass;
        new World({ seed: 1, reporter: null }).addNode('a', (ctx) => new Sink(ctx as never, { peers: [] }));
      } catch (caught) {
        error = caught;
      }
      expect([name, error instanceof BridgeError || bridge.problem !== null]).toEqual([name, true]);
    }
  });
});
