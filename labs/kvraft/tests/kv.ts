/**
 * Parts 4B and 4C: the Go lab's kvraft1 tests under their names, with their scenarios and
 * thresholds, in virtual time. Most are the course's GenericTest with different clients,
 * servers and faults; TestSpeed, TestOnePartition, TestSnapshotRPC and TestSnapshotSize are their own.
 */
import { kvraftWorld, type KvraftTest } from '../rsm-tester';
import { electionTimeoutMs, runKvraftTest, type KvraftClient, type KvraftTester, type KvTestOptions } from '../kv-tester';

/** The course's per-test limit (120 s), in virtual ms. */
const kvTestVirtualMsMax = 120_000;
/** GenericTest: iterations, and how long the clients run in each (Go: NITER, NSEC). */
const iterations = 3;
const clientMs = 1000;
/** Keys of the random-keys tests (Go: NKEYS). */
const keyCount = 100;
/** TestSnapshot*'s maxraftstate. */
const snapshotMaxRaftState = 1000;

export interface GenericOptions {
  readonly clients: number;
  /** Network settings beyond reliable/unreliable (hidden tests: duplication, long reordering). */
  readonly network?: Readonly<Record<string, unknown>>;
  /** Replaces Go's Partitioner while the clients run (hidden tests: one-way cuts). */
  readonly faults?: (h: KvraftTester, stopped: () => boolean) => Promise<void>;
  readonly servers: number;
  readonly unreliable?: boolean;
  readonly crash?: boolean;
  readonly partitions?: boolean;
  readonly maxRaftState?: number;
  readonly randomKeys?: boolean;
}

/** What one client saw: Puts that returned OK, and Puts that returned ErrMaybe. */
interface ClientResult {
  ok: number;
  maybe: number;
}

/**
 * Go's OnePut: Put a value naming this client and version until it returns OK or ErrMaybe,
 * reading the version after each try. Returns the next version and whether the Put was OK.
 */
async function onePut(h: KvraftTester, me: number, client: KvraftClient, key: string, version: number): Promise<{ version: number; ok: boolean }> {
  for (let at = version; ; ) {
    const err = await client.put(key, JSON.stringify({ id: me, v: at }), at);
    if (err !== 'OK' && err !== 'ErrVersion' && err !== 'ErrMaybe') h.fail('safety', `client ${client.id}: Put(${JSON.stringify(key)}, …, ${at}) returned ${err}; expected OK, ErrVersion or ErrMaybe`);
    const got = await client.get(key);
    if (err === 'OK' && got.version === at + 1) {
      const entry = JSON.parse(got.value || '{}') as { id?: number; v?: number };
      if (entry.id !== me || entry.v !== at) h.fail('safety', `client ${client.id}'s Put at version ${at} returned OK and the key is at version ${at + 1}, but it holds ${got.value}, not this client's value`);
    }
    at = got.version;
    if (err === 'OK' || err === 'ErrMaybe') return { version: at, ok: err === 'OK' };
  }
}

/** Go's OneClientPut: Puts on the test's keys until done. */
async function oneClientPut(h: KvraftTester, me: number, client: KvraftClient, keys: readonly string[], done: () => boolean): Promise<ClientResult> {
  const result: ClientResult = { ok: 0, maybe: 0 };
  const versions = new Map<string, number>();
  while (!done()) {
    const key = keys.length === 1 ? keys[0] : keys[h.randomInt(keys.length)];
    const { version, ok } = await onePut(h, me, client, key, versions.get(key) ?? 0);
    versions.set(key, version);
    if (ok) result.ok++;
    else result.maybe++;
  }
  return result;
}

/**
 * Go's CheckPutConcurrent: the key's version counts the Puts. Without faults it equals the OK
 * Puts; with faults (a lost reply, a leader change) it lies between the OK Puts and the OK plus
 * ErrMaybe Puts.
 */
async function checkPutConcurrent(h: KvraftTester, client: KvraftClient, total: ClientResult, exact: boolean): Promise<void> {
  const { ok, maybe } = total;
  const { version } = await client.get('k');
  if (exact && version !== ok) h.fail('safety', `the key's version is ${version}, but the clients saw ${ok} Puts return OK (and ${maybe} ErrMaybe) without faults: every OK Put bumps the version once, and nothing else does`);
  if (version < ok || version > ok + maybe) h.fail('safety', `the key's version is ${version}, but the clients saw ${ok} Puts return OK and ${maybe} ErrMaybe: it must lie between ${ok} and ${ok + maybe}`);
}

