/**
 * Showing plots and tables in a notebook. Inside a tslab kernel a plot is ONE display_data
 * bundle carrying every representation a frontend might draw:
 *   - `application/vnd.vegalite.v5+json`: the spec object (JupyterLab 4, Notebook 7, VS Code),
 *   - `image/svg+xml`: rendered in Node (trusted classic Notebook, nbviewer, HTML export),
 *   - `image/png`: base64 (untrusted classic Notebook, GitHub previews),
 *   - `text/plain`: a one-line summary (terminals, plain `jupyter nbconvert --to script`).
 * Outside a kernel (plain node, vitest, the CLI) only the summary is printed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pngFontWarning, renderSvg, svgToPng, type VegaLiteSpec } from './render';

/** A Jupyter display bundle: mime type -> payload (strings, or a JSON object for Vega-Lite). */
export type DisplayBundle = Record<string, unknown>;

/** Sends one bundle to the notebook frontend. */
export type DisplayWriter = (bundle: DisplayBundle) => void;

export interface ShowOptions {
  /** The text/plain line; default: the spec's `description`, else its title. */
  readonly summary?: string;
}

/**
 * Displays a Vega-Lite spec as one multi-representation bundle (see the module comment).
 *
 * @example
 *   await show(spaceTimeSpec(world.trace.events, { fromMs: 0, toMs: 1000 }));
 */
export async function show(spec: VegaLiteSpec, options: ShowOptions = {}): Promise<void> {
  const summary = withFontWarning(options.summary ?? summaryOf(spec));
  const writer = kernelDisplayWriter();
  if (writer === null) {
    process.stdout.write(`${summary}\n`);
    return;
  }
  const svg = await renderSvg(spec);
  const png = svgToPng(svg);
  writer({
    'application/vnd.vegalite.v5+json': spec,
    'image/svg+xml': svg,
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': summary,
  });
}

/** A table cell value. */
export type TableValue = string | number | boolean | null | undefined;

export interface ShowTableOptions {
  /** Heading shown above the table (HTML) and as the first text line. */
  readonly title?: string;
  /** Column order; default: the keys of the first row, then any new keys in later rows. */
  readonly columns?: readonly string[];
}

/**
 * Displays rows (for example test results) as an HTML table with a text/plain twin.
 *
 * @example
 *   showTable([{ test: 'TestInitialElection3A', verdict: 'pass', ms: 812 }], { title: 'Raft 3A' });
 */
export function showTable(rows: ReadonlyArray<Readonly<Record<string, TableValue>>>, options: ShowTableOptions = {}): void {
  const columns = options.columns ?? columnsOf(rows);
  const text = textTable(rows, columns, options.title);
  const writer = kernelDisplayWriter();
  if (writer === null) {
    process.stdout.write(`${text}\n`);
    return;
  }
  writer({ 'text/html': htmlTable(rows, columns, options.title), 'text/plain': text });
}

