import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTraceJsonLines, TraceFileError } from 'distlab';
import { main } from '../src/cli/main';
import { busyWorld } from './fixtures/runtime/busy-world';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function capture(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

describe('Trace files', () => {
  it('Trace file: an export reads back with the same events and hash', async () => {
    const world = await busyWorld(5, 600);
    const { events, hash } = parseTraceJsonLines(world.trace.toJsonLines(), 'trace.jsonl');
    expect(events).toEqual(world.trace.events);
    expect(hash).toBe(world.trace.hash());
  });

  it('Trace file: a bad line is reported with its number and what was expected', () => {
    const good = '{"seq":0,"atMs":0,"type":"node.start","node":"a","incarnation":0}';
    expect(() => parseTraceJsonLines(`${good}\n{"seq":1,"atMs":0,"type":"net.teleport"}\n`, 't.jsonl')).toThrow(
      /t\.jsonl:2: not a trace event: type: /,
    );
    expect(() => parseTraceJsonLines(`${good}\nnot json\n`, 't.jsonl')).toThrow(TraceFileError);
    expect(() => parseTraceJsonLines(`${good}\n${good}\n`, 't.jsonl')).toThrow(/t\.jsonl:2: seq 0 does not follow 0/);
  });

  it('Trace CLI: distlab trace prints the hash, describes events and writes an HTML picture', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'distlab-trace-'));
    const world = await busyWorld(6, 600);
    const file = join(folder, 'trace.jsonl');
    writeFileSync(file, world.trace.toJsonLines());
    const output = capture();
    await main(['node', 'distlab', 'trace', file, '--describe', '--to-ms', '100', '--html', join(folder, 'trace.html')]);
    expect(output.out()).toContain(`sha256 ${world.trace.hash()}`);
    expect(output.out()).toMatch(/n1 start \(incarnation 0\)/);
    expect(readFileSync(join(folder, 'trace.html'), 'utf8')).toMatch(/<svg/);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('Trace CLI: a missing or malformed file exits 2 with the reason', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'distlab-trace-'));
    const file = join(folder, 'bad.jsonl');
    writeFileSync(file, '{"seq":0}\n');
    const output = capture();
    await main(['node', 'distlab', 'trace', file]);
    expect(process.exitCode).toBe(2);
    expect(output.err()).toMatch(/bad\.jsonl:1: not a trace event/);
  });
});