/** One GenericTest iteration: clients for 1 s (with the partitioner), heal, crash, checks. */
async function genericIteration(h: KvraftTester, options: GenericOptions, keys: readonly string[], reader: KvraftClient, total: ClientResult): Promise<void> {
  let partitionerStopped = false;
  let partitioner: Promise<void> = Promise.resolve();
  const clients = h.spawnClientsAndWait(options.clients, clientMs, (me, client, done) => oneClientPut(h, me, client, keys, done));
  if (options.partitions === true) {
    await h.sleep(1000);
    partitioner = h.go(() => (options.faults ?? ((tester, stopped) => tester.partitioner(stopped)))(h, () => partitionerStopped));
  }
  const results = await clients;
  if (options.partitions === true) {
    partitionerStopped = true;
    await partitioner;
    h.group.heal();
    await h.sleep(electionTimeoutMs);
  }
  for (const result of results) {
    total.ok += result.ok;
    total.maybe += result.maybe;
  }
  if (options.randomKeys !== true) await checkPutConcurrent(h, reader, total, options.unreliable !== true && options.crash !== true && options.partitions !== true);
  if (options.crash === true) await h.crashAndRestartAll();
  h.checkLogSize();
}

function kvTest(name: string, part: string, description: string, options: KvTestOptions, body: (h: KvraftTester) => Promise<void>): KvraftTest {
  return { name, part, description, world: kvraftWorld({ unreliable: options.unreliable }), virtualMsMax: kvTestVirtualMsMax, run: (t) => runKvraftTest(t, options, body) };
}

function describeGeneric(options: GenericOptions): string {
  const faults = [options.unreliable === true ? 'unreliable network' : 'reliable network', options.partitions === true ? 'random partitions' : '', options.crash === true ? 'every server crashes and restarts each round' : '', (options.maxRaftState ?? -1) > 0 ? `snapshots at ${options.maxRaftState} bytes` : ''].filter((part) => part !== '');
  const keys = options.randomKeys === true ? `${keyCount} random keys` : 'one key';
  return `${options.clients} clients, ${options.servers} servers, ${keys}, ${faults.join(', ')}: ${iterations} rounds of 1 s of Puts and Gets; versions count the Puts and the history is linearizable`;
}

/** Go's GenericTest as a lab test. */
export function genericTest(name: string, part: string, options: GenericOptions): KvraftTest {
  const testOptions = { servers: options.servers, unreliable: options.unreliable === true, maxRaftState: options.maxRaftState ?? -1 };
  const test = kvTest(name, part, describeGeneric(options), testOptions, async (h) => {
    const keys = options.randomKeys === true ? Array.from({ length: keyCount }, (_, i) => `k${i}`) : ['k'];
    const reader = h.makeClient();
    const total: ClientResult = { ok: 0, maybe: 0 };
    for (let round = 0; round < iterations; round++) await genericIteration(h, options, keys, reader, total);
    // Once, over the whole history (Go checks after each round, the growing history each time).
    h.checkLinearizable(undefined, { errVersionUncertain: options.network?.duplicateProbability !== undefined });
    h.t.countOps(total.ok + total.maybe);
  });
  if (options.network === undefined) return test;
  const world = test.world ?? {};
  return { ...test, world: { ...world, network: { ...world.network, ...options.network } } };
}

/** TestSpeed: operations, and the bound per operation (Go: heartbeat interval / 3 = 33.3 ms). */
const speedOps = 1000;
const speedMsPerOpMax = 100 / 3;

function speedTest(name: string, part: string, maxRaftState: number): KvraftTest {
  return kvTest(
    name,
    part,
    `${speedOps} sequential Puts by one client on 3 servers${maxRaftState > 0 ? `, snapshots at ${maxRaftState} bytes` : ''}: at most ${speedMsPerOpMax.toFixed(1)} ms of virtual time per Put (send new entries at once, not with the next heartbeat)`,
    { servers: 3, unreliable: false, maxRaftState },
    async (h) => {
      const client = h.makeClient();
      await client.get('x'); // a leader is elected and serving
      const startedMs = h.now();
      for (let i = 0; i < speedOps; i++) {
        const err = await client.put('k', String(i), i);
        if (err !== 'OK') h.fail('safety', `Put("k", "${i}", ${i}) returned ${err}; expected OK (one client, reliable network)`);
      }
      const perOpMs = (h.now() - startedMs) / speedOps;
      const got = await client.get('k');
      if (got.version !== speedOps) h.fail('safety', `after ${speedOps} Puts, Get("k") returned version ${got.version}`);
      h.t.log(`${perOpMs.toFixed(2)} ms of virtual time per Put`);
      if (perOpMs > speedMsPerOpMax) h.fail('liveness', `operations completed too slowly: ${perOpMs.toFixed(1)} ms per Put > ${speedMsPerOpMax.toFixed(1)} ms (does the leader wait for the next heartbeat to send a new entry?)`);
      h.checkLogSize();
      h.t.countOps(speedOps + 2);
    },
  );
}

