/** Raft invariants read from a run's trace (one file per property). */
export { appliedMetrics, appliedSnapshotAdvances } from './applied-snapshot-advances';
export { persistedStateBounded } from './persisted-state-bounded';
export { termStableWhileHealthy } from './term-stable-while-healthy';
