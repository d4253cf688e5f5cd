/**
 * Lab 2: your key/value server, Clerk and lock (MIT 6.5840 kvsrv1). Fill in every "Your code
 * here" (README.md says what each part needs), here or in the lab notebook kvsrv.ipynb, which has
 * the same code in cells with explanations. Run the tests with
 * `npx distlab test kvsrv --part kv` (then `--part lock`).
 */
import type { NodeContext } from 'distlab';
import { rpcNames, type ClerkConfig, type GetReply, type KVClerk, type KVLock, type LockConfig, type PutErr } from './types';

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
    // Your code here.
  }

  get(args: GetArgs): GetReply {
    // Your code here.
    throw notWritten('KVServer.get');
  }

  put(args: PutArgs): PutReply {
    // Your code here.
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
    // Your code here.
    throw notWritten('Clerk.get');
  }

  async put(key: string, value: string, version: number): Promise<PutErr> {
    // Your code here.
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
    // Your code here.
    throw notWritten('Lock.acquire');
  }

  async release(): Promise<void> {
    // Your code here.
    throw notWritten('Lock.release');
  }
}
