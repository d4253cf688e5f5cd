import { describe, expect, it } from 'vitest';
import { World, labrpc, type NodeContext, type RpcResult } from 'distlab';

/** A world with an echo server `s` and a client `c` that records every result with its latency. */
function echoWorld(seed: number, network: ConstructorParameters<typeof World>[0]['network'] = {}) {
  const world = new World({ seed, network, reporter: null });
  const served: number[] = [];
  world.addNode('s', (ctx) => {
    ctx.serve('Echo', (args: { n: number }) => {
      served.push(args.n);
      return { n: args.n };
    });
    return {};
  });
  let client!: NodeContext;
  world.addNode('c', (ctx) => {
    client = ctx;
    ctx.serve('Echo', (args: unknown) => args);
    return {};
  });
  const results: Array<{ result: RpcResult<{ n: number }>; latencyMs: number }> = [];
  const callMany = (count: number, gapMs = 1) => {
    world.spawn('caller', async () => {
      for (let n = 0; n < count; n++) {
        const sentAt = world.nowMs();
        void client.call<{ n: number }>('s', 'Echo', { n }).then((result) => results.push({ result, latencyMs: world.nowMs() - sentAt }));
        await world.sleep(gapMs);
      }
    });
  };
  return { world, served, results, callMany, client: () => client };
}

