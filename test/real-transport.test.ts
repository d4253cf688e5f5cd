/**
 * Real mode's seams, in one process: two hosts over ZeroMQ on loopback keep the simulator's
 * RPC contract (results as values, never exceptions), partitions come from the control channel,
 * the persister survives a reopen, and the wire rejects what is not an envelope.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { of } from 'rxjs';
import { afterAll, describe, expect, test } from 'vitest';
import { MemoryPersister } from '../src/runtime/persister';
import type { NodeContext, RpcResult } from '../src/runtime/node';
import { FilePersister } from '../src/real/file-persister';
import { Host } from '../src/real/host';
import { freePorts } from '../src/real/processes';
import { wireOf, WireError } from '../src/real/wire';
import type { Address } from '../src/real/zmq-endpoint';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-real-transport-'));
const hosts: Host[] = [];
afterAll(() => {
  for (const host of hosts) host.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function pair(): Promise<{ client: Host; server: Host; lines: string[]; stops: string[] }> {
  const [clientPort, serverPort, nobodyPort] = await freePorts(3);
  const peers = new Map<string, Address>([
    ['client', { host: '127.0.0.1', port: clientPort as number }],
    ['server', { host: '127.0.0.1', port: serverPort as number }],
    ['nobody', { host: '127.0.0.1', port: nobodyPort as number }],
  ]);
  const lines: string[] = [];
  const stops: string[] = [];
  const host = (id: string) =>
    new Host({
      id, incarnation: 0, seed: 1, listen: peers.get(id) as Address, peers, persister: new MemoryPersister(), controller: 'client',
      rpcDeadlineMs: 10_000, log: (line) => lines.push(`${id}: ${line}`), onStop: (reason) => stops.push(reason),
    });
  const client = host('client');
  const server = host('server');
  hosts.push(client, server);
  await client.start(() => ({}));
  await server.start((ctx: NodeContext) => {
    ctx.serve('Echo', (args: { text: string }) => ({ echoed: args.text, by: ctx.id }));
    ctx.serve('Later', async (args: { ms: number }) => {
      await ctx.sleep(args.ms);
      return 'later';
    });
    ctx.serve('Stream', () => of('first'));
    ctx.serve('Never', () => new Promise(() => {}));
    ctx.serve('Throw', () => {
      throw new Error('boom');
    });
    return {};
  });
  return { client, server, lines, stops };
}

describe('Real mode transport: the simulator contract over ZeroMQ', () => {
  test('Real transport: calls resolve to values or failure values, never throw', async () => {
    const { client, server, lines, stops } = await pair();
    const call = <R>(peer: string, method: string, args: unknown, timeoutMs?: number): Promise<RpcResult<R>> =>
      client.run(() => client.context.call<R>(peer, method, args, timeoutMs === undefined ? undefined : { timeoutMs }));
    expect(await call('server', 'Echo', { text: 'hi' })).toEqual({ ok: true, value: { echoed: 'hi', by: 'server' } });
    expect(await call('server', 'Later', { ms: 20 })).toEqual({ ok: true, value: 'later' });
    expect(await call('server', 'Stream', {})).toEqual({ ok: true, value: 'first' });
    expect(await call('server', 'Never', {}, 50)).toEqual({ ok: false, reason: 'timeout' });
    expect(await call('server', 'NoSuchMethod', {})).toEqual({ ok: false, reason: 'unknown-method' });
    expect(lines.join('\n')).toMatch(/serves no method "NoSuchMethod" \(called by client\); it serves: Echo, Later, Stream, Never, Throw/);
    // Nothing listens at nobody's address: the call fails at once as peer-crashed, not at the 10 s deadline.
    expect(await call('nobody', 'Echo', { text: 'hi' })).toEqual({ ok: false, reason: 'peer-crashed' });
    expect(await call('stranger', 'Echo', {})).toEqual({ ok: false, reason: 'unknown-peer' });

    // A partition from the controller: the server drops the client's envelopes, and the client's
    // own end refuses to send; healing restores the link.
    await client.endpoint.send({ kind: 'control', source: 'client', target: 'server', command: { type: 'partition', blocked: ['client'] } });
    client.endpoint.setBlocked(['server']);
    expect(await call('server', 'Echo', { text: 'cut' })).toEqual({ ok: false, reason: 'request-lost' });
    client.endpoint.setBlocked([]);
    await client.endpoint.send({ kind: 'control', source: 'client', target: 'server', command: { type: 'partition', blocked: [] } });
    expect(await call('server', 'Echo', { text: 'healed' })).toEqual({ ok: true, value: { echoed: 'healed', by: 'server' } });
    expect(lines.join('\n')).toMatch(/control: cut off from client[\s\S]*control: partition healed/);

    // Node code that throws: the caller gets handler-error, the server's kernel stops (the node process would exit 3).
    expect(await call('server', 'Throw', {})).toEqual({ ok: false, reason: 'handler-error' });
    expect(stops.join('\n')).toMatch(/node server threw in handle Throw .*boom/);
    expect(server.kernel.stopped).not.toBeNull();
  });

  test('Real transport: only the controller may send control frames', async () => {
    const { server, lines } = await pair();
    server.endpoint.setBlocked([]);
    await server.endpoint.send({ kind: 'control', source: 'server', target: 'client', command: { type: 'partition', blocked: ['server'] } });
    for (let attempt = 0; attempt < 1_000 && !lines.some((line) => line.includes('ignored a control frame')); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lines.join('\n')).toMatch(/client: .*ignored a control frame from server \(only client may send them\)/);
  });
});

describe('Real mode storage and wire', () => {
  test('Real persister: a reopened store reads what was saved; a file that is not a store is a clear error', () => {
    const dir = path.join(scratch, 'store');
    const first = new FilePersister(dir);
    expect(first.readState()).toBeNull();
    first.save({ term: 3, log: [1, 2] }, { snapshot: new Uint8Array([7, 8]) });
    // A leftover temporary file (a crash between write and rename) changes nothing.
    fs.writeFileSync(`${first.file}.tmp`, 'half a write');
    const reopened = new FilePersister(dir);
    expect(reopened.readState()).toEqual({ term: 3, log: [1, 2] });
    expect(reopened.readSnapshot()).toEqual({ snapshot: new Uint8Array([7, 8]) });
    expect(reopened.stateSize()).toBe(first.stateSize());
    fs.writeFileSync(first.file, '{"not": "a store"}');
    expect(() => new FilePersister(dir)).toThrow(/persister\.json is not a distlab persister file .*delete it to start the node empty/);
  });

  test('Real wire: frames that are not envelopes are rejected with what is wrong', () => {
    expect(() => wireOf('not json')).toThrow(WireError);
    expect(() => wireOf('{"kind":"request","source":"a","target":"b"}')).toThrow(/not an envelope: caller/);
    expect(() => wireOf('{"kind":"control","source":"a","target":"b","command":{"type":"latency","delayMs":-1}}')).toThrow(/command\.delayMs/);
    expect(wireOf('{"kind":"message","source":"a","target":"b","method":"Ping","payload":"{}","hasBytes":false}')).toMatchObject({ kind: 'message', method: 'Ping' });
  });
});
