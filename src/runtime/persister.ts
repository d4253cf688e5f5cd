import { decode, encode, type Encoded } from './codec';
import type { Persister } from './node';

/**
 * The simulator's `Persister`: the last saved state and snapshot, kept encoded in memory, so
 * they survive a node's crashes (the world keeps one per node id) and later changes to the
 * saved objects never leak into storage. Real mode's `FilePersister` extends it with a file.
 */
export class MemoryPersister implements Persister {
  private state: Encoded | null = null;
  private snapshot: Encoded | null = null;

  save(state: unknown, snapshot: unknown): void {
    // Encode both before storing either, so a codec error leaves storage untouched.
    const nextState = state === null || state === undefined ? null : encode(state, 'state');
    const nextSnapshot = snapshot === null || snapshot === undefined ? null : encode(snapshot, 'snapshot');
    this.state = nextState;
    this.snapshot = nextSnapshot;
  }

  /** What is stored, as encoded (real mode's `FilePersister` writes exactly this to disk). */
  get contents(): { readonly state: Encoded | null; readonly snapshot: Encoded | null } {
    return { state: this.state, snapshot: this.snapshot };
  }

  /** Replaces what is stored by encoded contents (real mode: read back from its file). */
  protected load(contents: { readonly state: Encoded | null; readonly snapshot: Encoded | null }): void {
    this.state = contents.state;
    this.snapshot = contents.snapshot;
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
}
