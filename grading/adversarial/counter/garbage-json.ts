import type { NodeContext } from 'distlab';

/**
 * Adversary: writes a well-framed message that is not JSON, after a line in the shape of
 * Node's IPC channel, to the grader's channel (file descriptor 3; issue 17: a garbage line
 * crashed the grader). The grader must fail the run and stay alive.
 */
declare const require: (name: string) => unknown;
const body = new TextEncoder().encode('{"body": not json at all');
const frame = new Uint8Array(4 + body.length);
new DataView(frame.buffer).setUint32(0, body.length);
frame.set(body, 4);
try {
  const fs = require('node:fs') as { writeSync: (fd: number, data: Uint8Array | string) => number };
  fs.writeSync(3, frame);
} catch {
  // refused: the channel is out of reach
}

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    this.value = true ? (ctx.persister.readState<number>() ?? 0) : 0;
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      if (true) ctx.persister.save(this.value, null);
      return this.value;
    });
  }
}
