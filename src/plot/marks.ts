/**
 * Marked moments on the time-axis charts: a test failure or an invariant violation (`atMs`, an
 * optional node, one sentence). Each is drawn as a red vertical rule across the plot (and a
 * marker on the node's lane when the chart has lanes), and the chart's subtitle says what the
 * red line is, so the spot to look at needs no legend lookup and no tooltip.
 *
 * This is the hook for checkers: a violation `{ atMs, node, detail }` becomes
 * `{ atMs, node, label: detail }` and is passed as the `marks` option of nodeTimelineSpec,
 * metricSpec or spaceTimeSpec.
 */
import { eventColors } from './palette';
import type { TimeWindow } from './lanes';

/** One moment to point at. */
export interface TimeMark {
  readonly atMs: number;
  /** One sentence: what happened (shown in the subtitle and the tooltip). */
  readonly label: string;
  /** The node it concerns, if any (lane charts put a marker on its lane). */
  readonly node?: string;
  /** More nodes it concerns (a violated invariant names every node involved): a marker on each lane. */
  readonly nodes?: readonly string[];
}

/** Longest subtitle text for marks, in characters; longer labels are cut with an ellipsis. */
const markSubtitleCharsMax = 110;

/** The marks inside the window, in time order. */
export function marksInWindow(marks: readonly TimeMark[] | undefined, window: TimeWindow): TimeMark[] {
  return (marks ?? [])
    .filter((mark) => mark.atMs >= window.fromMs && mark.atMs <= window.toMs)
    .sort((a, b) => a.atMs - b.atMs);
}

/** The subtitle line that explains the red rules, or undefined without marks. */
export function marksSubtitle(marks: readonly TimeMark[]): string | undefined {
  const first = marks[0];
  if (first === undefined) return undefined;
  const more = marks.length > 1 ? ` (+${marks.length - 1} more)` : '';
  // Virtual times can be fractional (jittered latencies); a subtitle reads best in whole ms.
  const text = `red line at ${Math.round(first.atMs)} ms: ${first.label}`;
  const cut = text.length > markSubtitleCharsMax ? `${text.slice(0, markSubtitleCharsMax - 1)}…` : text;
  return `${cut}${more}`;
}

/** A red rule per mark across the whole plot height. */
export function markRuleLayer(marks: readonly TimeMark[], x: object): object {
  return {
    data: { values: marks.map((mark) => ({ atMs: mark.atMs, label: mark.label, ...(mark.node === undefined ? {} : { node: mark.node }) })) },
    mark: { type: 'rule', color: eventColors.failure, strokeWidth: 2, opacity: 0.9 },
    encoding: {
      x: { field: 'atMs', ...x },
      tooltip: [
        { field: 'label', type: 'nominal', title: 'what' },
        { field: 'atMs', type: 'quantitative', title: 'at (ms)' },
      ],
    },
  };
}

/** A red marker on the lane of each mark that names a node (lane charts only). */
export function markLaneLayer(marks: readonly TimeMark[], lanes: ReadonlyMap<string, number>, x: object, y: object): object {
  const rows = marks.flatMap((mark) =>
    [...new Set([...(mark.node === undefined ? [] : [mark.node]), ...(mark.nodes ?? [])])].flatMap((node) => {
      const lane = lanes.get(node);
      return lane === undefined ? [] : [{ atMs: mark.atMs, label: mark.label, node, lane: lane + 0.5 }];
    }),
  );
  return {
    data: { values: rows },
    mark: { type: 'point', shape: 'diamond', filled: true, size: 120, color: eventColors.failure, stroke: 'white', strokeWidth: 1 },
    encoding: { x: { field: 'atMs', ...x }, y: { field: 'lane', ...y }, tooltip: [{ field: 'label', type: 'nominal' }] },
  };
}

/**
 * A title object with the marks' subtitle (after any other subtitle lines), each line cut to the
 * plot's width so a long failure message never widens the chart.
 */
export function titleWithMarks(text: string, marks: readonly TimeMark[], extra: { width: number; lines?: readonly string[] }): object {
  const subtitle = marksSubtitle(marks);
  const lines = [...(extra.lines ?? []), ...(subtitle === undefined ? [] : [subtitle])];
  if (lines.length === 0) return { text };
  return { text, subtitle: lines, subtitleColor: '#444444', limit: extra.width, subtitleFontSize: 11 };
}
