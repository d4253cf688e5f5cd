import * as net from 'node:net';
import type { NodeContext } from 'distlab';

/** Adversary: phones home over TCP (and fetch), then answers correctly but without persisting. */
export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    const socket = net.connect(80, '127.0.0.1');
    socket.on('error', () => undefined);
    void fetch('http://127.0.0.1:9/').catch(() => undefined);
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      return this.value;
    });
  }
}
