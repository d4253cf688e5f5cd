/**
 * Reference of Lab 5's clerks: the group clerk (Go: shardgrp/client.go), which finds a group's
 * leader, and the Clerk of the sharded service (Go: shardkv1/client.go), which finds a key's
 * group from the configuration and follows it when the shard moves.
 */
import type { NodeContext } from 'distlab';
import { groupRpcNames, key2shard, notWritten, type Err, type GetReply, type ShardClerkApi, type ShardClerkConfig, type ShardConfig } from '../../../labs/shardkv/types';

// notebook: group-clerk 5A
/** How long a clerk waits after a round in which no server of a group answered. */
export const retryIntervalMs = 100;

/** What a call to a group gave: the reply, or none after `rounds` rounds over its servers. */
export type GroupAnswer<R> = { readonly reply: R; readonly uncertain: boolean } | { readonly reply: null; readonly uncertain: boolean };

/**
 * Talks to one group: starts at the server that led last time, moves on at ErrWrongLeader or a
 * lost call. `uncertain` says whether a request may have been applied without its reply
 * reaching us (a lost reply, or a leader that lost its term after starting it).
 */
export class GroupClerk {
  private leader = 0;

  constructor(
    private readonly ctx: NodeContext,
    readonly servers: readonly string[],
  ) {}

  /** Tries every server up to `rounds` times (Infinity: until one answers), pausing between rounds. */
  async call<R extends { readonly err: Err }>(method: string, args: object, rounds: number): Promise<GroupAnswer<R>> {
    // BEGIN SOLUTION
    let uncertain = false;
    for (let round = 0; round < rounds; round++) {
      for (let tried = 0; tried < this.servers.length; tried++) {
        const result = await this.ctx.call<R>(this.servers[this.leader], method, args);
        if (result.ok && result.value.err !== 'ErrWrongLeader') return { reply: result.value, uncertain };
        uncertain = true;
        this.leader = (this.leader + 1) % this.servers.length;
      }
      if (round + 1 < rounds) await this.ctx.sleep(retryIntervalMs);
    }
    return { reply: null, uncertain };
    // END SOLUTION
    throw notWritten('GroupClerk.call', '5A');
  }
}

// notebook: clerk 5A
/**
 * The Clerk: looks up the key's group in the configuration it last read, asks that group, and
 * reads the configuration again when the group says ErrWrongGroup or does not answer (it may
 * have left). A resent Put that gets ErrVersion returns ErrMaybe, as in lab 2.
 */
export class Clerk implements ShardClerkApi {
  private config: ShardConfig | null = null;
  private readonly groups = new Map<number, GroupClerk>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: ShardClerkConfig,
  ) {}

  async get(key: string): Promise<GetReply> {
    for (;;) {
      const answer = await this.ask<GetReply>(key, groupRpcNames.get, { key });
      if (answer.reply !== null) return answer.reply;
    }
  }

  async put(key: string, value: string, version: number): Promise<Err> {
    // BEGIN SOLUTION
    let uncertain = false;
    for (;;) {
      const answer = await this.ask<{ readonly err: Err }>(key, groupRpcNames.put, { key, value, version });
      uncertain ||= answer.uncertain;
      if (answer.reply !== null) return answer.reply.err === 'ErrVersion' && uncertain ? 'ErrMaybe' : answer.reply.err;
    }
    // END SOLUTION
    throw notWritten('Clerk.put', '5A');
  }

  /** One try at the key's group: its reply, or null (after reading the configuration again). */
  private async ask<R extends { readonly err: Err }>(key: string, method: string, args: object): Promise<GroupAnswer<R>> {
    // BEGIN SOLUTION
    let uncertain = false;
    this.config ??= await this.options.ctrler.query();
    const gid = this.config.shards[key2shard(key)];
    const servers = this.config.groups[String(gid)];
    if (servers !== undefined) {
      const answer = await this.group(gid, servers).call<R>(method, args, 1);
      if (answer.reply !== null && answer.reply.err !== 'ErrWrongGroup') return answer;
      uncertain = answer.uncertain;
    }
    // Moved, or the group did not answer: read the configuration again, after a pause.
    this.config = null;
    await this.ctx.sleep(retryIntervalMs);
    return { reply: null, uncertain };
    // END SOLUTION
    throw notWritten('Clerk.ask', '5A');
  }

  private group(gid: number, servers: readonly string[]): GroupClerk {
    const known = this.groups.get(gid);
    if (known !== undefined && known.servers.join() === servers.join()) return known;
    const clerk = new GroupClerk(this.ctx, servers);
    this.groups.set(gid, clerk);
    return clerk;
  }
}
