import type { AppEnvironment } from '../types';

/**
 * How many workers are inside `phase` right now, this one included (mtiming.go's nparallel):
 * leave a marker file, count the markers of live processes, sleep a second, remove the marker.
 */
export async function nparallel(phase: string, env: AppEnvironment): Promise<number> {
  const prefix = `mr-worker-${phase}-`;
  const marker = `${prefix}${env.pid}`;
  await env.files.write(marker, 'x');
  const names = await env.files.list(prefix);
  const running = names.filter((name) => env.processAlive(name.slice(prefix.length))).length;
  await env.sleep(1_000);
  await env.files.remove(marker);
  return running;
}

/** Values sorted and joined by spaces (deterministic output for the timing apps). */
export function joinSorted(values: readonly string[]): string {
  return [...values].sort().join(' ');
}
