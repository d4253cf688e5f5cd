/**
 * The history timeline: one row per client, a bar per operation from call to return, coloured
 * by verdict (or by partition), with the longest linearizable prefix and the first operation that
 * cannot be linearized highlighted, and faults/crashes drawn as vertical rules. It is the picture
 * Porcupine writes when a kv test fails, as a Vega-Lite spec so notebooks, the CLI's HTML file and
 * the grader all render the same thing.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AnnotatedHistory, HistoryAnnotation, Operation } from '../check/linearizability/history';
import type { CheckResult } from '../check/linearizability/checker';
import type { AnyModel } from '../check/linearizability/model';
import { eventColors } from './palette';

export interface HistorySpecOptions {
  /** Used for one-line descriptions of operations in tooltips and labels. */
  readonly model?: AnyModel;
  /** `verdict` (default) highlights prefix and culprit; `partition` colours each key. */
  readonly colorBy?: 'verdict' | 'partition';
  readonly title?: string;
  /** Plot width in pixels. Default 720. */
  readonly width?: number;
  /** Show only the partition of the failure (illegal results), which is what one wants to read. Default false. */
  readonly failedPartitionOnly?: boolean;
}

/** The verdict colours; the culprit is red in both colour modes. */
export const historyStatusColors: Readonly<Record<HistoryStatus, string>> = {
  'linearized prefix': '#4c9f70',
  'cannot be linearized': '#d62728',
  'not reached': '#b0b0b0',
  linearizable: '#4c78a8',
  indeterminate: '#f2a33a',
  unchecked: '#9ecae9',
};

export type HistoryStatus = 'linearized prefix' | 'cannot be linearized' | 'not reached' | 'linearizable' | 'indeterminate' | 'unchecked';

interface Row {
  readonly id: number;
  readonly client: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly callMs: number;
  readonly returnMs: string;
  readonly description: string;
  readonly partition: string;
  readonly status: HistoryStatus;
  /** 1-based position in the linearization or prefix; 0 when not placed. */
  readonly position: number;
  /**
   * For an indeterminate operation the search placed before a completed one: the latest
   * instant it can have taken effect in that order (its bar ends there, with a diamond).
   */
  readonly effectMs?: number;
}

/** Height of one client row, pixels. */
const rowHeightPx = 22;
/** Room for the rotated fault labels even with one or two clients. */
const heightPxMin = 140;

/**
 * @example
 * const result = checkLinearizability(model, operations);
 * show(historySpec({ operations, annotations }, result, { model }));
 */
