/**
 * The key/value server and Clerk: the Go lab's kvsrv1 tests of the same names, with their
 * scenarios and thresholds, in virtual time.
 */
import { retainedBytes } from '../heap';
import { checkKvHistory, explainFailure, failureLines } from '../history';
import { kvLatencyFast, kvTestVirtualMsMax, kvWorld, runKvTest, serverId, shown, type KvClient, type KvTest, type KvTester } from '../harness';
import type { ClerkClass, KVClerk, PutErr } from '../types';

/** Porcupine's budget in TestPutConcurrentReliable (the other kv tests use 1 s). */
const concurrentCheckMs = 10_000;
const checkMs = 1_000;

/**
 * Checks the test's Get/Put history with the kv-versioned model. An illegal history fails with
 * the sentence from `explainFailure`; a check that runs out of budget fails too (the Go tests
 * pass then; distlab does not guess).
 */
export function checkLinearizable(h: Pick<KvTester, 'world' | 'fail'> & { readonly t: Pick<KvTester['t'], 'log'> }, timeoutMs: number, options: { readonly errVersionUncertain?: boolean } = {}): void {
  const { result, operations } = checkKvHistory(h.world.trace.events, timeoutMs, options);
  if (result.verdict === 'ok') {
    h.t.log(`linearizable: ${operations.length} operations checked in ${Math.round(result.ms)} ms`);
    return;
  }
  if (result.verdict === 'illegal' && result.failure !== undefined) {
    failureLines(result.failure).forEach((line) => h.t.log(line));
    h.fail('safety', explainFailure(result.failure));
  }
  h.fail('liveness', `the linearizability check of ${operations.length} operations could not decide within ${timeoutMs / 1000} s (${result.reason ?? 'budget exhausted'}); so many concurrent operations suggest a Clerk that retries very often`);
}

/** Fails unless `got` is `expected`, naming the call. */
function expectErr(h: KvTester, got: PutErr | string, expected: PutErr | string, call: string): void {
  if (got !== expected) h.fail('safety', `${call} returned ${got}; expected ${expected}`);
}

const TestReliablePut: KvTest = {
  name: 'TestReliablePut',
  part: 'kv',
  description: 'one client, reliable network: Put creates a key at version 0, Get returns it at version 1, a stale Put gets ErrVersion, a Put or Get of a missing key gets ErrNoKey',
  world: kvWorld({ unreliable: false }),
  virtualMsMax: kvTestVirtualMsMax,
  run: (t) =>
    runKvTest(t, async (h) => {
      const value = '6.5840';
      const ck = h.makeClient();
      expectErr(h, await ck.put('k', value, 0), 'OK', `Put("k", ${shown(value)}, 0) of a new key`);
      const got = await ck.get('k');
      expectErr(h, got.err, 'OK', 'Get("k") after Put');
      if (got.value !== value) h.fail('safety', `Get("k") returned value ${shown(got.value)}; expected ${shown(value)}`);
      if (got.version !== 1) h.fail('safety', `Get("k") returned version ${got.version}; expected 1 (a new key gets version 1)`);
      expectErr(h, await ck.put('k', value, 0), 'ErrVersion', 'Put("k", …, 0) with a stale version');
      expectErr(h, await ck.put('y', value, 1), 'ErrNoKey', 'Put("y", …, 1) of a missing key with version 1');
      expectErr(h, (await ck.get('y')).err, 'ErrNoKey', 'Get("y") of a missing key');
      t.countOps(5);
    }).then(() => undefined),
};

/** Go's OneClientPut on one key: read the version, put with it, count what came back. */
async function racePuts(me: number, client: KvClient, done: () => boolean): Promise<{ ok: number; maybe: number }> {
  const counts = { ok: 0, maybe: 0 };
  for (let round = 0; !done(); round++) {
    const current = await client.get('k');
    const err = await client.put('k', `${me}.${round}`, current.version);
    if (err === 'OK') counts.ok++;
    else if (err === 'ErrMaybe') counts.maybe++;
  }
  return counts;
}

