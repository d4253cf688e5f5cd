import { decode, encode, type Encoded } from './codec';
import type { Persister } from './node';

/** What survives a node's crashes: the last saved state and snapshot, encoded. */
export class PersistedStore {
  private state: Encoded | null = null;
  private snapshot: Encoded | null = null;

  save(state: unknown, snapshot: unknown): { stateBytes: number; snapshotBytes: number } {
    // Encode both before storing either, so a codec error leaves storage untouched.
    const nextState = state === null || state === undefined ? null : encode(state, 'state');
    const nextSnapshot = snapshot === null || snapshot === undefined ? null : encode(snapshot, 'snapshot');
    this.state = nextState;
    this.snapshot = nextSnapshot;
    return { stateBytes: this.stateSize(), snapshotBytes: this.snapshotSize() };
  }

  readState<T>(): T | null {
    return this.state === null ? null : decode<T>(this.state);
  }

  readSnapshot<T>(): T | null {
    return this.snapshot === null ? null : decode<T>(this.snapshot);
  }

  stateSize(): number {
    return this.state?.bytes ?? 0;
  }

  snapshotSize(): number {
    return this.snapshot?.bytes ?? 0;
  }

  /** The tester's view: reads and sizes, plus save (the tester may seed or wipe storage). */
  view(): Persister {
    return {
      save: (state, snapshot) => void this.save(state, snapshot),
      readState: <T>() => this.readState<T>(),
      readSnapshot: <T>() => this.readSnapshot<T>(),
      stateSize: () => this.stateSize(),
      snapshotSize: () => this.snapshotSize(),
    };
  }
}