/** Resolves once `task` ends, recording when it did. */
function track(h: KvraftTester, task: () => Promise<unknown>): { readonly done: () => boolean } {
  let finished = false;
  void h.go(async () => {
    await task();
    finished = true;
  });
  return { done: () => finished };
}

const TestOnePartition4B = kvTest(
  'TestOnePartition4B',
  '4B',
  'the leader is put in a 2-server minority: the majority makes progress; a Put and a Get in the minority do not complete within 1 s; after the heal the Put completes within 3 s',
  { servers: 5, unreliable: false, maxRaftState: -1 },
  async (h) => {
    const ck = h.makeClient();
    await ck.putAtLeastOnce('1', '13', 0);
    const leader = h.group.leader();
    if (leader === -1) h.fail('liveness', 'no server says it leads after a Put succeeded');
    const { majority, minority } = h.group.majorityWithout(leader, (max) => h.randomInt(max));
    h.group.partition([majority, minority]);
    const ckp1 = h.makeClient(majority);
    const ckp2a = h.makeClient(minority);
    const ckp2b = h.makeClient(minority);
    await ckp1.putAtLeastOnce('1', '14', 1);
    await ckp1.checkGet('1', '14', 2);
    const put = track(h, () => ckp2a.putAtLeastOnce('1', '15', 2));
    const get = track(h, () => ckp2b.get('1'));
    await h.sleep(1000);
    if (put.done()) h.fail('safety', `a Put by client ${ckp2a.id}, which reaches only the minority (servers ${minority.join(', ')}), completed: it cannot have committed`);
    if (get.done()) h.fail('safety', `a Get by client ${ckp2b.id}, which reaches only the minority (servers ${minority.join(', ')}), completed: the minority cannot know the latest value`);
    await ckp1.checkGet('1', '14', 2);
    await ckp1.putAtLeastOnce('1', '16', 2);
    await ckp1.checkGet('1', '16', 3);
    h.group.heal();
    h.connectClient(ckp2a);
    h.connectClient(ckp2b);
    await h.sleep(electionTimeoutMs);
    const deadline = h.now() + 3000;
    while (!put.done() && h.now() < deadline) await h.sleep(10);
    if (!put.done()) h.fail('liveness', `the minority's Put did not complete within 3 s after the heal${h.waitingDetail()}`);
    await ck.checkGet('1', '15', 4);
    h.checkLinearizable();
    h.t.countOps(10);
  },
);

const TestSnapshotRPC4C = kvTest(
  'TestSnapshotRPC4C',
  '4C',
  `maxRaftState ${snapshotMaxRaftState}, 3 servers: 50 Puts while server 2 is cut off, then a majority that needs server 2, which must catch up by InstallSnapshot; Raft state stays within ${8 * snapshotMaxRaftState} bytes`,
  { servers: 3, unreliable: false, maxRaftState: snapshotMaxRaftState },
  async (h) => {
    const ck = h.makeClient();
    const a = await ck.putAtLeastOnce('a', 'A', 0);
    await ck.checkGet('a', 'A', a + 1);
    h.group.partition([[0, 1], [2]]);
    const ck1 = h.makeClient([0, 1]);
    for (let i = 0; i < 50; i++) await ck1.putAtLeastOnce(String(i), String(i), 0);
    await h.sleep(electionTimeoutMs);
    const b = await ck1.putAtLeastOnce('b', 'B', 0);
    h.checkLogSize();
    h.group.partition([[0, 2], [1]]);
    const ck2 = h.makeClient([0, 2]);
    const c = await ck2.putAtLeastOnce('c', 'C', 0);
    await ck2.putAtLeastOnce('d', 'D', 0);
    await ck2.checkGet('a', 'A', a + 1);
    await ck2.checkGet('b', 'B', b + 1);
    await ck2.checkGet('c', 'C', c + 1);
    h.group.heal();
    const e = await ck.putAtLeastOnce('e', 'E', 0);
    await ck.checkGet('c', 'C', c + 1);
    await ck.checkGet('e', 'E', e + 1);
    for (const key of ['1', '49']) {
      const got = await ck.get(key);
      if (got.err !== 'OK' || got.value !== key) h.fail('safety', `Get(${JSON.stringify(key)}) returned ${got.err} ${JSON.stringify(got.value)}; expected ${JSON.stringify(key)} (put while server 2 was cut off)`);
    }
    h.checkLogSize();
    h.checkLinearizable();
    h.t.countOps(63);
  },
);

