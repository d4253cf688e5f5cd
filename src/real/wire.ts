/**
 * What travels between real-mode processes: one JSON frame per envelope. Payloads are the
 * runtime codec's text (`Encoded`), unchanged, so a value reaches a real peer exactly as it
 * reaches a simulated one. Every frame is validated here, at the gateway, before anything
 * reads it; a frame that fails is dropped and reported, never half-used.
 */
import { z } from 'zod';
import type { Encoded } from '../runtime/codec';
import type { RpcFailureReason } from '../runtime/node';

const failureReasons = ['request-lost', 'reply-lost', 'peer-crashed', 'timeout', 'unknown-peer', 'unknown-method', 'handler-error'] as const;

const payloadFields = { payload: z.string(), hasBytes: z.boolean() };
const nodeId = z.string().min(1).max(200);

/** Runner-to-node commands (the control channel): faults enforced inside the node's transport. */
export const controlCommandSchema = z.discriminatedUnion('type', [
  /** Drop every envelope to or from these ids (a partition, as the node sees it). */
  z.object({ type: z.literal('partition'), blocked: z.array(nodeId) }),
  /** Hold every outgoing envelope this long before sending it. */
  z.object({ type: z.literal('latency'), delayMs: z.number().min(0).max(60_000) }),
]);
export type ControlCommand = z.infer<typeof controlCommandSchema>;

export const wireSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), source: nodeId, target: nodeId, caller: z.string(), call: z.number().int(), method: z.string(), ...payloadFields }),
  z.object({ kind: z.literal('reply'), source: nodeId, target: nodeId, caller: z.string(), call: z.number().int(), ok: z.literal(true), ...payloadFields }),
  z.object({ kind: z.literal('failure'), source: nodeId, target: nodeId, caller: z.string(), call: z.number().int(), reason: z.enum(failureReasons) }),
  z.object({ kind: z.literal('message'), source: nodeId, target: nodeId, method: z.string(), ...payloadFields }),
  z.object({ kind: z.literal('control'), source: nodeId, target: nodeId, command: controlCommandSchema }),
]);
export type Wire = z.infer<typeof wireSchema>;

/** A frame that is not a valid envelope: what was wrong, for the node's log. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

export function frameOf(wire: Wire): string {
  return JSON.stringify(wire);
}

export function wireOf(frame: string): Wire {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    throw new WireError(`a frame that is not JSON (${frame.length} bytes, starting ${JSON.stringify(frame.slice(0, 40))})`);
  }
  const result = wireSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new WireError(`a frame that is not an envelope: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** The codec's `Encoded` back from a frame's payload fields. */
export function encodedOf(wire: { readonly payload: string; readonly hasBytes: boolean }): Encoded {
  return { text: wire.payload, bytes: Buffer.byteLength(wire.payload, 'utf8'), hasBytes: wire.hasBytes };
}

export function isFailureReason(reason: string): reason is RpcFailureReason {
  return (failureReasons as readonly string[]).includes(reason);
}
