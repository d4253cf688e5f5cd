/**
 * Every bound of the runtime, in one place (TigerStyle: put a limit on everything).
 * Exceeding a bound is a named failure that reports the bound and its value, never a hang.
 * World options may lower or raise the per-run bounds within the hard caps below.
 */
export const limits = {
  /** Events one world may run before it stops with a `world.stop` ("eventsMax exceeded"). */
  eventsMax: 50_000_000,
  /** Virtual time a world may reach, in ms (one simulated day). */
  virtualMsMax: 24 * 60 * 60 * 1000,
  /** Events kept in memory by a trace; older ones are folded into the hash and dropped. */
  traceEventsKeptMax: 2_000_000,
  /** Outstanding `call()`s one node incarnation may have at once. */
  pendingCallsMax: 100_000,
  /** Scheduled timers one node incarnation may have at once. */
  timersMax: 100_000,
  /** Nodes in one world. */
  nodesMax: 1_000,
  /** Encoded size of one request, reply, message or persisted value, in bytes. */
  payloadBytesMax: 64 * 1024 * 1024,
  /** Depth of nested arrays/objects the codec accepts. */
  codecDepthMax: 256,
  /** Characters of one node log line kept in the trace. */
  logMessageCharsMax: 4_000,
  /** Events a `runUntil` predicate may be evaluated over before the world gives up. */
  runUntilChecksMax: 50_000_000,
} as const;

// Relations between bounds, asserted at load.
if (limits.traceEventsKeptMax > limits.eventsMax) throw new Error('limits: traceEventsKeptMax must not exceed eventsMax');
if (limits.codecDepthMax < 8) throw new Error('limits: codecDepthMax must allow ordinary nesting');
