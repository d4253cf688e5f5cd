/**
 * The network's options as callers and students see them (types and labrpc's constants). The
 * validation lives in network-schema.ts: zod's types stay out of these declarations,
 * so type-checking code that imports distlab (a submission, a notebook cell) does not parse
 * zod's 95 declaration files.
 */
export { labrpc } from './labrpc';

/**
 * Every network option with its value (defaults filled in). Defaults match labrpc's reliable
 * network; `reliable: false` gives labrpc's unreliable one (10% of requests and 10% of replies
 * lost, 0-26 ms of extra delay on requests and one-way messages).
 */
export interface NetworkSettings {
  /** labrpc's reliable flag. Default true. */
  reliable: boolean;
  /** labrpc's long reordering: 2/3 of replies are delayed 200-2200 ms. Default false. */
  longReordering: boolean;
  /**
   * labrpc's long delays: a call to an unreachable peer fails after 0-7000 ms instead of
   * 0-100 ms. Default false (the Raft tests turn it on).
   */
  longDelays: boolean;
  /** Probability that a request or one-way message is delivered twice. Default 0. */
  duplicateProbability: number;
  /** Base latency of every link. Default 0-0 ms (labrpc delivers at once). */
  latency: { msMin: number; msMax: number };
  /** The unreliable network's request drop probability (labrpc: 0.1). */
  requestDropProbability: number;
  /** The unreliable network's reply drop probability (labrpc: 0.1). */
  replyDropProbability: number;
  /** The unreliable network's maximum extra delay on requests and messages, in ms (labrpc: 26). */
  jitterMsMax: number;
}

/** Network options as a caller gives them: any subset of `NetworkSettings`. */
export type NetworkOptions = Partial<NetworkSettings>;

/** Latency of a link: uniform in [msMin, msMax] virtual ms. */
export type Latency = NetworkSettings['latency'];
