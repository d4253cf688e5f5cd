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
export { nodeTimelineSpec, timelineKeys } from './node-timeline';
export type { NodeTimelineOptions } from './node-timeline';
export { metricSpec, metricLegendNodesMax } from './metric';
export type { MetricOptions } from './metric';
// The linearizability history view (src/plot/history.ts).
export { historySpec, effectPoints } from './history';
// One palette for roles and events in every chart (src/plot/palette.ts).
export { roleColors, eventColors, phaseColors, seriesColors, roleColorScale, orderedRoles } from './palette';
// Marked moments (failures, invariant violations) on the time-axis charts.
export type { TimeMark } from './marks';
export { noDataLayer } from './no-data';
export type { PlotSize } from './no-data';
// Measured against ideal speedup (notebook 01).
export { speedupSpec, idealSpeedupLabel } from './speedup';
export type { SpeedupPoint, SpeedupOptions } from './speedup';
// The MapReduce task Gantt chart (lab 1's tester and notebook 01).
export { taskGanttSpec, barLabel, ganttMarkKeys } from './gantt';
export type { GanttBar, GanttCrash, TaskGanttOptions } from './gantt';
export { withLabels, chartLabelsZh } from './relabel';
