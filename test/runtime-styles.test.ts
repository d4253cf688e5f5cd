import { debounceTime, delay, filter, map, startWith, switchMap, timeout, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { World, type NodeContext } from 'distlab';

/**
 * The same tiny protocol written twice: a follower that starts an "election" when it hears no
 * heartbeat for 300 ms. Once as pure RxJS over ctx streams, once with async/await.
 */
function rxjsFollower(ctx: NodeContext, elections: number[]): object {
  ctx.serve('Heartbeat', () => 'ack');
  const heartbeats$ = ctx.requests$.pipe(filter((request) => request.method === 'Heartbeat'));
  heartbeats$
    .pipe(
      startWith(null),
      switchMap(() => timer(300, ctx.scheduler)),
    )
    .subscribe(() => elections.push(ctx.now()));
  return {};
}

function asyncFollower(ctx: NodeContext, elections: number[]): object {
  let lastHeartbeatMs = 0;
  ctx.serve('Heartbeat', () => {
    lastHeartbeatMs = ctx.now();
    return 'ack';
  });
  void (async () => {
    let electedFor = -1;
    for (;;) {
      await ctx.sleep(10);
      if (ctx.now() - lastHeartbeatMs >= 300 && electedFor !== lastHeartbeatMs) {
        electedFor = lastHeartbeatMs;
        elections.push(ctx.now());
      }
    }
  })();
  return {};
}

async function runLeader(follower: (ctx: NodeContext, elections: number[]) => object): Promise<number[]> {
  const world = new World({ seed: 1, reporter: null });
  const elections: number[] = [];
  world.addNode('f', (ctx) => follower(ctx, elections));
  world.addNode('l', (ctx) => {
    // Heartbeats every 100 ms until 1000 ms, then silence.
    timer(0, 100, ctx.scheduler)
      .pipe(
        filter((tick) => tick <= 10),
        switchMap(() => ctx.call$('f', 'Heartbeat', null)),
      )
      .subscribe();
    return {};
  });
  await world.runFor(2_000);
  return elections;
}

describe('Node styles: RxJS and async/await are both first-class', () => {
  it('Styles: an RxJS election timer (switchMap over heartbeats) fires only after 300 ms of silence', async () => {
    expect(await runLeader(rxjsFollower)).toEqual([1_300]);
  });

  it('Styles: the async/await follower sees the same silence', async () => {
    expect(await runLeader(asyncFollower)).toEqual([1_300]);
  });

  it('Styles: delay, debounceTime and timeout run on virtual time', async () => {
    const world = new World({ seed: 1, reporter: null });
    const seen: string[] = [];
    world.addNode('s', (ctx) => {
      ctx.serve('Slow', () => timer(500, ctx.scheduler).pipe(map(() => 'slow reply')));
      return {};
    });
    world.addNode('n', (ctx) => {
      timer(0, 10, ctx.scheduler)
        .pipe(filter((tick) => tick < 5), debounceTime(50, ctx.scheduler), delay(100, ctx.scheduler))
        .subscribe((tick) => seen.push(`debounced ${tick} at ${ctx.now()}`));
      ctx
        .call$('s', 'Slow', null)
        .pipe(timeout({ each: 200, scheduler: ctx.scheduler }))
        .subscribe({ error: (error: Error) => seen.push(`${error.name} at ${ctx.now()}`) });
      return {};
    });
    await world.runFor(1_000);
    expect(seen).toEqual(['debounced 4 at 190', 'TimeoutError at 200']);
  });

  it('Styles: call$ is cold and unsubscribing ignores the reply', async () => {
    const world = new World({ seed: 1, reporter: null });
    let served = 0;
    const results: unknown[] = [];
    world.addNode('s', (ctx) => {
      ctx.serve('Get', async () => {
        served++;
        await ctx.sleep(100);
        return served;
      });
      return {};
    });
    world.addNode('n', (ctx) => {
      const call$ = ctx.call$('s', 'Get', null);
      const subscription = call$.subscribe((result) => results.push(result));
      void ctx.sleep(50).then(() => subscription.unsubscribe());
      void ctx.sleep(60).then(() => call$.subscribe((result) => results.push(result)));
      return {};
    });
    await world.runFor(1_000);
    expect(served).toBe(2);
    expect(results).toEqual([{ ok: true, value: 2 }]);
    expect(world.liveResources('n').pendingCalls).toBe(0);
  });

  it('Styles: call timeouts resolve to a timeout failure value', async () => {
    const world = new World({ seed: 1, reporter: null });
    world.addNode('s', (ctx) => {
      ctx.serve('Hang', () => new Promise(() => {}));
      return {};
    });
    let outcome: unknown;
    world.addNode('n', (ctx) => {
      void ctx.call('s', 'Hang', null, { timeoutMs: 250 }).then((result) => (outcome = [result, ctx.now()]));
      return {};
    });
    await world.runFor(1_000);
    expect(outcome).toEqual([{ ok: false, reason: 'timeout' }, 250]);
  });
});

describe('Node styles: mixing promises and streams', () => {
  it('Styles: code awaiting an RxJS stream resumes at the virtual time the value arrived', async () => {
    const { lastValueFrom } = await import('rxjs');
    const world = new World({ seed: 1, reporter: null });
    let seenAtMs = -1;
    world.addNode('n', (ctx) => {
      void (async () => {
        await lastValueFrom(timer(10, ctx.scheduler));
        seenAtMs = ctx.now();
      })();
      return {};
    });
    expect(await world.runUntil(() => seenAtMs >= 0, { timeoutMs: 1_000 })).toBe(true);
    expect(seenAtMs).toBe(10);
    expect(world.nowMs()).toBe(10);
  });
});
