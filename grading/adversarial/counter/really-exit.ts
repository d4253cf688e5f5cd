import type { NodeContext } from 'distlab';

/** Adversary: goes around process.exit, through process.reallyExit and then a signal. */
export class Counter {
  constructor(ctx: NodeContext) {
    ctx.serve('inc', () => {
      const record = process as unknown as Record<string, (code: number) => void>;
      try {
        record.reallyExit?.(0);
      } catch {
        process.kill(process.pid, 'SIGTERM');
      }
      return 0;
    });
  }
}
