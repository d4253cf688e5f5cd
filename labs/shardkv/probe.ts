/**
 * What the shard groups did, in the trace: the tester hands each group server a context whose
 * `serve` records, as `world.note` events, every Get or Put a group answered for a shard it
 * serves, every InstallShard that reached it, and every FreezeShard, InstallShard and DeleteShard
 * it acknowledged, with arrival and reply times. The ownership invariant and the ownership
 * picture read these notes (and only the trace).
 */
import { isObservable, tap, type Observable } from 'rxjs';
import type { NodeContext, TraceEvent, World } from 'distlab';
import { groupRpcNames, key2shard, type Err } from './types';

/** One thing a group did with a shard, as a note: `shardkv.<kind> {json}`. */
export type ShardNote =
  /** A Get or Put of a key in `shard` answered OK, ErrNoKey or ErrVersion (so the group served it). */
  | { readonly kind: 'serve'; readonly gid: number; readonly node: string; readonly shard: number; readonly key: string; readonly method: 'Get' | 'Put'; readonly arrivedMs: number }
  /** An InstallShard request reached a server of the group (before it was applied). */
  | { readonly kind: 'install-arrived'; readonly gid: number; readonly node: string; readonly shard: number; readonly num: number; readonly arrivedMs: number }
  /** The group acknowledged (OK) a FreezeShard, InstallShard or DeleteShard. */
  | { readonly kind: 'freeze' | 'install' | 'delete'; readonly gid: number; readonly node: string; readonly shard: number; readonly num: number; readonly arrivedMs: number }
  /** The tester read the current configuration after a change (or the first one). */
  | { readonly kind: 'config'; readonly num: number; readonly shards: readonly number[] };

const prefix = 'shardkv.';
const served: readonly Err[] = ['OK', 'ErrNoKey', 'ErrVersion'];

/** Records a note in the trace. */
export function recordNote(world: World, note: ShardNote): void {
  const { kind, ...rest } = note;
  world.note(`${prefix}${kind} ${JSON.stringify(rest)}`);
}

/** The shard notes of a trace, each with its virtual time (the reply's, for acknowledgements). */
export function shardNotes(events: Iterable<TraceEvent>): Array<ShardNote & { readonly atMs: number }> {
  const notes: Array<ShardNote & { readonly atMs: number }> = [];
  for (const event of events) {
    const note = noteOf(event);
    if (note !== null) notes.push({ ...note, atMs: event.atMs });
  }
  return notes;
}

/** The shard note an event carries, or null. */
export function noteOf(event: TraceEvent): ShardNote | null {
  if (event.type !== 'world.note' || !event.message.startsWith(prefix)) return null;
  const space = event.message.indexOf(' ');
  return { kind: event.message.slice(prefix.length, space), ...JSON.parse(event.message.slice(space + 1)) } as ShardNote;
}

/** The same reply, once it exists (a value, a promise or an observable), passed through `seen`. */
function settle(result: unknown, seen: (reply: unknown) => void): unknown {
  if (isObservable(result)) return (result as Observable<unknown>).pipe(tap(seen));
  if (result instanceof Promise) return result.then((reply: unknown) => (seen(reply), reply));
  seen(result);
  return result;
}

/**
 * A group server's context with `serve` wrapped to record what the group did (everything else
 * is the server's own context). The handler and its reply are untouched.
 */
export function probedContext(ctx: NodeContext, gid: number, world: World): NodeContext {
  const node = ctx.id;
  const serve = (method: string, handler: (args: never, from: string) => unknown): void => {
    ctx.serve(method, (args: Record<string, unknown>, from: string) => {
      const arrivedMs = ctx.now();
      const shard = typeof args.key === 'string' ? key2shard(args.key) : Number(args.shard);
      const num = Number(args.num);
      if (method === groupRpcNames.installShard) recordNote(world, { kind: 'install-arrived', gid, node, shard, num, arrivedMs });
      return settle(handler(args as never, from), (reply) => {
        const err = (reply as { err?: Err } | null)?.err;
        if (err === undefined) return;
        if ((method === groupRpcNames.get || method === groupRpcNames.put) && served.includes(err)) {
          recordNote(world, { kind: 'serve', gid, node, shard, key: String(args.key), method: method === groupRpcNames.get ? 'Get' : 'Put', arrivedMs });
        }
        const kind = method === groupRpcNames.freezeShard ? 'freeze' : method === groupRpcNames.installShard ? 'install' : method === groupRpcNames.deleteShard ? 'delete' : null;
        if (kind !== null && err === 'OK') recordNote(world, { kind, gid, node, shard, num, arrivedMs });
      });
    });
  };
  return new Proxy(ctx, {
    get(target, property) {
      if (property === 'serve') return serve;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
