/** `distlab/check`: checkers that read histories and traces. */
export { invariant } from './invariant';
export type { Invariant, Violation, Finding, Watcher } from './invariant';
export { formatSeconds } from './format';
export {
  raftInvariants,
  electionSafety,
  logMatching,
  leaderCompleteness,
  stateMachineSafety,
  appliedOnce,
  roleObservations,
  describeCommand,
} from './raft';
export type { RaftObservation } from './raft';
export {
  historyOf,
  renumber,
  describeOperation,
  checkLinearizability,
  partitionHistory,
  checkTimeoutMsDefault,
  registerModel,
  casRegisterModel,
  kvModel,
  kvVersionedModel,
  builtinModel,
  builtinModels,
  builtinModelNames,
  historyFromTrace,
  parseJsonHistory,
  parseJepsenHistory,
  HistoryFormatError,
} from './linearizability';
export { appliedMetrics, appliedSnapshotAdvances, persistedStateBounded, termStableWhileHealthy } from './raft';
export type { TraceInvariant } from './trace-invariant';
export type {
  Operation,
  OperationInput,
  HistoryAnnotation,
  AnnotatedHistory,
  Model,
  AnyModel,
  StepResult,
  CheckOptions,
  CheckResult,
  CheckFailure,
  PartitionResult,
  HistoryPartition,
  Verdict,
  RegisterInput,
  RegisterOutput,
  CasRegisterInput,
  CasRegisterOutput,
  KvInput,
  KvOutput,
  KvState,
  KvVersionedInput,
  KvVersionedOutput,
  KvVersionedState,
  Value,
  BuiltinModel,
  BuiltinModelName,
  TraceHistoryOptions,
} from './linearizability';
