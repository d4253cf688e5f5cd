/**
 * Buggy variants of the reference kvsrv (grading/solutions/kvsrv/kvsrv.ts), each one real
 * student mistake, written as exact text edits so they follow the reference as it evolves: an
 * edit whose `find` text no longer occurs exactly once makes the mutant runner fail loudly.
 */
import type { Mutant } from '../mutant';

export const kvsrvMutants: readonly Mutant[] = [
  {
    name: 'server-ignores-version',
    mistake: 'the server installs every Put on an existing key, whatever its version',
    edits: [{ find: "    if (entry.version !== args.version) return { err: 'ErrVersion' };\n", replace: '' }],
  },
  {
    name: 'missing-key-any-version',
    mistake: 'a Put of a missing key creates it whatever the version (it should get ErrNoKey unless the version is 0)',
    edits: [{ find: "      if (args.version !== 0) return { err: 'ErrNoKey' };\n", replace: '' }],
  },
  {
    name: 'get-missing-key-empty',
    mistake: 'a Get of a missing key answers an empty value with OK instead of ErrNoKey',
    edits: [{ find: "    if (entry === undefined) return { value: '', version: 0, err: 'ErrNoKey' };", replace: "    if (entry === undefined) return { value: '', version: 0, err: 'OK' };" }],
  },
  {
    name: 'clerk-errversion-on-retransmit',
    mistake: 'the Clerk returns ErrVersion for a resent Put that got ErrVersion, though its first copy may have applied',
    edits: [{ find: "      if (result.ok) return result.value.err === 'ErrVersion' && attempt > 1 ? 'ErrMaybe' : result.value.err;", replace: '      if (result.ok) return result.value.err;' }],
  },
  {
    name: 'clerk-errmaybe-always',
    mistake: 'the Clerk turns every ErrVersion into ErrMaybe, even on the first send, when ErrVersion is certain',
    edits: [{ find: "      if (result.ok) return result.value.err === 'ErrVersion' && attempt > 1 ? 'ErrMaybe' : result.value.err;", replace: "      if (result.ok) return result.value.err === 'ErrVersion' ? 'ErrMaybe' : result.value.err;" }],
  },
  {
    name: 'clerk-gives-up',
    mistake: 'the Clerk gives up after the first lost Put and reports OK, as if it had been applied',
    edits: [{ find: '      await this.ctx.sleep(retryIntervalMs);\n    }\n    // END SOLUTION\n    throw notWritten(\'Clerk.put\');', replace: "      if (attempt >= 1) return 'OK';\n    }\n    // END SOLUTION\n    throw notWritten('Clerk.put');" }],
  },
  {
    name: 'server-per-client-table',
    mistake: 'the server keeps a duplicate table per client (its last request number and reply), which versioned Puts make unnecessary',
    edits: [
      { find: '  private readonly data = new Map<string, { value: string; version: number }>();\n', replace: '  private readonly data = new Map<string, { value: string; version: number }>();\n  private readonly lastReply = new Map<string, { seq: number; err: PutErr }>();\n' },
      { find: '  readonly version: number;\n}\n\ninterface PutReply', replace: '  readonly version: number;\n  readonly client?: string;\n  readonly seq?: number;\n}\n\ninterface PutReply' },
      { find: '  put(args: PutArgs): PutReply {\n    // BEGIN SOLUTION\n', replace: "  put(args: PutArgs): PutReply {\n    // BEGIN SOLUTION\n    const seen = this.lastReply.get(args.client ?? '');\n    if (seen !== undefined && seen.seq === args.seq) return { err: seen.err };\n    const reply = this.apply(args);\n    this.lastReply.set(args.client ?? '', { seq: args.seq ?? 0, err: reply.err });\n    return reply;\n  }\n\n  private apply(args: PutArgs): PutReply {\n" },
      { find: '    const args: PutArgs = { key, value, version };', replace: '    const args: PutArgs = { key, value, version, client: this.clientId, seq: ++this.seq };' },
      { find: '    private readonly config: ClerkConfig,\n  ) {}\n', replace: "    private readonly config: ClerkConfig,\n  ) {\n    this.clientId = `${ctx.id}:${ctx.randomInt(0, 2 ** 31 - 1)}`;\n  }\n\n  private readonly clientId: string;\n  private seq = 0;\n" },
    ],
  },
  {
    name: 'lock-errmaybe-is-failure',
    mistake: "acquire treats ErrMaybe as losing and only ever takes a free lock, so when its ErrMaybe Put did apply it waits for itself forever",
    edits: [{ find: '      if (current.err === \'OK\' && current.value === this.id) return; // an ErrMaybe Put of ours did apply\n', replace: '' }],
  },
  {
    name: 'lock-errmaybe-is-success',
    mistake: 'acquire treats ErrMaybe as winning, though another client may have taken the lock first',
    edits: [{ find: "        if (err === 'OK') return;\n        if (err === 'ErrMaybe') continue;", replace: "        if (err === 'OK' || err === 'ErrMaybe') return;\n        if (err === 'ErrMaybe') continue;" }],
  },
  {
    name: 'release-without-holder-check',
    mistake: 'release clears the lock key without checking that this lock still holds it, so a resent release can free another client\'s lock',
    edits: [{ find: '      if (current.err !== \'OK\' || current.value !== this.id) return;\n', replace: "      if (current.err !== 'OK') return;\n" }],
  },
  {
    name: 'lock-shared-id',
    mistake: 'every lock object uses the lock name as its holder id, so two clients each think the lock is theirs',
    edits: [{ find: '    this.id = `${ctx.id}#${ctx.incarnation}:${ctx.randomInt(0, 2 ** 31 - 1)}`;', replace: '    this.id = `holder-of-${config.name}`;' }],
  },
];
