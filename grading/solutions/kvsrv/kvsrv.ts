/**
 * Reference solution of Lab 2 (kvsrv): a key/value server with versioned puts, a Clerk that
 * retries over the lossy network and reports ErrMaybe, and a lock built on Get and Put.
 * The student skeleton and notebook are generated from this file (solution regions stripped).
 */
import type { NodeContext } from 'distlab';
import { rpcNames, type ClerkConfig, type GetReply, type KVClerk, type KVLock, type LockConfig, type PutErr } from '../../../labs/kvsrv/types';

// notebook: messages
/** The RPC arguments and replies: plain objects, copied through the network's codec. */
interface GetArgs {
  readonly key: string;
}

interface PutArgs {
  readonly key: string;
  readonly value: string;
  readonly version: number;
}

interface PutReply {
  readonly err: PutErr;
}

/** How long a clerk waits before resending a request whose reply did not come. */
const retryIntervalMs = 100;
/** How long a lock waits before looking again at a lock someone else holds. */
const lockPollMs = 10;

/** What an unwritten method throws, so every test fails at once with a sentence saying what to do. */
function notWritten(method: string): Error {
  return new Error(`${method} is not written yet: fill in "Your code here" in labs/kvsrv/kvsrv.ts or in the lab notebook`);
}

// notebook: server
/**
 * The server: one map from key to (value, version), nothing else. No per-client state: a
 * versioned Put is safe to execute twice (the second copy finds the version moved on and
 * returns ErrVersion), so the server needs no table of requests it has seen.
 */
export class KVServer {
  private readonly data = new Map<string, { value: string; version: number }>();

  constructor(ctx: NodeContext) {
    // BEGIN SOLUTION
    ctx.serve(rpcNames.get, (args: GetArgs) => this.get(args));
    ctx.serve(rpcNames.put, (args: PutArgs) => this.put(args));
    // END SOLUTION
  }

  get(args: GetArgs): GetReply {
    // BEGIN SOLUTION
    const entry = this.data.get(args.key);
    if (entry === undefined) return { value: '', version: 0, err: 'ErrNoKey' };
    return { value: entry.value, version: entry.version, err: 'OK' };
    // END SOLUTION
    throw notWritten('KVServer.get');
  }

  put(args: PutArgs): PutReply {
    // BEGIN SOLUTION
    const entry = this.data.get(args.key);
    if (entry === undefined) {
      if (args.version !== 0) return { err: 'ErrNoKey' };
      this.data.set(args.key, { value: args.value, version: 1 });
      return { err: 'OK' };
    }
    if (entry.version !== args.version) return { err: 'ErrVersion' };
    this.data.set(args.key, { value: args.value, version: entry.version + 1 });
    return { err: 'OK' };
    // END SOLUTION
    throw notWritten('KVServer.put');
  }
}

// notebook: clerk
/**
 * The clerk: sends each request until a reply comes back. A Put that had to be resent and
 * then got ErrVersion may have been applied by an earlier copy whose reply was lost, so it
 * returns ErrMaybe; on the first send ErrVersion is certain.
 */
export class Clerk implements KVClerk {
  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ClerkConfig,
  ) {}

  async get(key: string): Promise<GetReply> {
    // BEGIN SOLUTION
    // Retries until answered: the lab's Clerk never gives up; the test's time limit bounds it.
    for (;;) {
      const result = await this.ctx.call<GetReply>(this.config.server, rpcNames.get, { key });
      if (result.ok) return result.value;
      await this.ctx.sleep(retryIntervalMs);
    }
    // END SOLUTION
    throw notWritten('Clerk.get');
  }

  async put(key: string, value: string, version: number): Promise<PutErr> {
    // BEGIN SOLUTION
    const args: PutArgs = { key, value, version };
    for (let attempt = 1; ; attempt++) {
      const result = await this.ctx.call<PutReply>(this.config.server, rpcNames.put, args);
      if (result.ok) return result.value.err === 'ErrVersion' && attempt > 1 ? 'ErrMaybe' : result.value.err;
      await this.ctx.sleep(retryIntervalMs);
    }
    // END SOLUTION
    throw notWritten('Clerk.put');
  }
}

// notebook: lock
/**
 * The lock: the key `name` holds "" (free) or the id of the lock object that holds it.
 * Acquire installs its id with a versioned Put, so of several clients that read the same free
 * version only one can win. ErrMaybe means "maybe mine": read again and look at the holder.
 */
export class Lock implements KVLock {
  /** Unique per lock object: a restarted client, or two locks on one clerk, never share it. */
  private readonly id: string;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: LockConfig,
  ) {
    this.id = `${ctx.id}#${ctx.incarnation}:${ctx.randomInt(0, 2 ** 31 - 1)}`;
  }

  async acquire(): Promise<void> {
    // BEGIN SOLUTION
    const { clerk, name } = this.config;
    for (;;) {
      const current = await clerk.get(name);
      if (current.err === 'OK' && current.value === this.id) return; // an ErrMaybe Put of ours did apply
      if (current.err === 'ErrNoKey' || current.value === '') {
        const err = await clerk.put(name, this.id, current.version);
        if (err === 'OK') return;
        if (err === 'ErrMaybe') continue; // read again: the holder's id says whether we won
      } else {
        await this.ctx.sleep(lockPollMs);
      }
    }
    // END SOLUTION
    throw notWritten('Lock.acquire');
  }

  async release(): Promise<void> {
    // BEGIN SOLUTION
    const { clerk, name } = this.config;
    for (;;) {
      const current = await clerk.get(name);
      // Not ours (any more): an earlier ErrMaybe release did apply, and someone may hold it now.
      if (current.err !== 'OK' || current.value !== this.id) return;
      const err = await clerk.put(name, '', current.version);
      if (err === 'OK') return;
    }
    // END SOLUTION
    throw notWritten('Lock.release');
  }
}