/** The keys of the rows, in first-seen order. */
export function columnsOf(rows: ReadonlyArray<Readonly<Record<string, TableValue>>>): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An HTML table (no styles beyond a few inline ones, so it survives notebook sanitizers). */
export function htmlTable(
  rows: ReadonlyArray<Readonly<Record<string, TableValue>>>,
  columns: readonly string[],
  title?: string,
): string {
  const cell = (value: TableValue): string => escapeHtml(value === null || value === undefined ? '' : String(value));
  const head = columns.map((column) => `<th style="text-align:left">${escapeHtml(column)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${columns.map((column) => `<td style="text-align:left">${cell(row[column])}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = title === undefined ? '' : `<caption style="text-align:left"><b>${escapeHtml(title)}</b></caption>`;
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** A fixed-width text table, one line per row. */
export function textTable(
  rows: ReadonlyArray<Readonly<Record<string, TableValue>>>,
  columns: readonly string[],
  title?: string,
): string {
  const cell = (value: TableValue): string => (value === null || value === undefined ? '' : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]): string => values.map((value, index) => value.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  const lines = [line([...columns]), line(widths.map((width) => '-'.repeat(width)))];
  for (const row of rows) lines.push(line(columns.map((column) => cell(row[column]))));
  return [...(title === undefined ? [] : [title]), ...lines].join('\n');
}

function summaryOf(spec: VegaLiteSpec): string {
  const record = spec as { description?: unknown; title?: unknown };
  if (typeof record.description === 'string' && record.description.length > 0) return record.description;
  if (typeof record.title === 'string') return record.title;
  if (typeof record.title === 'object' && record.title !== null) {
    const text = (record.title as { text?: unknown }).text;
    if (typeof text === 'string') return text;
  }
  return 'Vega-Lite chart';
}

function withFontWarning(summary: string): string {
  const warning = pngFontWarning();
  return warning === null ? summary : `${summary} [${warning}]`;
}

// ---------------------------------------------------------------------------------------------
// The one place that reaches into tslab internals.
//
// Why: tslab's public `display.raw(mime, value)` sends ONE mime type per output, and a plot needs
// a single output holding Vega-Lite JSON + SVG + PNG + text (two outputs would draw the chart
// twice in JupyterLab). tslab keeps the current cell's display-data writer in the module
// `tslab/dist/jupyter` as `lastWriteDisplayData`; calling it with a full bundle sends a real
// multi-mime display_data message. That module is only the kernel's own instance when tslab is
// installed locally in this project (the kernel is `node_modules/.bin/tslab`), which is how
// distlab registers it. If a future tslab renames the hook, we fall back to one public
// `display.raw` call per mime type (the chart may then appear more than once).
// ---------------------------------------------------------------------------------------------

type RawWriteDisplayData = (
  data: { data: DisplayBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;

interface TslabPublic {
  display: { raw(contentType: string, value: string | Uint8Array): unknown };
}

let writerOverride: DisplayWriter | null | undefined;

/**
 * Replaces the kernel lookup (tests stub it with a recorder; `null` forces the outside-a-kernel
 * path). Call with `undefined` to restore the real lookup.
 */
export function __unsafe_setDisplayWriter(writer: DisplayWriter | null | undefined): void {
  writerOverride = writer;
}

/** The writer for the running tslab kernel's current cell, or null outside a kernel. */
export function kernelDisplayWriter(): DisplayWriter | null {
  if (writerOverride !== undefined) return writerOverride;
  const jupyterModule = loadedTslabModule('tslab/dist/jupyter') as { lastWriteDisplayData?: unknown } | undefined;
  if (jupyterModule === undefined) return null; // tslab's kernel never loaded here: not a kernel
  const hook = jupyterModule.lastWriteDisplayData;
  if (typeof hook === 'function') {
    const write = hook as RawWriteDisplayData;
    return (bundle) => write({ data: bundle, metadata: {}, transient: {} }, false);
  }
  const tslab = requireTslabPublic();
  if (tslab === undefined || typeof tslab.display?.raw !== 'function') return null;
  return (bundle) => {
    // One output per mime; SVG is skipped when PNG is present so classic Notebook draws it once.
    for (const [mime, value] of Object.entries(bundle)) {
      if (mime === 'image/svg+xml' && 'image/png' in bundle) continue;
      tslab.display.raw(mime, value as string);
    }
  };
}

/** tslab's public API; only called once we know we are inside its kernel. */
function requireTslabPublic(): TslabPublic | undefined {
  try {
    return require('tslab') as TslabPublic;
  } catch {
    return undefined;
  }
}

/**
 * A tslab module only if the process already loaded it (the kernel does at start-up); never
 * loads it ourselves, since that would pull in tslab's TypeScript fork in plain node.
 */
function loadedTslabModule(request: string): unknown {
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (cache === undefined) return undefined;
  let resolved: string;
  try {
    resolved = require.resolve(request);
  } catch {
    return undefined; // tslab is not installed next to distlab
  }
  const candidates = [resolved];
  try {
    candidates.push(fs.realpathSync(resolved));
  } catch {
    // keep the unresolved path only
  }
  for (const file of candidates) {
    const entry = cache[file] ?? cache[path.normalize(file)];
    if (entry !== undefined) return entry.exports;
  }
  return undefined;
}
