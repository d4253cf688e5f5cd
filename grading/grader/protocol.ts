/**
 * The wire between the grading process and a sandboxed worker.
 *
 *   parent -> worker, on the worker's stdin (frames, frames.ts): one `init`, then `run` messages.
 *   worker -> parent, on file descriptor 3 (frames): `ready` | `load-error` | `outcome`.
 *
 * A frame is a 4-byte length and that much JSON; the parent's reader refuses a length over
 * `workerLineBytesMax` before buffering it. Every worker frame is `{ "body": "<JSON text>", "mac": "<hex>" }` where `mac` is
 * HMAC-SHA256(key, body) with a 32-byte key the parent draws per worker and sends in `init`,
 * before the worker evaluates any submission code. The parent drops a worker whose lines fail
 * the MAC, the schema, or the order (an outcome for a run it did not assign, a second outcome):
 * the run in progress fails and the worker is killed. Standard output and standard error of the
 * worker are never parsed; they are kept (capped) as the run's log.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Bytes of one worker frame the parent accepts (a failing run's plots included). */
export const workerLineBytesMax = 4 * 1024 * 1024;

export const outcomeSchema = z
  .object({
    lab: z.string().max(100),
    name: z.string().max(200),
    part: z.string().max(50),
    seed: z.number().int(),
    passed: z.boolean(),
    kind: z.enum(['pass', 'safety', 'liveness', 'crash']),
    virtualMs: z.number().min(0),
    wallMs: z.number().min(0),
    peers: z.number().int().min(0),
    rpcs: z.number().int().min(0),
    bytes: z.number().min(0),
    ops: z.number().int().min(0),
    traceHash: z.string().regex(/^[0-9a-f]{8,128}$/),
    events: z.number().int().min(0),
    failure: z.string().max(4000).optional(),
    failureAtMs: z.number().min(0).optional(),
    log: z.array(z.string().max(2000)).max(200),
  })
  .strict();

export type WireOutcome = z.infer<typeof outcomeSchema>;

export const plotSchema = z.object({ title: z.string().max(200), spec: z.record(z.string(), z.unknown()) }).strict();
export type WirePlot = z.infer<typeof plotSchema>;

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), exports: z.array(z.string().max(200)).max(200) }).strict(),
  z.object({ type: z.literal('load-error'), problem: z.string().max(50), message: z.string().max(8000) }).strict(),
  z
    .object({
      type: z.literal('outcome'),
      id: z.number().int(),
      outcome: outcomeSchema,
      plots: z.array(plotSchema).max(10),
      /** The worker stopped the run at the wall-clock safety net: not graded, not the submission's failure. */
      infrastructure: z.boolean().optional(),
    })
    .strict(),
]);

export type WorkerMessage = z.infer<typeof workerMessageSchema>;

/** A serialisable module graph (see src/testing/module-graph.ts). */
export interface WireGraph {
  readonly entry: string;
  readonly modules: Readonly<Record<string, string>>;
}

export type WireLabSource = { readonly kind: 'require'; readonly file: string } | { readonly kind: 'graph'; readonly graph: WireGraph };

export interface InitMessage {
  readonly type: 'init';
  /** HMAC key, hex. */
  readonly key: string;
  /** Absolute path of the built runtime (`<root>/dist/src`). */
  readonly runtimeRoot: string;
  readonly lab: WireLabSource;
  /** Hidden tests as a compiled graph whose entry exports `hiddenTests`, or null. */
  readonly hidden: WireGraph | null;
  readonly submission: { readonly file: string; readonly source: 'ts' | 'ipynb'; readonly files: readonly string[]; readonly graph: WireGraph };
  /** Simulated events one world may run. */
  readonly eventsMax: number;
  /**
   * Limits (ms) the parent enforces a little above these: CPU time of the worker process (the
   * submission's budget) and wall-clock time (the grader's safety net). Behind the bridge the
   * worker stops the guest thread at exactly these, so the run says why and the worker lives on.
   */
  readonly cpuMsPerRun: number;
  readonly wallMsPerRun: number;
  readonly startupCpuMs: number;
  readonly startupWallMs: number;
  /** The sentences the worker fails a run with (this file's functions; the worker runs copied alone, without them). */
  readonly sentences: { readonly runCpu: string; readonly startupCpu: string; readonly runWall: string; readonly startupWall: string };
  /** Heap of the guest thread, in MB. */
  readonly memoryMb: number;
  /** 'bridge': the submission runs in a guest thread when the lab declares its surface. */
  readonly isolation: Isolation;
}

/** Where the submission's node code runs: behind the bridge (default) or in the worker's isolate. */
export type Isolation = 'bridge' | 'in-process';

export interface RunMessage {
  readonly type: 'run';
  readonly id: number;
  readonly test: string;
  readonly hidden: boolean;
  readonly seed: number;
  /** Send the lab's plots when the run fails. */
  readonly plots: boolean;
}

/** A run stopped at the CPU limit: the submission's failure. */
export function runCpuSentence(cpuMs: number): string {
  return `the run used more than ${cpuMs / 1000} s of CPU time and was stopped (an infinite loop, or far too much work per event?)`;
}

/** Loading stopped at the CPU limit: the submission does not load. */
export function startupCpuSentence(cpuMs: number): string {
  return `loading your code used more than ${cpuMs / 1000} s of CPU time (an infinite loop at the top level?)`;
}

/** Placeholder for the CPU seconds used, in `wallLimitSentence(.., null)`. */
export const cpuUsedPlaceholder = '{cpu}';

/**
 * A run (or a worker start) stopped by the wall-clock safety net: not graded. Said so that a
 * student knows it is not their code's verdict. `cpuMs` null leaves a placeholder the worker fills.
 */
export function wallLimitSentence(what: string, wallMs: number, cpuMs: number | null): string {
  const cpu = cpuMs === null ? cpuUsedPlaceholder : (cpuMs / 1000).toFixed(1);
  return `not graded: ${what} took more than ${wallMs / 1000} s of wall-clock time while using only ${cpu} s of CPU (the grading machine was overloaded, or the code blocked without computing). This is not a verdict on your code: ask the course staff to grade it again.`;
}

export function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** Checks one frame from a worker: an authentic, well-formed message, or the problem with it. */
export function verifyMessage(key: Buffer, frame: unknown): { message: WorkerMessage } | { problem: string } {
  const parsed = z.object({ body: z.string(), mac: z.string().regex(/^[0-9a-f]{64}$/) }).strict().safeParse(frame);
  if (!parsed.success) return { problem: 'a malformed message on the grader channel' };
  const expected = Buffer.from(mac(key, parsed.data.body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(parsed.data.mac, 'hex'))) return { problem: 'a message with a forged signature on the grader channel' };
  let body: unknown;
  try {
    body = JSON.parse(parsed.data.body);
  } catch {
    return { problem: 'a signed message that is not JSON' };
  }
  const message = workerMessageSchema.safeParse(body);
  if (!message.success) return { problem: `a signed message of the wrong shape (${message.error.issues[0]?.message ?? 'invalid'})` };
  return { message: message.data };
}
