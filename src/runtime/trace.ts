import { createHash, type Hash } from 'node:crypto';
import { Subject, type Observable } from 'rxjs';
import { limits } from './limits';
import type { TraceEvent, TraceEventInput } from './trace-event';
import { describeEvent } from './describe';

/**
 * The world's trace: every event, in order, with a stable hash.
 *
 * The hash is the SHA-256 of the JSON-lines export (one `JSON.stringify(event)` plus "\n" per
 * event), so `sha256sum trace.jsonl` agrees with `trace.hash()`. Events beyond
 * `traceEventsKeptMax` are folded into the hash and dropped from memory, oldest first.
 *
 * Example: `world.trace.events.filter((e) => e.type === 'net.drop').length`.
 */
export class Trace {
  private kept: TraceEvent[] = [];
  private readonly hasher: Hash = createHash('sha256');
  /** Index into `kept` up to which events are already in the hasher. */
  private hashedCount = 0;
  private evicted = 0;
  private nextSeq = 0;
  private readonly subject = new Subject<TraceEvent>();

  constructor(private readonly keptMax: number = limits.traceEventsKeptMax) {}

  /** Live events as they are recorded (for checkers that watch instead of reading afterwards). */
  get events$(): Observable<TraceEvent> {
    return this.subject.asObservable();
  }

  /** Events still in memory (all of them unless more than `traceEventsKeptMax` were recorded). */
  get events(): readonly TraceEvent[] {
    return this.kept;
  }

  /** How many events were recorded in total, including evicted ones. */
  get length(): number {
    return this.nextSeq;
  }

  /** How many of the oldest events were dropped from memory. */
  get evictedCount(): number {
    return this.evicted;
  }

  record(input: TraceEventInput, atMs: number): TraceEvent {
    // Stamp the caller's fresh object instead of copying it: recording is on every hot path.
    const event = input as { seq: number; atMs: number } & TraceEventInput;
    event.seq = this.nextSeq++;
    event.atMs = atMs;
    this.kept.push(event as TraceEvent);
    if (this.kept.length > this.keptMax) this.evictOldest();
    if (this.subject.observed) this.subject.next(event as TraceEvent);
    return event as TraceEvent;
  }

  /** SHA-256 (hex) of the JSON-lines export of every event recorded so far. */
  hash(): string {
    this.hashPending();
    return this.hasher.copy().digest('hex');
  }

  /** The JSON-lines export of the kept events (a first line notes evicted events, if any). */
  toJsonLines(): string {
    const lines = this.kept.map((event) => JSON.stringify(event));
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  /** One readable line per kept event (for logs and failure reports). */
  describe(options: { readonly fromMs?: number; readonly toMs?: number; readonly max?: number } = {}): string[] {
    const fromMs = options.fromMs ?? -Infinity;
    const toMs = options.toMs ?? Infinity;
    const selected = this.kept.filter((event) => event.atMs >= fromMs && event.atMs <= toMs);
    const max = options.max ?? selected.length;
    return selected.slice(Math.max(0, selected.length - max)).map(describeEvent);
  }

  private hashPending(): void {
    // One hasher update per ~64 KB of lines, not per event: the per-call cost dominated.
    let chunk = '';
    for (let index = this.hashedCount; index < this.kept.length; index++) {
      chunk += `${JSON.stringify(this.kept[index])}\n`;
      if (chunk.length >= hashChunkChars) {
        this.hasher.update(chunk);
        chunk = '';
      }
    }
    if (chunk.length > 0) this.hasher.update(chunk);
    this.hashedCount = this.kept.length;
  }

  private evictOldest(): void {
    // Evict a tenth at a time so eviction stays amortised O(1) per event.
    const count = Math.max(1, Math.floor(this.keptMax / 10));
    this.hashPending();
    this.kept = this.kept.slice(count);
    this.hashedCount -= count;
    this.evicted += count;
  }
}

/** Characters of JSON lines gathered before one hasher update. */
const hashChunkChars = 64 * 1024;
