/**
 * How virtual time reads in every message distlab prints (pass lines, failure sentences,
 * invariant violations): seconds with a unit, e.g. "3.1s", or "4.958s" where milliseconds matter.
 */

/** Virtual ms as seconds: formatSeconds(3140) === "3.1s", formatSeconds(4958, 3) === "4.958s". */
export function formatSeconds(ms: number, digits = 1): string {
  return `${(ms / 1000).toFixed(digits)}s`;
}
