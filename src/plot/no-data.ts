/**
 * The note an empty chart shows in its middle, so a blank plot says why it is blank (for
 * example "No data: no node reported a "commitIndex" metric") instead of looking broken.
 */

/** Layout of the plot the note goes into, in pixels. */
export interface PlotSize {
  readonly width: number;
  readonly height: number;
}

/**
 * A text layer centred in the plot, one line per entry of `lines`.
 *
 * @example
 *   layer: [...layers, noDataLayer(['No data: no node reported "commitIndex"'], { width: 720, height: 240 })]
 */
export function noDataLayer(lines: readonly string[], size: PlotSize): object {
  return {
    data: { values: [{}] },
    mark: {
      type: 'text',
      x: size.width / 2,
      y: size.height / 2,
      align: 'center',
      baseline: 'middle',
      fontSize: 13,
      lineHeight: 18,
      color: '#555555',
      text: [...lines],
    },
  };
}