const TestPutConcurrentReliable: KvTest = {
  name: 'TestPutConcurrentReliable',
  part: 'kv',
  description: '10 clients race versioned Puts on one key for 1 s: the final version counts every OK Put, and the history is linearizable (kv-versioned model)',
  world: kvWorld({ unreliable: false }),
  virtualMsMax: kvTestVirtualMsMax,
  run: (t) =>
    runKvTest(t, async (h) => {
      const results = await h.spawnClientsAndWait(10, 1000, racePuts);
      const oks = results.reduce((sum, result) => sum + result.ok, 0);
      const final = await h.makeClient().get('k');
      if (final.version !== oks) h.fail('safety', `the key's version is ${final.version}, but the clients saw ${oks} Puts return OK on a reliable network: every OK Put bumps the version once, and nothing else does`);
      t.countOps(oks);
      checkLinearizable(h, concurrentCheckMs);
    }).then(() => undefined),
};

/**
 * Clerks in TestMemPutManyClientsReliable (Go 2026: 20,000; 2025: 100,000). The measurement is
 * exact (heap.ts), so 1,000 clerks show any per-client state as clearly as 20,000 would.
 */
export const memClients = 1_000;
/**
 * The limit on the growth of the server's state per clerk, in bytes of heap.ts's cost model (Go
 * measures the heap: 10 bytes in 2026, 200 in 2025). The reference grows by 0; the smallest
 * per-client table, a Set of client numbers, costs 16 bytes per clerk, a Map from client id to a
 * number about 40, the mutant server-per-client-table about 120.
 */
export const memBytesPerClientMax = 8;
/** Size of the value each clerk puts (Go: 1000 bytes). */
const memValueBytes = 1000;
/** Puts by one clerk before the measurement, so the key exists and the server is in its steady state. */
const memWarmupPuts = 10;
/** Clerks share client nodes (a world has at most 1000 nodes); the server sees each clerk as its own client. */
const memClerksPerNode = 1000;

function makeClerks(h: KvTester): KVClerk[] {
  const clerks: KVClerk[] = [];
  for (let node = 0; node * memClerksPerNode < memClients; node++) {
    const Clerk: ClerkClass = h.impl.Clerk;
    const built: KVClerk[] = [];
    h.world.addNode(`m${node}`, (ctx) => {
      for (let i = 0; i < Math.min(memClerksPerNode, memClients - node * memClerksPerNode); i++) built.push(new Clerk(ctx, { server: serverId }));
      return { clerks: built };
    });
    clerks.push(...built);
  }
  return clerks;
}

async function memPut(h: KvTester, clerk: KVClerk, index: number, value: string, version: number, expected: PutErr): Promise<void> {
  const err = await h.guard(`m${Math.floor(index / memClerksPerNode)}`, `Clerk.put("k", …, ${version}) of clerk ${index}`, () => clerk.put('k', value, version));
  if (err !== expected) h.fail('safety', `clerk ${index}'s Put("k", …, ${version}) returned ${err}; expected ${expected}`);
}

/** Bytes of state the server holds (heap.ts's walk), not counting its context and the world. */
function serverStateBytes(h: KvTester): number {
  return retainedBytes(h.world.node(serverId), new Set([h.serverContext, h.world]));
}

