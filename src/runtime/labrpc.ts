/** labrpc's constants, named. */
export const labrpc = {
  unreliableRequestDropProbability: 0.1,
  unreliableReplyDropProbability: 0.1,
  unreliableJitterMsMax: 26,
  longReorderingProbability: 600 / 900,
  longReorderingMsMin: 200,
  longReorderingMsSpread: 2000,
  longDelayFailureMsMax: 7000,
  shortDelayFailureMsMax: 100,
  /** labrpc notices a dead server every 100 ms. */
  deadServerPollMs: 100,
} as const;
