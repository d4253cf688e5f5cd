/**
 * Length-prefixed frames: the grader's own channel to a worker, in place of Node's IPC channel
 * (whose parser throws in the grading process on a garbage line written to its descriptor).
 * A frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON. The reader never
 * throws and never buffers more than one frame: a length over the limit, or a frame that is
 * not JSON, is a problem value the caller turns into a failed run.
 */

/** Why a stream of frames cannot be read any further. */
export type FrameProblem = { readonly problem: string };

export function encodeFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Splits a byte stream into frames; stops for good at the first problem. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private broken: string | null = null;

  constructor(private readonly bytesMax: number) {}

  /** The frames completed by `chunk` (parsed JSON), or the problem that broke the stream. */
  push(chunk: Buffer): unknown[] | FrameProblem {
    if (this.broken !== null) return { problem: this.broken };
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: unknown[] = [];
    for (;;) {
      if (this.pendingBytes < 4) return frames;
      const buffered = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
      this.pending = [buffered];
      const length = buffered.readUInt32BE(0);
      if (length > this.bytesMax) return this.fail(`a frame announcing ${length} bytes (at most ${this.bytesMax} are accepted)`);
      if (buffered.length < 4 + length) return frames;
      const body = buffered.subarray(4, 4 + length);
      const rest = buffered.subarray(4 + length);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
      try {
        frames.push(JSON.parse(body.toString('utf8')) as unknown);
      } catch {
        return this.fail('a frame that is not JSON');
      }
    }
  }

  /** Bytes received that do not make a whole frame yet (a stream that ends here was cut). */
  get remainder(): number {
    return this.pendingBytes;
  }

  private fail(problem: string): FrameProblem {
    this.broken = problem;
    this.pending = [];
    this.pendingBytes = 0;
    return { problem };
  }
}
