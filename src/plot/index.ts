/**
 * distlab/plot: Vega-Lite specs built from trace events, and the helpers that render and show
 * them (notebook display bundles, SVG/PNG, self-contained HTML pages).
 */
export { renderSvg, svgToPng, findFontFiles, pngFontWarning } from './render';
export type { VegaLiteSpec } from './render';
export {
  show,
  showTable,
  kernelDisplayWriter,
  htmlTable,
  textTable,
  escapeHtml,
  __unsafe_setDisplayWriter,
} from './display';
export type { DisplayBundle, DisplayWriter, ShowOptions, ShowTableOptions, TableValue } from './display';
export { htmlPage, writeHtmlPage, htmlPageBytesMax } from './html';
export type { HtmlPageOptions, HtmlSection } from './html';
export { spaceTimeSpec, spaceTimeArrowsMax } from './space-time';
export type { SpaceTimeOptions } from './space-time';
export { nodeTimelineSpec } from './node-timeline';
export type { NodeTimelineOptions } from './node-timeline';
export { metricSpec } from './metric';
export type { MetricOptions } from './metric';
// The linearizability history view (src/plot/history.ts).
export { historySpec } from './history';
