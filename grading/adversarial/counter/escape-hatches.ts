import type { NodeContext } from 'distlab';

/**
 * Adversary: tries every escape hatch of issue 17 at import: `process.getBuiltinModule`
 * (which bypasses require), `process.binding`, V8 flags (natives syntax reads any function's
 * source), the unwrapped `process._kill`. If any one works, the counter persists and would
 * earn full marks; if all are refused it is the forgetful counter (7 points), which is the
 * honest verdict.
 */
type Loose = Record<string, ((...args: unknown[]) => unknown) | undefined>;
const processLoose = process as unknown as Loose;
const attempts: Array<() => unknown> = [
  () => (processLoose.getBuiltinModule?.('node:child_process') as { execSync: (command: string) => unknown }).execSync('true'),
  () => processLoose.getBuiltinModule?.('node:fs') ?? (() => { throw new Error('absent'); })(),
  () => processLoose.binding?.('spawn_sync'),
  () => (processLoose.getBuiltinModule?.('node:v8') as { setFlagsFromString: (flags: string) => void }).setFlagsFromString('--allow-natives-syntax'),
  () => processLoose._kill?.(-1, 9),
  () => processLoose._linkedBinding?.('fs'),
];
export const escaped = attempts.filter((attempt) => {
  try {
    return attempt() !== undefined;
  } catch {
    return false;
  }
}).length;

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    this.value = escaped > 0 ? (ctx.persister.readState<number>() ?? 0) : 0;
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      if (escaped > 0) ctx.persister.save(this.value, null);
      return this.value;
    });
  }
}
