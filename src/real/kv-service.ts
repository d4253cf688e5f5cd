/**
 * The small key/value service the real-mode runner puts on top of a Raft peer (until the lab-4
 * kv service exists): Get, Put and Append go through the Raft log, so every read is
 * linearizable; each client's requests carry (client, seq) so a retried Put or Append applies
 * once; the service snapshots itself every `snapshotEveryEntries` applied entries.
 *
 * It uses only the Raft lab's public interface (`new Raft(ctx, { peers, me })`, `start`,
 * `getState`, `snapshot`, `apply$`), so any implementation that passes the lab runs under it.
 */
import type { Observable } from 'rxjs';
import { z } from 'zod';
import type { NodeContext, NodeFactory } from '../runtime/node';

/** What the runner needs of a Raft peer (the lab's `RaftNode`, restated: src/ does not import labs/). */
export interface RaftPeer {
  start(command: unknown): { readonly index: number; readonly term: number; readonly isLeader: boolean };
  getState(): { readonly term: number; readonly isLeader: boolean };
  snapshot(index: number, snapshot: unknown): void;
  readonly apply$: Observable<
    | { readonly type: 'command'; readonly index: number; readonly command: unknown }
    | { readonly type: 'snapshot'; readonly index: number; readonly term: number; readonly snapshot: unknown }
  >;
}
export type RaftConstructor = new (ctx: NodeContext, config: { readonly peers: readonly string[]; readonly me: number }) => RaftPeer;

export const kvRequestSchema = z.object({
  client: z.string().min(1).max(100),
  seq: z.number().int().min(1),
  op: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('get'), key: z.string().max(200) }),
    z.object({ kind: z.literal('put'), key: z.string().max(200), value: z.string().max(10_000) }),
    z.object({ kind: z.literal('append'), key: z.string().max(200), value: z.string().max(10_000) }),
  ]),
});
export type KvRequest = z.infer<typeof kvRequestSchema>;

export type KvReply =
  | { readonly ok: true; readonly output: string | null }
  | { readonly ok: false; readonly error: 'wrong-leader' | 'lost-leadership' | 'timeout' | 'stale' | 'bad-request'; readonly detail?: string };

/** Requests waiting for their log index to apply: resolved with what applied there (null: not a request). */
type Waiting = Map<number, (applied: KvRequest | null) => void>;

/** The service's state, which is also its snapshot. */
interface KvState {
  index: number;
  data: Record<string, string>;
  /** Per client: the last applied seq and its output (a retry gets the same answer). */
  sessions: Record<string, { seq: number; output: string | null }>;
}

export interface KvServiceOptions {
  readonly peers: readonly string[];
  readonly me: number;
  /** How long a request waits for its entry to apply before answering `timeout`. */
  readonly applyWaitMs: number;
  readonly snapshotEveryEntries: number;
}

/** The kv service plus its Raft peer, as a node factory (built again at every restart). */
export function kvServiceNode(Raft: RaftConstructor, options: KvServiceOptions): NodeFactory<{ readonly raft: RaftPeer }> {
  return (ctx) => {
    const raft = new Raft(ctx, { peers: options.peers, me: options.me });
    const state = restoreState(ctx.persister.readSnapshot());
    const waiting: Waiting = new Map();
    raft.apply$.subscribe((message) => {
      if (message.type === 'snapshot') {
        if (message.index > state.index) Object.assign(state, restoreState(message.snapshot), { index: message.index });
        return;
      }
      if (message.index <= state.index) return;
      const request = kvRequestSchema.safeParse(message.command);
      state.index = message.index;
      if (request.success) applyRequest(state, request.data);
      waiting.get(message.index)?.(request.success ? request.data : null);
      waiting.delete(message.index);
      if (state.index % options.snapshotEveryEntries === 0) raft.snapshot(state.index, structuredClone(state));
    });
    ctx.serve('Kv', (args: unknown) => handleKv(ctx, raft, state, waiting, args, options.applyWaitMs));
    return { raft };
  };
}

async function handleKv(
  ctx: NodeContext,
  raft: RaftPeer,
  state: KvState,
  waiting: Waiting,
  args: unknown,
  applyWaitMs: number,
): Promise<KvReply> {
  const parsed = kvRequestSchema.safeParse(args);
  if (!parsed.success) return { ok: false, error: 'bad-request', detail: parsed.error.issues[0]?.message ?? 'invalid' };
  const request = parsed.data;
  const session = state.sessions[request.client];
  if (session !== undefined && session.seq === request.seq) return { ok: true, output: session.output };
  if (session !== undefined && session.seq > request.seq) return { ok: false, error: 'stale' };
  const started = raft.start(request);
  if (!started.isLeader) return { ok: false, error: 'wrong-leader' };
  // An older request waiting on this index (from a deposed term) will never see its entry there.
  waiting.get(started.index)?.(null);
  let resolver: ((applied: KvRequest | null) => void) | null = null;
  const applied = await Promise.race([
    new Promise<KvRequest | null>((resolve) => {
      resolver = resolve;
      waiting.set(started.index, resolve);
    }),
    ctx.sleep(applyWaitMs).then(() => 'timeout' as const),
  ]);
  if (applied === 'timeout') {
    if (waiting.get(started.index) === resolver) waiting.delete(started.index);
    return { ok: false, error: 'timeout' };
  }
  if (applied === null || applied.client !== request.client || applied.seq !== request.seq) return { ok: false, error: 'lost-leadership' };
  return { ok: true, output: state.sessions[request.client]?.output ?? null };
}

function applyRequest(state: KvState, request: KvRequest): void {
  const session = state.sessions[request.client];
  if (session !== undefined && session.seq >= request.seq) return; // a duplicate of an applied request
  const { op } = request;
  const current = state.data[op.key] ?? '';
  let output: string | null = null;
  if (op.kind === 'get') output = current;
  else state.data[op.key] = op.kind === 'put' ? op.value : current + op.value;
  state.sessions[request.client] = { seq: request.seq, output };
}

function restoreState(snapshot: unknown): KvState {
  const empty: KvState = { index: 0, data: {}, sessions: {} };
  if (snapshot === null || typeof snapshot !== 'object') return empty;
  const value = snapshot as Partial<KvState>;
  return { index: value.index ?? 0, data: { ...(value.data ?? {}) }, sessions: { ...(value.sessions ?? {}) } };
}
