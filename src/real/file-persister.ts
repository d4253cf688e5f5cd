/**
 * Real mode's `Persister`: the node's state and snapshot in one file, replaced atomically
 * (write a temporary file, fsync it, rename it over the old one, fsync the folder), so a node
 * killed with SIGKILL at any instant restarts from the last complete `save`, never from half
 * of one. Values go through the runtime codec, exactly as in the simulator's `MemoryPersister`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { decode, encode, type Encoded } from '../runtime/codec';
import type { Persister } from '../runtime/node';

const encodedSchema = z.object({ text: z.string(), bytes: z.number().int().min(0), hasBytes: z.boolean() }).nullable();
const fileSchema = z.object({ format: z.literal('distlab-persister-1'), state: encodedSchema, snapshot: encodedSchema });

export const persisterFileName = 'persister.json';

export class FilePersister implements Persister {
  private state: Encoded | null = null;
  private snapshot: Encoded | null = null;
  readonly file: string;

  /** Opens (or starts) the store in `dir`; a file that is not a store is an error naming it. */
  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, persisterFileName);
    if (!fs.existsSync(this.file)) return;
    const parsed = fileSchema.safeParse(parseJson(fs.readFileSync(this.file, 'utf8')));
    if (!parsed.success) {
      throw new Error(`${this.file} is not a distlab persister file (${parsed.error.issues[0]?.message ?? 'invalid'}); delete it to start the node empty.`);
    }
    this.state = parsed.data.state;
    this.snapshot = parsed.data.snapshot;
  }

  save(state: unknown, snapshot: unknown): void {
    // Encode both before writing, so a codec error leaves the file untouched.
    const nextState = state === null || state === undefined ? null : encode(state, 'state');
    const nextSnapshot = snapshot === null || snapshot === undefined ? null : encode(snapshot, 'snapshot');
    writeAtomically(this.file, JSON.stringify({ format: 'distlab-persister-1', state: nextState, snapshot: nextSnapshot }));
    this.state = nextState;
    this.snapshot = nextSnapshot;
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

/** write, fsync, rename, fsync the folder: after a crash the file is the old one or the new one. */
export function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  const handle = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(handle, text);
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
  fs.renameSync(temporary, file);
  const folder = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(folder);
  } finally {
    fs.closeSync(folder);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
