export { World } from './world';
export type { ClientOperation, WorldStats } from './world';
export type { NetworkSettings } from './network-options';
export { MemoryPersister } from './persister';
export type { Transport, Envelope, EnvelopeSink, Endpoint, EndpointLookup, LossStage } from './transport';
export type { Clock, NodeCodeRunner, TraceSink, NodeServices, NodeMessaging, RunningNode } from './services';
export type { WorldOptions, NodeErrorPolicy } from './world-options';
export type { ClockSettings } from './local-clock';
export { Network, labrpc } from './network';
export type { NetworkOptions, Latency, Fate } from './network';
export type {
  NodeContext,
  NodeFactory,
  RpcResult,
  RpcFailureReason,
  RpcHandler,
  CallOptions,
  IncomingRequest,
  IncomingMessage,
  Persister,
} from './node';
export { Random } from './random';
export { Trace } from './trace';
export { describeEvent, formatMs } from './describe';
export { encode, decode, roundTrip, plainData, preEncode, preEncodeItems, PreEncoded } from './codec';
export type { Encoded } from './codec';
export { AssertionError, ContextRevokedError, CodecError, UsageError, assert } from './errors';
export { limits } from './limits';
export type * from './trace-event';
export type { TimerHandle } from './scheduler';
export { applyNemesisAction, scriptedNemesis, randomNemesis, chooseNemesisAction } from './nemesis';
export type { NemesisAction, NemesisStep, NemesisWeights, RandomNemesisOptions, NemesisState } from './nemesis';
export { parseTraceJsonLines, TraceFileError } from './trace-file';
