import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TraceEvent } from './trace-event';

/** A trace file that cannot be read: names the line and what was expected there. */
export class TraceFileError extends Error {
  override readonly name = 'TraceFileError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

const eventTypes = [
  'net.send', 'net.deliver', 'net.drop', 'net.duplicate', 'net.fault', 'rpc.end',
  'node.start', 'node.crash', 'node.restart', 'node.error', 'node.log', 'node.role', 'node.metric', 'node.persist',
  'timer.set', 'timer.fire', 'client.invoke', 'client.return', 'world.note', 'world.stop',
] as const satisfies readonly TraceEvent['type'][];

/** The envelope every event shares; the rest of each event is checked by its type's readers. */
const eventSchema = z
  .object({ seq: z.number().int().min(0), atMs: z.number().min(0), type: z.enum(eventTypes) })
  .passthrough();

/**
 * Reads a JSON-lines trace (what `trace.toJsonLines()` and `distlab replay --out` write).
 * Returns the events and the SHA-256 of the text, which equals the original `trace.hash()`
 * when the file is a complete, unmodified export.
 *
 * Example: `const { events, hash } = parseTraceJsonLines(readFileSync('trace.jsonl', 'utf8'), 'trace.jsonl')`.
 */
export function parseTraceJsonLines(text: string, file: string): { events: TraceEvent[]; hash: string } {
  const events: TraceEvent[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let previousSeq = -1;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new TraceFileError(file, lineNumber, `not JSON (${(error as Error).message}); each line must be one trace event object`);
    }
    const parsed = eventSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TraceFileError(file, lineNumber, `not a trace event: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`);
    }
    if (parsed.data.seq <= previousSeq) {
      throw new TraceFileError(file, lineNumber, `seq ${parsed.data.seq} does not follow ${previousSeq}; events must be in trace order`);
    }
    previousSeq = parsed.data.seq;
    events.push(parsed.data as unknown as TraceEvent);
  });
  return { events, hash: createHash('sha256').update(text).digest('hex') };
}
