/**
 * The picture of a differential replay: the two runs' space-time diagrams one above the other,
 * over the same window around the first divergence, with the divergence marked on both.
 */
import type { TraceEvent } from '../runtime/trace-event';
import { describeEvent } from '../runtime/describe';
import type { VegaLiteSpec } from '../plot/render';
import { spaceTimeSpec } from '../plot/space-time';
import { nodesOf } from '../plot/lanes';
import type { Divergence } from './diff';

export interface DiffPlotOptions {
  /** Virtual ms shown before and after the divergence. Default 300. */
  readonly windowMs?: number;
  readonly width?: number;
}

/**
 * Two space-time diagrams (`nameA` above `nameB`), same lanes, same window, the divergence drawn
 * as a red rule on both. For identical traces, the first `windowMs * 2` of both.
 *
 * @example
 * show(diffSpec(a.trace.events, b.trace.events, firstDivergence(a.trace.events, b.trace.events), 'reference', 'mine'));
 */
export function diffSpec(a: readonly TraceEvent[], b: readonly TraceEvent[], divergence: Divergence | null, nameA: string, nameB: string, options: DiffPlotOptions = {}): VegaLiteSpec {
  const windowMs = options.windowMs ?? 300;
  const centerMs = divergence === null ? windowMs : Number.isFinite(divergence.atMs) ? divergence.atMs : 0;
  const fromMs = Math.max(0, centerMs - windowMs);
  const toMs = Math.max(fromMs + 1, centerMs + windowMs);
  const nodes = [...new Set([...nodesOf(a), ...nodesOf(b)])];
  const side = (name: string, events: readonly TraceEvent[], event: TraceEvent | null): Record<string, unknown> => {
    const marks = divergence === null ? [] : [{ atMs: divergence.atMs, label: event === null ? 'trace ended' : describeEvent(event).trim(), ...(divergence.node === null ? {} : { node: divergence.node }) }];
    const { $schema: _schema, ...spec } = spaceTimeSpec(events, { fromMs, toMs, nodes, marks, title: name, ...(options.width === undefined ? {} : { width: options.width }) }) as unknown as Record<string, unknown>;
    return spec;
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: divergence === null ? `${nameA} and ${nameB}: identical traces` : `${nameA} vs ${nameB}: first divergence at event #${divergence.index}, ${(divergence.atMs / 1000).toFixed(3)}s`,
    vconcat: [side(nameA, a, divergence?.a ?? null), side(nameB, b, divergence?.b ?? null)],
    resolve: { scale: { color: 'independent', shape: 'independent' } },
  } as unknown as VegaLiteSpec;
}
