// The kvsrv lab's Put timeline, drawn from a scripted trace: which attempts were lost, what each
// Put returned, in colours that do not read as a crash, with a legend that fits a one-client run.
import { describe, expect, it } from 'vitest';
import { World, type NodeContext } from 'distlab';
import { eventColors, renderSvg } from 'distlab/plot';
import { putAttemptColors, putOutcomeColors, putRows, putTimelineSpec } from './plots';
import { rpcNames } from './types';

/**
 * One server that installs every Put, and `clients` clients that each Put 'k' `puts` times,
 * resending after a lost call; a fifth of the requests and replies are lost (seed 1).
 */
async function putTrace(clients: number, puts: number): Promise<World> {
  const world = new World({ seed: 1, reporter: null, network: { reliable: false, requestDropProbability: 0.2, replyDropProbability: 0.2, latency: { msMin: 1, msMax: 5 } } });
  world.addNode('server', (ctx) => {
    ctx.serve(rpcNames.put, () => ({ err: 'OK' }));
    return {};
  });
  for (let index = 0; index < clients; index++) {
    const client = `c${index}`;
    world.addNode(client, (ctx) => {
      void putLoop(world, ctx, client, puts);
      return {};
    });
  }
  await world.runFor(5_000);
  return world;
}

async function putLoop(world: World, ctx: NodeContext, client: string, puts: number): Promise<void> {
  for (let index = 0; index < puts; index++) {
    const operation = world.invoke(client, { kind: 'put', key: 'k', value: `${client}.${index}`, version: index });
    for (let attempt = 0; attempt < 20; attempt++) {
      const reply = await ctx.call<{ err: string }>('server', rpcNames.put, { key: 'k', value: `${client}.${index}`, version: index }, { timeoutMs: 50 });
      if (reply.ok) {
        operation.complete(attempt === 0 ? reply.value.err : 'ErrMaybe');
        break;
      }
    }
    await ctx.sleep(10);
  }
}

/** Every colour a spec's scales use, by the legend title they belong to. */
function legendColors(spec: object): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  JSON.stringify(spec, (key, value: { title?: string; scale?: { range?: unknown[] } }) => {
    if (key === 'color' && typeof value?.title === 'string') found[value.title] = (value.scale?.range ?? []) as string[];
    return value;
  });
  return found;
}

/** The SVG's size in pixels. */
function svgSize(svg: string): { width: number; height: number } {
  const size = (name: string): number => Number(new RegExp(`<svg[^>]*\\s${name}="([\\d.]+)"`).exec(svg)?.[1]);
  return { width: size('width'), height: size('height') };
}

describe('kvsrv plots: Put timeline', () => {
  it('kvsrv plots: every Put is a bar with its outcome, every RPC attempt a marker, lost or answered', async () => {
    const world = await putTrace(2, 6);
    const { puts, attempts } = putRows(world.trace.events);
    expect(puts).toHaveLength(12);
    expect(new Set(puts.map((put) => put.outcome))).toEqual(new Set(['OK', 'ErrMaybe']));
    const lost = attempts.filter((attempt) => attempt.outcome === 'lost').length;
    expect(lost).toBeGreaterThan(0);
    // One answered attempt per Put; each retry follows a lost one.
    expect(attempts.length - lost).toBe(12);
    expect(puts.reduce((sum, put) => sum + put.attempts, 0)).toBe(attempts.length);
  });

  it('kvsrv plots: a lost attempt is not drawn in the crash or failure red, and no two legend entries share a colour', async () => {
    const spec = putTimelineSpec((await putTrace(1, 4)).trace.events);
    const colors = legendColors(spec);
    expect(Object.keys(colors).sort()).toEqual(['Put returned', 'RPC attempt']);
    expect(putAttemptColors.lost).toBe(eventColors.dropped);
    const all = [...(colors['Put returned'] ?? []), ...(colors['RPC attempt'] ?? [])];
    expect(all).toContain(eventColors.dropped);
    expect(all).not.toContain(eventColors.crash);
    expect(all).not.toContain(eventColors.failure);
    expect(new Set(all).size).toBe(all.length);
    // 'unknown' (a Clerk that gave up) is in the legend only when a Put ended that way.
    expect(colors['Put returned']).toEqual(['OK', 'ErrVersion', 'ErrNoKey', 'ErrMaybe'].map((outcome) => putOutcomeColors[outcome]));
  });

  it('kvsrv plots: the legends sit in one row under the plot, not in a column beside it taller than a small run', async () => {
    const spec = putTimelineSpec((await putTrace(2, 6)).trace.events);
    const svg = await renderSvg(spec);
    const plot = spec as { width?: number; height?: number };
    // The old layout listed eight entries in a column to the right: 882 x 172 px around a 720 x 60
    // plot, mostly blank. Now the width is the plot's plus the client axis, and the height adds
    // the title, the time axis and one row of legends.
    expect([plot.width, plot.height]).toEqual([720, 60]);
    expect(svgSize(svg).width).toBeLessThan(720 + 60);
    expect(svgSize(svg).height).toBeLessThan(60 + 120);
  });
});
