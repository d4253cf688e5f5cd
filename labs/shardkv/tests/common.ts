/**
 * What the shardkv tests share (the Go lab's test.go helpers): putting the keys, checking them,
 * a group shut down while clerks read, clerks racing Puts, and lab 2's linearizability check
 * over the clerks' history.
 */
import { checkLinearizable } from '../../kvsrv/tests/kv';
import { keyCount, runShardkvTest, seconds, shardkvTestVirtualMsMax, shardkvWorld, shown, type ShardClient, type ShardkvTest, type ShardkvTester } from '../harness';
import { key2shard } from '../types';

/**
 * The checker's budget (wall clock). Go's Porcupine gets 1 s and passes when it runs out;
 * distlab fails instead, so the budget is generous: a verdict must not depend on the load.
 */
export const checkMs = 20_000;
/**
 * maxRaftState of the tests where clerks run for tens of seconds (Go: -1, no snapshots). The
 * simulator's persister encodes the whole Raft state at every save, so an unbounded log makes
 * a 20 s run quadratic (10 clerks: minutes of wall time); with snapshots each save stays small.
 */
export const clerkRunMaxRaftState = 10_000;
/** How long a clerk may take to finish its round once a timed phase ends. */
const clientFinishMsMax = 30_000;

/** A test under the course's name: scenario, world and body. */
export function shardkvTest(name: string, part: string, description: string, options: { readonly unreliable?: boolean; readonly maxRaftState?: number }, body: (h: ShardkvTester) => Promise<void>): ShardkvTest {
  return {
    name,
    part,
    description,
    world: shardkvWorld({ unreliable: options.unreliable ?? false }),
    virtualMsMax: shardkvTestVirtualMsMax,
    run: async (t) => void (await runShardkvTest(t, body, options.maxRaftState ?? -1)),
  };
}

/** The keys "0" .. "n-1" (Go: kvtest.MakeKeys). */
export function makeKeys(n = keyCount): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

/** A value of `bytes` letters from the tester's seeded stream (Go: kvtest.RandValue). */
export function randomValue(h: ShardkvTester, bytes = 20): string {
  return Array.from({ length: bytes }, () => String.fromCharCode(97 + h.randomInt(26))).join('');
}

/** Puts every key once at version 0 (Go: SpreadPuts); each must return OK (or ErrMaybe). */
export async function spreadPuts(h: ShardkvTester, ck: ShardClient, n = keyCount, valueBytes = 20, duplicates = false): Promise<{ keys: string[]; values: string[] }> {
  const keys = makeKeys(n);
  const values = keys.map(() => randomValue(h, valueBytes));
  for (let i = 0; i < n; i++) {
    const err = await ck.put(keys[i], values[i], 0);
    // ErrMaybe: a resent Put found the key made, by its own first copy (no one else puts it);
    // on a network that duplicates requests, so can a first send's ErrVersion.
    if (err !== 'OK' && err !== 'ErrMaybe' && !(duplicates && err === 'ErrVersion')) h.fail('safety', `Put(${shown(keys[i])}, …, 0) of a new key returned ${err}; expected OK`);
  }
  h.t.countOps(n);
  return { keys, values };
}

/** Gets every key and compares (Go: CheckGets). */
export async function checkGets(h: ShardkvTester, ck: ShardClient, keys: readonly string[], values: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i++) await checkGet(h, ck, keys[i], values[i]);
  h.t.countOps(keys.length);
}

export async function checkGet(h: ShardkvTester, ck: ShardClient, key: string, value: string): Promise<void> {
  const got = await ck.get(key);
  if (got.err !== 'OK' || got.value !== value) h.fail('safety', `Get(${shown(key)}) (shard ${key2shard(key)}) returned ${got.err} ${shown(got.value)}; expected ${shown(value)}`);
}

/**
 * Go's checkShutdownSharding: with group `down` shut down, one clerk per key Gets it; within
 * 2 s some must finish (keys on live groups) and not all (keys on `down`); after the group
 * restarts every Get finishes with the right value.
 */
export async function checkShutdownSharding(h: ShardkvTester, down: number, keys: readonly string[], values: readonly string[]): Promise<void> {
  const waitMs = 2_000;
  h.shutdownGroup(down);
  let done = 0;
  keys.forEach((key, i) => {
    const ck = h.makeClient();
    void h.go(async () => {
      await checkGet(h, ck, key, values[i]);
      done++;
    });
  });
  await h.sleep(waitMs);
  if (done >= keys.length) h.fail('safety', `all ${keys.length} Gets finished within ${waitMs / 1000} s while group ${down} was down: some of the keys must be on group ${down}'s shards`);
  if (done === 0) h.fail('liveness', `none of ${keys.length} Gets finished within ${waitMs / 1000} s with only group ${down} down: keys on the live groups must still be served`);
  h.startGroup(down);
  await waitFor(h, () => done === keys.length, 10_000, `the ${keys.length - done} Gets waiting on group ${down} to finish after it restarted`);
  h.t.countOps(keys.length);
}

/** Waits in virtual time until `condition` holds; fails naming `what` after `ms`. */
export async function waitFor(h: ShardkvTester, condition: () => boolean, ms: number, what: string): Promise<void> {
  const until = h.now() + ms;
  while (!condition()) {
    if (h.failure !== null) throw h.failure;
    if (h.now() >= until) h.fail('liveness', `${what} did not happen within ${ms / 1000} s${h.waitingDetail()}`);
    await h.sleep(10);
  }
}

/**
 * Go's SpawnClientsAndWait with OneClientPut: `count` clerks, each picking a random key of
 * `keys`, reading its version and putting a new value with it, for `durationMs`. Returns a
 * promise of the number of operations, which resolves once every clerk finished its round.
 */
export function spawnPutters(h: ShardkvTester, count: number, keys: readonly string[], durationMs: number): Promise<number> {
  let stop = false;
  let running = count;
  let operations = 0;
  for (let me = 0; me < count; me++) {
    const ck = h.makeClient();
    void h
      .go(async () => {
        for (let round = 0; !stop; round++) {
          const key = keys[h.randomInt(keys.length)];
          const current = await ck.get(key);
          await ck.put(key, `${me}.${round}`, current.version);
          operations += 2;
        }
      })
      .finally(() => running--);
  }
  return (async () => {
    await h.sleep(durationMs);
    stop = true;
    await waitFor(h, () => running === 0, clientFinishMsMax, `${running} clerks finishing their round after the test's ${seconds(durationMs)}`);
    return operations;
  })();
}

/** Lab 2's linearizability check of the clerks' Gets and Puts (kv-versioned model). */
export function checkPorcupine(h: ShardkvTester): void {
  checkLinearizable(h, checkMs);
}
