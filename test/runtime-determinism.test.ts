import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { busyWorld } from './fixtures/runtime/busy-world';

describe('Determinism: same code and seed give the same trace', () => {
  it('two runs in one process have the same hash', async () => {
    const first = await busyWorld(7);
    const second = await busyWorld(7);
    expect(first.trace.length).toBeGreaterThan(500);
    expect(second.trace.hash()).toBe(first.trace.hash());
    expect(second.trace.toJsonLines()).toBe(first.trace.toJsonLines());
  });

  it('a different seed gives a different hash', async () => {
    const first = await busyWorld(7);
    const other = await busyWorld(8);
    expect(other.trace.hash()).not.toBe(first.trace.hash());
  });

  it('two separate processes agree with each other and with this one', async () => {
    const script = resolve(__dirname, 'fixtures/runtime/busy-world.ts');
    const tsx = resolve(__dirname, '../node_modules/.bin/tsx');
    const runs = [0, 1].map(() => execFileSync(tsx, [script, '11'], { encoding: 'utf8' }).trim());
    const local = await busyWorld(11);
    expect(runs[1]).toBe(runs[0]);
    expect(runs[0]).toBe(`${local.trace.hash()} ${local.trace.length}`);
  });

  it('the hash is the sha256 of the JSON-lines export', async () => {
    const { createHash } = await import('node:crypto');
    const world = await busyWorld(3, 800);
    expect(createHash('sha256').update(world.trace.toJsonLines()).digest('hex')).toBe(world.trace.hash());
  });
});
