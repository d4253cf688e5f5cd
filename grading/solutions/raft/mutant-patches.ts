/**
 * Known-buggy variants of the reference Raft, each one classic student mistake, as text patches
 * of grading/solutions/raft/raft.ts. scripts/build-raft-notebook.ts writes them to
 * grading/solutions/raft/mutants/NAME.ts; labs/raft/raft.test.ts checks each one fails the tests
 * named here on the given seeds (the tests that should catch that mistake).
 *
 * Two classic mistakes are NOT caught by the public tests, as in the Go original: forgetting to
 * persist votedFor (two leaders in one term needs a crash between two votes), and backing up one
 * entry per heartbeat (every Start() also triggers a send, so TestBackup3B's 10 s windows hold).
 * Hidden tests should target them.
 */
export interface MutantPatch {
  readonly name: string;
  /** The mistake, in one sentence. */
  readonly mistake: string;
  readonly find: string;
  readonly replace: string;
  /** Tests expected to catch it, and seeds on which they do (found with raft-sweep --impl). */
  readonly caughtBy: readonly { readonly test: string; readonly seeds: readonly number[] }[];
}

export const mutantPatches: readonly MutantPatch[] = [
  {
    name: 'figure8-commit',
    mistake: 'the leader commits entries of earlier terms by counting replicas (Figure 8)',
    find: 'if (rf.log.termAt(index) !== rf.currentTerm) return;',
    replace: 'if (rf.log.termAt(index) > rf.currentTerm) return;',
    caughtBy: [{ test: 'TestFigure8Unreliable3C', seeds: [2, 19] }],
  },

  {
    name: 'truncate-on-match',
    mistake: 'AppendEntries truncates the log even where the incoming entries match',
    find: 'if (at <= this.lastIndex && this.termAt(at) === entry.term) return;',
    replace: 'if (at <= this.lastIndex && this.termAt(at) === entry.term && at > this.lastIndex) return;',
    caughtBy: [
      { test: 'TestFigure8Unreliable3C', seeds: [4, 5, 14, 15] },
      { test: 'TestUnreliableChurn3C', seeds: [1, 2, 3] },
    ],
  },
  {
    name: 'lose-snapshot-on-restart',
    mistake: 'restore() does not reload the snapshot, so the next save writes none',
    find: 'rf.snapshotData = rf.ctx.persister.readSnapshot();',
    replace: 'rf.snapshotData = null;',
    caughtBy: [{ test: 'TestSnapshotInit3D', seeds: [1, 2, 3, 4, 5] }],
  },

];
