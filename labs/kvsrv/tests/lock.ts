/**
 * The lock built on the Clerk: the Go lab's kvsrv1/lock tests of the same names. Besides the
 * Go tests' own check (the shared key "l0" must be "" whenever a client has just acquired the
 * lock), every test checks mutual exclusion as an invariant over the whole trace.
 */
import { kvTestVirtualMsMax, kvWorld, runKvTest, type KvClient, type KvTest, type KvTester } from '../harness';
import { lockMutualExclusion } from '../lock-ownership';
import type { TestContext } from 'distlab/testing';
import type { KvsrvImplementation } from '../types';

/** Go's NCLNT and NSEC: clients in the many-client tests, and how long they run. */
const lockClients = 10;
const lockRunMs = 2000;
/** How long a client holds the lock (Go: time.Sleep(10 * time.Millisecond)). */
const holdMs = 10;
/** TestReliableNested: how long a second client must stay blocked on a held lock. */
const blockedMs = 1000;

/** Fails when the trace shows two clients holding one lock at once. */
export function checkMutualExclusion(h: KvTester): void {
  const violation = lockMutualExclusion.check(h.world.trace.events);
  if (violation !== null) h.fail('safety', `${lockMutualExclusion.name}: ${violation.detail}`);
}

/**
 * Runs a lock test body (runKvTest), then checks mutual exclusion over the trace, even when the
 * body failed: an overlap is the root cause of most other lock failures, so it wins.
 */
export async function runLockTest(t: TestContext<KvsrvImplementation>, body: (h: KvTester) => Promise<void>): Promise<void> {
  let thrown: unknown = null;
  let tester: KvTester | null = null;
  try {
    await runKvTest(t, async (h) => {
      tester = h;
      await body(h);
    });
  } catch (error) {
    thrown = error;
  }
  if (tester !== null) checkMutualExclusion(tester);
  if (thrown !== null) throw thrown;
}

function lockTest(name: string, description: string, unreliable: boolean, body: (h: KvTester) => Promise<void>): KvTest {
  return { name, part: 'lock', description, world: kvWorld({ unreliable }), virtualMsMax: kvTestVirtualMsMax, run: (t) => runLockTest(t, body) };
}

/** Go's oneClient: acquire, check and write the shared key "l0", hold 10 ms, clear it, release. */
async function lockClient(h: KvTester, me: number, client: KvClient, done: () => boolean): Promise<number> {
  const lock = client.lock('l');
  await client.put('l0', '', 0);
  let rounds = 0;
  while (!done()) {
    await lock.acquire();
    const current = await client.get('l0');
    if (current.err !== 'OK') h.fail('safety', `client ${me}: Get("l0") returned ${current.err} while holding the lock`);
    if (current.value !== '') h.fail('safety', `client ${me}: two clients acquired the lock: "l0" holds ${JSON.stringify(current.value)} right after ${client.id} acquired it`);
    const mine = await client.put('l0', String(me), current.version);
    if (mine !== 'OK' && mine !== 'ErrMaybe') h.fail('safety', `client ${me}: Put("l0", "${me}", ${current.version}) returned ${mine} while holding the lock`);
    await h.sleep(holdMs);
    const cleared = await client.put('l0', '', current.version + 1);
    if (cleared !== 'OK' && cleared !== 'ErrMaybe') h.fail('safety', `client ${me}: Put("l0", "", ${current.version + 1}) returned ${cleared} while holding the lock`);
    await lock.release();
    rounds++;
  }
  return rounds;
}

async function runClients(h: KvTester, count: number): Promise<void> {
  const rounds = await h.spawnClientsAndWait(count, lockRunMs, (me, client, done) => lockClient(h, me, client, done));
  const total = rounds.reduce((sum, n) => sum + n, 0);
  h.t.log(`${total} acquisitions by ${count} clients (${rounds.join(', ')})`);
  if (total === 0) h.fail('liveness', `no client acquired and released the lock in ${lockRunMs / 1000} s`);
  h.t.countOps(total);
}

const TestReliableBasic = lockTest('TestReliableBasic', 'one client acquires and releases a lock once', false, async (h) => {
  const lock = h.makeClient().lock('l');
  await lock.acquire();
  await lock.release();
  h.t.countOps(2);
});

const TestReliableNested = lockTest(
  'TestReliableNested',
  'one client holds two locks at once; another client blocks on the first until it is released; the locks are independent',
  false,
  async (h) => {
    const first = h.makeClient();
    const lock1 = first.lock('l1');
    const lock2 = first.lock('l2');
    await lock1.acquire();
    await lock2.acquire();
    const second = h.makeClient().lock('l1');
    let acquired = false;
    const waiter = h.go(async () => {
      await second.acquire();
      acquired = true;
    });
    await h.sleep(blockedMs);
    if (acquired) h.fail('safety', `a second client acquired lock "l1" while the first client held it`);
    await lock2.release();
    await lock1.release();
    await waiter;
    await second.release();
    await lock2.acquire();
    await lock2.release();
    h.t.countOps(8);
  },
);

export const lockTests: readonly KvTest[] = [
  TestReliableBasic,
  TestReliableNested,
  lockTest('TestOneClientReliable', 'one client acquires and releases the lock repeatedly for 2 s on a reliable network', false, (h) => runClients(h, 1)),
  lockTest('TestManyClientsReliable', `${lockClients} clients contend for one lock for 2 s on a reliable network; never two holders at once`, false, (h) => runClients(h, lockClients)),
  lockTest('TestOneClientUnreliable', 'one client acquires and releases the lock repeatedly for 2 s on an unreliable network', true, (h) => runClients(h, 1)),
  lockTest('TestManyClientsUnreliable', `${lockClients} clients contend for one lock for 2 s on an unreliable network; never two holders at once`, true, (h) => runClients(h, lockClients)),
];
