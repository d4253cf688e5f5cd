/**
 * Real mode's `Persister`: the simulator's `MemoryPersister` (same codec, same copies, same
 * sizes) plus one file holding the state and the snapshot, replaced atomically at every save
 * (write a temporary file, fsync it, rename it over the old one, fsync the folder), so a node
 * killed with SIGKILL at any instant restarts from the last complete `save`, never from half
 * of one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { MemoryPersister } from '../runtime/persister';

const encodedSchema = z.object({ text: z.string(), bytes: z.number().int().min(0), hasBytes: z.boolean() }).nullable();
const fileSchema = z.object({ format: z.literal('distlab-persister-1'), state: encodedSchema, snapshot: encodedSchema });

export const persisterFileName = 'persister.json';

export class FilePersister extends MemoryPersister {
  readonly file: string;

  /** Opens (or starts) the store in `dir`; a file that is not a store is an error naming it. */
  constructor(dir: string) {
    super();
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, persisterFileName);
    if (!fs.existsSync(this.file)) return;
    const parsed = fileSchema.safeParse(parseJson(fs.readFileSync(this.file, 'utf8')));
    if (!parsed.success) {
      throw new Error(`${this.file} is not a distlab persister file (${parsed.error.issues[0]?.message ?? 'invalid'}); delete it to start the node empty.`);
    }
    this.load(parsed.data);
  }

  /** Stores in memory (a codec error leaves everything untouched), then on disk before returning. */
  override save(state: unknown, snapshot: unknown): void {
    super.save(state, snapshot);
    writeAtomically(this.file, JSON.stringify({ format: 'distlab-persister-1', ...this.contents }));
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
