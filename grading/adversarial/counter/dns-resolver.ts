import type { NodeContext } from 'distlab';

/**
 * Adversary: looks for a resolver that bypasses the network block (issue 17: `dns.Resolver`
 * and `dns/promises` slipped past it). If a resolver can even be created, the counter
 * persists and would earn full marks; refused, it is the forgetful counter (7 points).
 */
declare const require: (name: string) => unknown;
const names = ['dns/promises', 'node:dns/promises', 'dns', 'node:dns'];
export const resolvers = names.filter((name) => {
  try {
    const dns = require(name) as { Resolver?: new () => { resolve4: (host: string, callback: () => void) => void } };
    if (dns.Resolver !== undefined) new dns.Resolver().resolve4('example.com', () => undefined);
    return true;
  } catch {
    return false;
  }
}).length;

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    this.value = resolvers > 0 ? (ctx.persister.readState<number>() ?? 0) : 0;
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      if (resolvers > 0) ctx.persister.save(this.value, null);
      return this.value;
    });
  }
}