/** TestSnapshotSize4C: the bound on the snapshot (Go: MAXSNAPSHOTSTATE). */
const snapshotBytesMax = 500;

const TestSnapshotSize4C = kvTest(
  'TestSnapshotSize4C',
  '4C',
  `maxRaftState ${snapshotMaxRaftState}, 3 servers, 200 rounds of 2 Puts and 2 Gets on one key: Raft state within ${8 * snapshotMaxRaftState} bytes, snapshots within ${snapshotBytesMax} bytes`,
  { servers: 3, unreliable: false, maxRaftState: snapshotMaxRaftState },
  async (h) => {
    const ck = h.makeClient();
    let version = 0;
    for (let i = 0; i < 200; i++) {
      version = await ck.putAtLeastOnce('x', '0', version);
      await ck.checkGet('x', '0', version + 1);
      version = await ck.putAtLeastOnce('x', '1', version + 1);
      await ck.checkGet('x', '1', version + 1);
      version++;
    }
    h.checkLogSize();
    const size = h.group.snapshotSize();
    if (size > snapshotBytesMax) h.fail('safety', `snapshot too large: ${size} bytes > ${snapshotBytesMax} (one key is stored; is the whole log in the snapshot?)`);
    h.t.countOps(800);
  },
);

const snap = snapshotMaxRaftState;

export const kvTests4B: readonly KvraftTest[] = [
  genericTest('TestBasic4B', '4B', { clients: 1, servers: 5 }),
  speedTest('TestSpeed4B', '4B', -1),
  genericTest('TestConcurrent4B', '4B', { clients: 5, servers: 5 }),
  genericTest('TestUnreliable4B', '4B', { clients: 5, servers: 5, unreliable: true }),
  TestOnePartition4B,
  genericTest('TestManyPartitionsOneClient4B', '4B', { clients: 1, servers: 5, partitions: true }),
  genericTest('TestManyPartitionsManyClients4B', '4B', { clients: 5, servers: 5, partitions: true }),
  genericTest('TestPersistOneClient4B', '4B', { clients: 1, servers: 5, crash: true }),
  genericTest('TestPersistConcurrent4B', '4B', { clients: 5, servers: 5, crash: true }),
  genericTest('TestPersistConcurrentUnreliable4B', '4B', { clients: 5, servers: 5, unreliable: true, crash: true }),
  genericTest('TestPersistPartition4B', '4B', { clients: 5, servers: 5, crash: true, partitions: true }),
  genericTest('TestPersistPartitionUnreliable4B', '4B', { clients: 5, servers: 5, unreliable: true, crash: true, partitions: true }),
  genericTest('TestPersistPartitionUnreliableLinearizable4B', '4B', { clients: 15, servers: 7, unreliable: true, crash: true, partitions: true, randomKeys: true }),
];

export const kvTests4C: readonly KvraftTest[] = [
  TestSnapshotRPC4C,
  TestSnapshotSize4C,
  speedTest('TestSpeed4C', '4C', snap),
  genericTest('TestSnapshotRecover4C', '4C', { clients: 1, servers: 5, crash: true, maxRaftState: snap }),
  genericTest('TestSnapshotRecoverManyClients4C', '4C', { clients: 20, servers: 5, crash: true, maxRaftState: snap }),
  genericTest('TestSnapshotUnreliable4C', '4C', { clients: 5, servers: 5, unreliable: true, maxRaftState: snap }),
  genericTest('TestSnapshotUnreliableRecover4C', '4C', { clients: 5, servers: 5, unreliable: true, crash: true, maxRaftState: snap }),
  genericTest('TestSnapshotUnreliableRecoverConcurrentPartition4C', '4C', { clients: 5, servers: 5, unreliable: true, crash: true, partitions: true, maxRaftState: snap }),
  genericTest('TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4C', '4C', { clients: 15, servers: 7, unreliable: true, crash: true, partitions: true, randomKeys: true, maxRaftState: snap }),
];
