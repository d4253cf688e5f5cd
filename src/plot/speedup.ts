/**
 * A speedup chart: measured speedup against the ideal linear one (n workers, n times faster).
 * The measured series is a solid line with points; the ideal is a dashed grey line; a legend
 * names both, so prose can say "the ideal speedup is the dashed line" and be right.
 */
import type { VegaLiteSpec } from './render';
import { seriesColors } from './palette';

/** One measurement: `speedup` = time on one worker / time on `workers` workers. */
export interface SpeedupPoint {
  readonly workers: number;
  readonly speedup: number;
}

export interface SpeedupOptions {
  readonly title?: string;
  /** Plot size in pixels; default 420 x 260. */
  readonly width?: number;
  readonly height?: number;
  /** Legend label of the measured series; default "measured". */
  readonly measuredLabel?: string;
}

/** The legend label of the dashed line. */
export const idealSpeedupLabel = 'ideal (linear, dashed)';

/**
 * Builds the chart; the ideal line is drawn at the measured worker counts.
 *
 * @example
 *   await show(speedupSpec([{ workers: 1, speedup: 1 }, { workers: 4, speedup: 3.1 }]));
 */
export function speedupSpec(points: readonly SpeedupPoint[], options: SpeedupOptions = {}): VegaLiteSpec {
  for (const point of points) {
    if (!(point.workers > 0) || !Number.isFinite(point.speedup)) {
      throw new RangeError(
        `speedupSpec: each point needs workers > 0 and a finite speedup; got workers=${point.workers}, speedup=${point.speedup}.`,
      );
    }
  }
  const measured = options.measuredLabel ?? 'measured';
  const rows = [
    ...points.map((point) => ({ workers: point.workers, speedup: point.speedup, series: measured })),
    ...points.map((point) => ({ workers: point.workers, speedup: point.workers, series: idealSpeedupLabel })),
  ];
  const series = { field: 'series', type: 'nominal', title: null, scale: { domain: [measured, idealSpeedupLabel] } } as const;
  const best = points.reduce((max, point) => Math.max(max, point.speedup), 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Speedup',
    description: `speedup: ${points.length} measurements, best ${best.toFixed(2)}x, against the ideal linear speedup (dashed)`,
    width: options.width ?? 420,
    height: options.height ?? 260,
    data: { values: rows },
    encoding: {
      x: { field: 'workers', type: 'quantitative', title: 'workers' },
      y: { field: 'speedup', type: 'quantitative', title: 'speedup over one worker' },
      // Colour and dash share field, title and domain, so Vega-Lite draws one legend with both.
      color: { ...series, scale: { ...series.scale, range: [seriesColors.measured, seriesColors.ideal] } },
      tooltip: [{ field: 'series' }, { field: 'workers' }, { field: 'speedup', format: '.2f' }],
    },
    layer: [
      { mark: { type: 'line' }, encoding: { strokeDash: { ...series, scale: { ...series.scale, range: [[1, 0], [6, 4]] } } } },
      { transform: [{ filter: { field: 'series', equal: measured } }], mark: { type: 'point', filled: true } },
    ],
    config: { legend: { orient: 'top-left', symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, labelLimit: 240 } },
  } as VegaLiteSpec;
}