const TestMemPutManyClientsReliable: KvTest = {
  name: 'TestMemPutManyClientsReliable',
  part: 'kv',
  description: `${memClients} clerks each put a ${memValueBytes}-byte value once: the server's state grows by at most ${memBytesPerClientMax} bytes per clerk, so it keeps no per-client state`,
  world: { ...kvWorld({ unreliable: false, latency: kvLatencyFast }), traceEventsKeptMax: 100, traceTimers: false },
  virtualMsMax: kvTestVirtualMsMax,
  run: (t) =>
    runKvTest(t, async (h) => {
      const value = 'x'.repeat(memValueBytes);
      const clerks = makeClerks(h);
      // Only one clerk talks to the server before the first reading: a table filled at a
      // client's first contact must grow during the measured Puts, not before them.
      await memPut(h, clerks[0], 0, '', 1, 'ErrNoKey');
      for (let version = 0; version < memWarmupPuts; version++) await memPut(h, clerks[0], 0, value, version, 'OK');
      const before = serverStateBytes(h);
      for (let i = 0; i < clerks.length; i++) await memPut(h, clerks[i], i, value, memWarmupPuts + i, 'OK');
      const after = serverStateBytes(h);
      const perClient = (after - before) / clerks.length;
      t.log(`server state ${before} -> ${after} bytes: ${perClient.toFixed(2)} bytes per clerk (limit ${memBytesPerClientMax})`);
      if (perClient > memBytesPerClientMax) {
        h.fail('safety', `the server's state grew by ${after - before} bytes while ${clerks.length} clerks each did one Put, ${perClient.toFixed(1)} bytes per clerk (limit ${memBytesPerClientMax}): the server must not keep state per client (no table of client ids, request numbers or replies)`);
      }
      t.countOps(2 * clerks.length);
    }).then(() => undefined),
};

/** Rounds in TestUnreliableNet (Go: NTRY). */
const unreliableRounds = 100;
/** ErrMaybe answers in a row after which TestUnreliableNet gives up on a round (Go loops forever). */
const maybeInARowMax = 20;

const TestUnreliableNet: KvTest = {
  name: 'TestUnreliableNet',
  part: 'kv',
  description: 'one client, unreliable network, 100 rounds of Put with version = round: no Put applies twice, the version advances by one per round, and at least one Put returns ErrMaybe',
  world: kvWorld({ unreliable: true }),
  virtualMsMax: kvTestVirtualMsMax,
  run: (t) =>
    runKvTest(t, async (h) => {
      const ck = h.makeClient();
      let retried = false;
      for (let round = 0; round < unreliableRounds; round++) {
        for (let attempt = 0; ; attempt++) {
          const err = await ck.put('k', String(attempt), round);
          if (err !== 'ErrMaybe') {
            if (attempt > 0 && err !== 'ErrVersion') {
              h.fail('safety', `round ${round}: Put("k", …, ${round}) returned ${err} after an earlier Put of the same version returned ErrMaybe; with one client, ErrMaybe means the earlier Put applied, so this one must get ErrVersion (a Put applied twice?)`);
            }
            break;
          }
          retried = true;
          if (attempt + 1 >= maybeInARowMax) {
            h.fail('safety', `round ${round}: Put("k", …, ${round}) returned ErrMaybe ${maybeInARowMax} times in a row; once a Put of this version applied, the next one gets ErrVersion on its first send, and ErrVersion on a first send is certain, never ErrMaybe`);
          }
        }
        const got = await ck.get('k');
        if (got.version !== round + 1) h.fail('safety', `after round ${round}, Get("k") returned version ${got.version}; expected ${round + 1} (one applied Put per round)`);
        if (got.value !== '0') h.fail('safety', `after round ${round}, Get("k") returned value ${shown(got.value)}; expected "0" (the round's first Put; a later one was applied too?)`);
      }
      if (!retried) h.fail('safety', `Clerk.put never returned ErrMaybe in ${unreliableRounds} rounds on an unreliable network; a Put that had to be resent and then got ErrVersion must return ErrMaybe`);
      t.countOps(2 * unreliableRounds);
      checkLinearizable(h, checkMs);
    }).then(() => undefined),
};

export const kvTests: readonly KvTest[] = [TestReliablePut, TestPutConcurrentReliable, TestMemPutManyClientsReliable, TestUnreliableNet];