describe('Network: labrpc behaviours', () => {
  it('Network: reliable delivers every call at once, in order', async () => {
    const { world, results, served, callMany } = echoWorld(1);
    callMany(100);
    await world.runFor(1_000);
    expect(results).toHaveLength(100);
    expect(results.every((entry) => entry.result.ok && entry.latencyMs === 0)).toBe(true);
    expect(served).toEqual([...Array(100).keys()]);
  });

  it('Network: unreliable loses about 10% of requests and 10% of replies, with 0-26 ms jitter (2000 calls)', async () => {
    const { world, results, served, callMany } = echoWorld(2, { reliable: false });
    callMany(2_000);
    await world.runFor(10_000);
    expect(results).toHaveLength(2_000);
    const requestLost = results.filter((entry) => !entry.result.ok && entry.result.reason === 'request-lost').length;
    const replyLost = results.filter((entry) => !entry.result.ok && entry.result.reason === 'reply-lost').length;
    expect(requestLost / 2_000).toBeGreaterThan(0.07);
    expect(requestLost / 2_000).toBeLessThan(0.13);
    // Replies are lost for ~10% of the requests that arrived.
    expect(replyLost / served.length).toBeGreaterThan(0.07);
    expect(replyLost / served.length).toBeLessThan(0.13);
    const latencies = results.filter((entry) => entry.result.ok).map((entry) => entry.latencyMs);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(labrpc.unreliableJitterMsMax);
    expect(new Set(latencies).size).toBeGreaterThan(10);
  });

  it('Network: long reordering delays about 2/3 of replies by 200-2200 ms', async () => {
    const { world, results, callMany } = echoWorld(3, { longReordering: true });
    callMany(600);
    await world.runFor(5_000);
    const delayed = results.filter((entry) => entry.latencyMs >= 200);
    expect(delayed.length / results.length).toBeGreaterThan(0.58);
    expect(delayed.length / results.length).toBeLessThan(0.75);
    expect(Math.max(...results.map((entry) => entry.latencyMs))).toBeLessThanOrEqual(2_200);
    // Replies overtake each other: arrival order differs from send order.
    const order = results.map((entry) => entry.result.ok && entry.result.value.n);
    expect(order).not.toEqual([...order].sort((a, b) => Number(a) - Number(b)));
  });

  it('Network: a disconnected peer fails calls within 100 ms, or within 7 s with long delays', async () => {
    for (const [longDelays, maxMs] of [[false, labrpc.shortDelayFailureMsMax], [true, labrpc.longDelayFailureMsMax]] as const) {
      const { world, results, callMany } = echoWorld(4, { longDelays });
      world.network.disconnect('s');
      callMany(300);
      await world.runFor(10_000);
      expect(results).toHaveLength(300);
      expect(results.every((entry) => !entry.result.ok && entry.result.reason === 'request-lost')).toBe(true);
      const latest = Math.max(...results.map((entry) => entry.latencyMs));
      expect(latest).toBeLessThanOrEqual(maxMs);
      expect(latest).toBeGreaterThan(maxMs * 0.8);
    }
  });

  it('Network: partitions split groups and heal restores them', async () => {
    const { world, results, client } = echoWorld(5);
    world.network.partition([['c'], ['s']]);
    void client().call('s', 'Echo', { n: 1 }).then((result) => results.push({ result: result as RpcResult<{ n: number }>, latencyMs: 0 }));
    await world.runFor(200);
    world.network.heal();
    void client().call('s', 'Echo', { n: 2 }).then((result) => results.push({ result: result as RpcResult<{ n: number }>, latencyMs: 0 }));
    await world.runFor(200);
    expect(results.map((entry) => entry.result.ok)).toEqual([false, true]);
    const faults = world.trace.events.filter((event) => event.type === 'net.fault');
    expect(faults.map((event) => event.type === 'net.fault' && event.description)).toEqual(['partition [c] [s]', 'heal']);
  });

  it('Network: a one-way cut loses requests one way and replies the other (asymmetric partition)', async () => {
    const world = new World({ seed: 6, reporter: null });
    const outcomes: string[] = [];
    const contexts: Record<string, NodeContext> = {};
    for (const id of ['a', 'b']) {
      world.addNode(id, (ctx) => {
        contexts[id] = ctx;
        ctx.serve('Ping', () => 'pong');
        return {};
      });
    }
    world.network.cut('a', 'b');
    void contexts.a!.call('b', 'Ping', null).then((result) => outcomes.push(`a->b ${result.ok ? 'ok' : result.reason}`));
    void contexts.b!.call('a', 'Ping', null).then((result) => outcomes.push(`b->a ${result.ok ? 'ok' : result.reason}`));
    await world.runFor(500);
    expect(outcomes.sort()).toEqual(['a->b request-lost', 'b->a reply-lost']);
  });

  it('Network: a server that crashes while handling a call never replies; the caller fails within 100 ms', async () => {
    const world = new World({ seed: 7, reporter: null });
    world.addNode('s', (ctx) => {
      ctx.serve('Slow', async () => {
        await ctx.sleep(1_000);
        return 'late';
      });
      return {};
    });
    let result: RpcResult<unknown> | null = null;
    let endedAt = -1;
    world.addNode('c', (ctx) => {
      void ctx.call('s', 'Slow', null).then((value) => {
        result = value;
        endedAt = ctx.now();
      });
      return {};
    });
    world.schedule(500, () => world.crash('s'));
    await world.runFor(3_000);
    expect(result).toEqual({ ok: false, reason: 'peer-crashed' });
    expect(endedAt).toBeGreaterThanOrEqual(500);
    expect(endedAt).toBeLessThanOrEqual(500 + labrpc.deadServerPollMs);
    expect(world.trace.events.some((event) => event.type === 'net.send' && event.kind === 'reply')).toBe(false);
  });

  it('Network: counts RPCs per server, in total, and bytes from the encoded size', async () => {
    const { world, callMany } = echoWorld(8);
    callMany(10);
    await world.runFor(100);
    expect(world.stats.rpcsTotal).toBe(10);
    expect(world.stats.rpcsReceived.get('s')).toBe(10);
    // Request {"n":k} is 7 bytes and the reply the same, for k < 10.
    expect(world.stats.bytesTotal).toBe(10 * 7 * 2);
  });

  it('Network: duplicated requests run the handler twice but the caller sees one result', async () => {
    const { world, results, served, callMany } = echoWorld(9, { duplicateProbability: 0.5 });
    callMany(200);
    await world.runFor(2_000);
    expect(results).toHaveLength(200);
    expect(served.length).toBeGreaterThan(260);
    expect(world.trace.events.filter((event) => event.type === 'net.duplicate').length).toBe(served.length - 200);
  });

  it('Network: per-link latency distributions apply to one direction only', async () => {
    const { world, results, callMany } = echoWorld(10);
    world.network.setLinkLatency({ source: 'c', target: 's' }, { msMin: 40, msMax: 60 });
    callMany(50);
    await world.runFor(1_000);
    expect(results.every((entry) => entry.latencyMs >= 40 && entry.latencyMs <= 60)).toBe(true);
  });

  it('Network: messages in flight from a node that crashes are lost', async () => {
    const world = new World({ seed: 11, reporter: null, network: { latency: { msMin: 50, msMax: 50 } } });
    const received: string[] = [];
    world.addNode('b', (ctx) => {
      ctx.messages$.subscribe((message) => received.push(String(message.payload)));
      return {};
    });
    world.addNode('a', (ctx) => {
      ctx.send('b', 'Note', 'before crash');
      return {};
    });
    world.schedule(10, () => world.crash('a'));
    await world.runFor(200);
    expect(received).toEqual([]);
    expect(world.trace.events.some((event) => event.type === 'net.drop' && event.reason === 'source-crashed')).toBe(true);
  });
});