export function historySpec(
  history: AnnotatedHistory | readonly Operation[],
  result: CheckResult | null,
  options: HistorySpecOptions = {},
): TopLevelSpec {
  const operations = 'operations' in history ? history.operations : history;
  const annotations: readonly HistoryAnnotation[] = 'operations' in history ? history.annotations : [];
  const rows = historyRows(operations, result, options);
  const clients = [...new Set(rows.map((row) => row.client))];
  const colorBy = options.colorBy ?? 'verdict';
  // Only the verdicts present, so the legend lists what is drawn (colours stay fixed per verdict).
  const present = new Set(rows.map((row) => row.status));
  const statusDomain = Object.keys(historyStatusColors).filter((status) => present.has(status as HistoryStatus));
  const color =
    colorBy === 'verdict'
      ? { field: 'status', type: 'nominal', title: 'verdict', legend: { labelLimit: 240 }, scale: { domain: statusDomain, range: statusDomain.map((status) => historyStatusColors[status as HistoryStatus]) } }
      : { field: 'partition', type: 'nominal', title: 'partition' };
  const width = options.width ?? 720;
  const unit = ('operations' in history ? history.timeUnit : undefined) ?? 'ms';
  // An explicit domain, so label widths computed here match the drawing.
  const domain = [
    Math.min(0, ...rows.map((row) => row.startMs), ...annotations.map((annotation) => annotation.atMs)),
    Math.max(1, ...rows.map((row) => row.endMs), ...annotations.map((annotation) => annotation.atMs)),
  ];
  const layers: unknown[] = [
    {
      data: { values: rows },
      mark: { type: 'bar', cornerRadius: 2, height: { band: 0.7 } },
      encoding: {
        y: { field: 'client', type: 'nominal', sort: clients, title: 'client' }, x2: { field: 'endMs' },
        x: { field: 'startMs', type: 'quantitative', title: `time (${unit})`, scale: { domain, nice: false } },
        color,
        stroke: { condition: { test: "datum.status === 'cannot be linearized'", value: '#7f0000' }, value: null },
        strokeWidth: { condition: { test: "datum.status === 'cannot be linearized'", value: 2.5 }, value: 0 },
        tooltip: [
          { field: 'description', title: 'operation' },
          { field: 'client' },
          { field: 'callMs', title: `call (${unit})` },
          { field: 'returnMs', title: `return (${unit})` },
          { field: 'partition' },
          { field: 'status' },
          { field: 'position', title: 'position' },
        ],
      },
    },
    {
      data: { values: labelledRows(rows, width, domain) },
      mark: { type: 'text', align: 'left', dx: 3, fontSize: labelFontSize, color: '#111' },
      encoding: {
        y: { field: 'client', type: 'nominal', sort: clients },
        x: { field: 'startMs', type: 'quantitative', scale: { domain, nice: false } },
        text: { field: 'label' },
      },
    },
  ];
  layers.push(...effectAndStateLayers(rows, result, clients, domain));
  const height = Math.max(heightPxMin, rowHeightPx * clients.length);
  if (annotations.length > 0) layers.push(...annotationLayers(annotations, height));
  const state = result?.failure?.state;
  const title = options.title ?? titleOf(result, operations.length);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: state === undefined ? title : { text: title, subtitle: `the marked operation is impossible in the state after the longest prefix: ${state}` },
    width,
    height,
    layer: layers,
    // Verdict colours and fault colours are different legends, not one merged scale.
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

/**
 * Diamonds where linearized indeterminate operations took effect, and the model state written
 * just right of the operation that cannot be linearized (the state that makes it impossible).
 */
function effectAndStateLayers(rows: readonly Row[], result: CheckResult | null, clients: readonly string[], domain: readonly number[]): unknown[] {
  const y = { field: 'client', type: 'nominal', sort: clients };
  const x = { type: 'quantitative', scale: { domain, nice: false } };
  const layers: unknown[] = [];
  const effects = rows.filter((row) => row.effectMs !== undefined);
  if (effects.length > 0) {
    layers.push({
      data: { values: effects },
      mark: { type: 'point', shape: 'diamond', filled: true, size: 70, color: '#8a4b00' },
      encoding: { y, x: { ...x, field: 'effectMs' }, tooltip: [{ field: 'description', title: 'took effect' }, { field: 'effectMs', title: 'at' }] },
    });
  }
  const state = result?.failure?.state;
  const culprit = rows.find((row) => row.status === 'cannot be linearized');
  if (state !== undefined && culprit !== undefined) {
    // Beside the culprit, on the side with room: right of it in the left half, left of it otherwise.
    const onRight = culprit.endMs <= ((domain[0] ?? 0) + (domain[1] ?? 1)) / 2;
    layers.push({
      data: { values: [{ ...culprit, label: `state: ${state}` }] },
      mark: { type: 'text', align: onRight ? 'left' : 'right', dx: onRight ? 4 : -4, fontSize: labelFontSize + 1, fontWeight: 'bold', color: '#7f0000', limit: 260 },
      encoding: { y, x: { ...x, field: onRight ? 'endMs' : 'startMs' }, text: { field: 'label' } },
    });
  }
  return layers;
}

/** Operation labels are 9 px; Vega estimates a label's width as 0.8 x font size per character. */
const labelFontSize = 9;

/**
 * The rows that get a label (position in the linearization, or "✗ operation" for the culprit),
 * with the label: only where it fits inside the bar, so labels never run into each other.
 */
function labelledRows(rows: readonly Row[], width: number, domain: readonly number[]): Array<Row & { label: string }> {
  const pxPerMs = width / Math.max(1, (domain[1] ?? 1) - (domain[0] ?? 0));
  const fits = (row: Row, text: string): boolean => (row.endMs - row.startMs) * pxPerMs >= 0.8 * labelFontSize * text.length + 5;
  return rows.flatMap((row) => {
    const candidates =
      row.status === 'cannot be linearized' ? [`✗ ${row.description}`, '✗'] : row.position > 0 ? [String(row.position)] : [];
    const label = candidates.find((text) => fits(row, text));
    return label === undefined ? [] : [{ ...row, label }];
  });
}

function titleOf(result: CheckResult | null, count: number): string {
  if (result === null) return `history (${count} operations)`;
  const where = result.failure?.key !== undefined && result.failure.key !== null ? ` (key ${JSON.stringify(result.failure.key)})` : '';
  return `${result.model}: ${result.verdict}${where}, ${count} operations, ${result.partitions.length} partition(s)`;
}

/** One row per operation, with its status under `result`. */
export function historyRows(operations: readonly Operation[], result: CheckResult | null, options: HistorySpecOptions = {}): Row[] {
  const status = new Map<number, HistoryStatus>();
  const position = new Map<number, number>();
  const partitionOf = new Map<number, string>();
  let shown: ReadonlySet<number> | null = null;
  for (const partition of result?.partitions ?? []) {
    const key = partition.key ?? 'all';
    for (const id of partition.operations) partitionOf.set(id, key);
    const placed = partition.linearization ?? partition.longestPrefix ?? [];
    placed.forEach((id, index) => position.set(id, index + 1));
    for (const id of partition.operations) {
      status.set(id, partition.verdict === 'ok' ? 'linearizable' : position.has(id) ? 'linearized prefix' : partition.verdict === 'skipped' ? 'unchecked' : 'not reached');
    }
    if (partition.culprit !== undefined) status.set(partition.culprit, 'cannot be linearized');
    if (options.failedPartitionOnly && partition.verdict === 'illegal') shown = new Set(partition.operations);
  }
  const effects = effectPoints(operations, result);
  const lastMs = operations.reduce((last, operation) => Math.max(last, operation.callMs, Number.isFinite(operation.returnMs) ? operation.returnMs : 0), 0);
  const openEndMs = lastMs + Math.max(1, lastMs * 0.05);
  return operations
    .filter((operation) => shown === null || shown.has(operation.id))
    .map((operation) => {
      const partitionKey = options.model?.partitionKey;
      const verdict = status.get(operation.id) ?? 'unchecked';
      const effectMs = effects.get(operation.id);
      return {
        id: operation.id,
        client: operation.client,
        startMs: operation.callMs,
        endMs: effectMs ?? (Number.isFinite(operation.returnMs) ? operation.returnMs : (operation.gaveUpMs ?? openEndMs)),
        callMs: operation.callMs,
        returnMs: Number.isFinite(operation.returnMs) ? String(operation.returnMs) : operation.gaveUpMs !== undefined ? `gave up at ${operation.gaveUpMs}` : 'never',
        description: describe(options.model, operation),
        partition: partitionOf.get(operation.id) ?? (partitionKey ? partitionKey.call(options.model, operation.input) : 'all'),
        status: !operation.known && verdict !== 'cannot be linearized' && verdict !== 'linearized prefix' ? 'indeterminate' : verdict,
        position: position.get(operation.id) ?? 0,
        ...(effectMs === undefined ? {} : { effectMs }),
      };
    });
}

/**
 * Where the linearized indeterminate operations took effect: walking each partition's order
 * (linearization, or longest prefix) backwards, the latest instant consistent with it is the
 * earlier of the operation's return and the next operation's instant ("it took effect by then").
 * One placed after every completed operation of its order has no visible effect (it may never
 * have happened) and gets none.
 */
export function effectPoints(operations: readonly Operation[], result: CheckResult | null): Map<number, number> {
  const points = new Map<number, number>();
  for (const partition of result?.partitions ?? []) {
    const order = partition.linearization ?? partition.longestPrefix ?? [];
    let instant = Infinity;
    for (let index = order.length - 1; index >= 0; index--) {
      const operation = operations[order[index]];
      if (operation === undefined) continue;
      instant = Math.max(operation.callMs, Math.min(instant, operation.returnMs));
      if (!operation.known && Number.isFinite(instant)) points.set(operation.id, instant);
    }
  }
  return points;
}

function describe(model: AnyModel | undefined, operation: Operation): string {
  if (model?.describeOperation) return model.describeOperation(operation.input, operation.output);
  return `${JSON.stringify(operation.input)} -> ${operation.known ? JSON.stringify(operation.output) : '?'}`;
}

function annotationLayers(annotations: readonly HistoryAnnotation[], heightPx: number): unknown[] {
  const values = annotations.map((annotation) => ({ ...annotation }));
  const kinds = { fault: eventColors.fault, crash: eventColors.crash, restart: eventColors.restart, note: eventColors.note };
  const domain = Object.keys(kinds).filter((kind) => values.some((value) => value.kind === kind));
  const color = {
    field: 'kind',
    type: 'nominal',
    title: 'event',
    scale: { domain, range: domain.map((kind) => kinds[kind as keyof typeof kinds]) },
  };
  return [
    {
      data: { values },
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x: { field: 'atMs', type: 'quantitative' }, color, tooltip: [{ field: 'description' }, { field: 'atMs', title: 'at (ms)' }] },
    },
    {
      data: { values },
      // Rotated so the label runs down from the top edge, just left of its rule, inside the plot.
      // Cut to the plot's height (with an ellipsis) so a long label never runs into the axis.
      mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', fontSize: 9, y: 0, dx: -3, dy: -2, limit: heightPx - 8 },
      encoding: { x: { field: 'atMs', type: 'quantitative' }, text: { field: 'description' }, color: { ...color, legend: null } },
    },
  ];
}
