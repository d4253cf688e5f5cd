import { timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { UsageError, World, type RpcResult } from 'distlab';

function world(policy: 'stop' | 'crash-node' = 'stop') {
  const lines: string[] = [];
  return { world: new World({ seed: 1, onNodeError: policy, reporter: (line) => lines.push(line) }), lines };
}

describe('Bad input', () => {
  it('Errors: a handler that throws stops the world, naming node, handler, time and seed', async () => {
    const { world: w, lines } = world();
    w.addNode('s', (ctx) => {
      ctx.serve('Boom', () => {
        throw new TypeError('cannot read term of undefined');
      });
      return {};
    });
    const results: RpcResult<unknown>[] = [];
    w.addNode('c', (ctx) => {
      void ctx.sleep(5).then(() => ctx.call('s', 'Boom', {})).then((r) => results.push(r));
      return {};
    });
    await w.runFor(100);
    expect(w.stopped).toBe('node s threw in handle Boom at 5 ms: TypeError: cannot read term of undefined');
    expect(lines[0]).toMatch(/^distlab: node s threw in handle Boom at 5 ms \(seed 1\): TypeError: cannot read term of undefined/);
    const error = w.trace.events.find((event) => event.type === 'node.error');
    expect(error).toMatchObject({ node: 's', where: 'handle Boom', atMs: 5 });
    expect(w.nowMs()).toBe(5); // stopped deterministically at the error
  });

  it('Errors: with the crash-node policy the thrower crashes and the world goes on', async () => {
    const { world: w } = world('crash-node');
    w.addNode('s', (ctx) => {
      ctx.serve('Boom', () => {
        throw new Error('boom');
      });
      return {};
    });
    const results: RpcResult<unknown>[] = [];
    w.addNode('c', (ctx) => {
      void ctx.call('s', 'Boom', {}).then((r) => results.push(r));
      return {};
    });
    await w.runFor(100);
    expect(w.stopped).toBeNull();
    expect(results).toEqual([{ ok: false, reason: 'handler-error' }]);
    expect(w.isUp('s')).toBe(false);
    expect(w.trace.events.find((event) => event.type === 'node.crash')).toMatchObject({ node: 's', reason: 'error in handle Boom' });
    expect(w.nowMs()).toBe(100);
  });

  it('Errors: an RPC to an unknown node or method fails, is traced and printed, and the world goes on', async () => {
    const { world: w, lines } = world();
    w.addNode('s', (ctx) => {
      ctx.serve('Get', () => 1);
      return {};
    });
    const results: RpcResult<unknown>[] = [];
    w.addNode('c', (ctx) => {
      void ctx.call('nobody', 'Get', {}).then((r) => results.push(r));
      void ctx.call('s', 'Put', {}).then((r) => results.push(r));
      return {};
    });
    await w.runFor(100);
    expect(w.stopped).toBeNull();
    expect(results).toEqual([{ ok: false, reason: 'unknown-peer' }, { ok: false, reason: 'unknown-method' }]);
    expect(lines[0]).toContain('node c error in call(\'nobody\', \'Get\')');
    expect(lines[0]).toContain('there is no node "nobody"; nodes are: s, c');
    expect(lines[1]).toContain('node s serves no method "Put" (called by c); it serves: Get');
    expect(w.trace.events.filter((event) => event.type === 'node.error')).toHaveLength(2);
  });

  it('Errors: sending a value that cannot be serialized names the field path', async () => {
    const { world: w, lines } = world();
    w.addNode('s', () => ({}));
    w.addNode('c', (ctx) => {
      void ctx.sleep(1).then(() => ctx.send('s', 'Note', { entries: [{ at: new Date(0) }] }));
      return {};
    });
    await w.runFor(10);
    expect(w.stopped).toMatch(/node c threw in an async continuation \(unhandled promise rejection\) at 1 ms: CodecError: cannot serialize payload.entries\[0\].at: a Date cannot cross the network/);
    expect(lines).toHaveLength(1);
  });

  it('Errors: a negative delay is rejected with the node named', async () => {
    const { world: w } = world();
    w.addNode('n', (ctx) => {
      void ctx.sleep(-5);
      return {};
    });
    expect(w.stopped).toMatch(/node n threw in construction at 0 ms: UsageError: node n: sleep\(-5\) needs a finite, non-negative number of ms/);
  });

  it('Errors: a timed RxJS operator without ctx.scheduler fails loudly instead of using real time', async () => {
    const { world: w } = world();
    w.addNode('n', () => {
      timer(100).subscribe(() => {});
      return {};
    });
    expect(w.stopped).toMatch(/real-time asyncScheduler.*Pass ctx.scheduler/);
  });

  it('Errors: a throw inside an RxJS subscriber is attributed to its node', async () => {
    const { world: w } = world();
    w.addNode('n', (ctx) => {
      timer(10, ctx.scheduler).subscribe(() => {
        throw new Error('subscriber broke');
      });
      return {};
    });
    await w.runFor(100);
    expect(w.stopped).toBe('node n threw in timer at 10 ms: subscriber broke');
  });

  it('Errors: a rejected async handler fails the call and is reported', async () => {
    const { world: w } = world();
    w.addNode('s', (ctx) => {
      ctx.serve('Later', async () => {
        await ctx.sleep(3);
        throw new RangeError('index 7 out of range');
      });
      return {};
    });
    w.addNode('c', (ctx) => {
      void ctx.call('s', 'Later', {});
      return {};
    });
    await w.runFor(100);
    expect(w.stopped).toBe('node s threw in handle Later at 3 ms: RangeError: index 7 out of range');
  });

  it('Errors: bad world options are rejected before tick zero, naming the field', () => {
    expect(() => new World({ seed: 1.5 })).toThrow(/invalid World options: seed/);
    expect(() => new World({ seed: 1, network: { duplicateProbability: 2 } })).toThrow(/network.duplicateProbability/);
    expect(() => new World({ seed: 1, network: { relaible: false } as never })).toThrow(UsageError);
  });

  it('Errors: an unbounded wait is impossible: runUntil needs a finite timeout', async () => {
    const { world: w } = world();
    await expect(w.runUntil(() => false, { timeoutMs: Infinity })).rejects.toThrow(/finite/);
    expect(await w.runUntil(() => false, { timeoutMs: 1_000 })).toBe(false);
    expect(w.nowMs()).toBe(1_000);
  });
});
