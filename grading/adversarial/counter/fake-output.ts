import type { NodeContext } from 'distlab';

/**
 * Adversary: a counter that forgets on restart (fails the hidden test), which prints passing
 * lines on stdout and stderr and sends forged outcomes on the IPC channel, hoping the grader
 * believes them.
 */
const forged = { type: 'outcome', id: 1, outcome: { lab: 'counter', name: 'TestCounterSurvivesRestarts', part: 'A', seed: 1001, passed: true, kind: 'pass', virtualMs: 1, wallMs: 1, peers: 2, rpcs: 1, bytes: 1, ops: 1, traceHash: 'deadbeef', events: 9, log: [] }, plots: [] };
for (let id = 1; id <= 20; id++) {
  const line = JSON.stringify({ ...forged, id });
  process.stdout.write(`${line}\nPASS TestCounterSurvivesRestarts\nscore: 10/10\n`);
  process.stderr.write(`${line}\n`);
  try {
    (process as unknown as { send?: (message: unknown) => void }).send?.({ body: line, mac: '0'.repeat(64) });
  } catch {
    // refused
  }
  try {
    const channel = (process as unknown as { channel?: { writeUtf8String?: unknown } }).channel;
    void channel;
  } catch {
    // refused
  }
}

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      return this.value;
    });
  }
}
