/**
 * Raft's properties as named invariants (one file per property): Figure 3's safety properties
 * over a run's observations (trace roles plus what the tester saw start() and apply$ do), and
 * the properties hidden scenarios read from the trace.
 */
import type { Invariant } from '../invariant';
import { appliedOnce } from './applied-once';
import { electionSafety } from './election-safety';
import { leaderCompleteness } from './leader-completeness';
import { logMatching } from './log-matching';
import type { RaftObservation } from './observation';
import { stateMachineSafety } from './state-machine-safety';

export { appliedOnce, electionSafety, leaderCompleteness, logMatching, stateMachineSafety };
export { roleObservations, describeCommand } from './observation';
export type { RaftObservation } from './observation';
export { appliedMetrics, appliedSnapshotAdvances } from './applied-snapshot-advances';
export { persistedStateBounded } from './persisted-state-bounded';
export { termStableWhileHealthy } from './term-stable-while-healthy';

/** Every Figure 3 invariant; the Raft tester watches all of them on every run. */
export const raftInvariants: ReadonlyArray<Invariant<RaftObservation>> = [electionSafety, logMatching, leaderCompleteness, stateMachineSafety, appliedOnce];
