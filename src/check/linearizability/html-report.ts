/**
 * The self-contained HTML file `distlab check --out` writes: the history timeline rendered to
 * inline SVG (vega + vega-lite in Node, no browser, no network), plus a table of the operation
 * that cannot be linearized and of the longest linearizable prefix before it. The spec comes
 * from the caller, so this file depends on no plot code.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { CheckResult } from './checker';
import type { Operation } from './history';
import type { AnyModel } from './model';
import { describeOperation } from './model';

/** Rows of the prefix table beyond which the table is cut (the picture still shows everything). */
export const reportPrefixRowsMax = 500;

/** Renders a Vega-Lite spec to an SVG string in Node. */
export async function renderSpecSvg(spec: TopLevelSpec): Promise<string> {
  // Vega tags inline data rows with symbols; render a copy so the caller's spec stays plain JSON.
  const compiled = vl.compile(JSON.parse(JSON.stringify(spec)) as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface HistoryReportInput {
  readonly spec: TopLevelSpec;
  readonly result: CheckResult;
  readonly model: AnyModel;
  /** Shown in the page title, e.g. the history file name. */
  readonly source: string;
}

/** The whole HTML page as a string. */
export async function historyReportHtml(input: HistoryReportInput): Promise<string> {
  const svg = await renderSpecSvg(input.spec);
  const { result, model } = input;
  const summary = `${result.verdict}: ${result.ops} operations, ${result.partitions.length} partition(s), checked in ${result.ms.toFixed(1)} ms`;
  const sections: string[] = [`<h1>${escapeHtml(input.source)}</h1>`, `<p class="verdict ${result.verdict}">${escapeHtml(summary)}</p>`];
  if (result.verdict === 'unknown') sections.push(`<p>The check gave up (${escapeHtml(result.reason ?? 'budget')}); raise --timeout-ms to get a verdict.</p>`);
  sections.push(`<div class="plot">${svg}</div>`);
  if (result.failure !== undefined) {
    const { failure } = result;
    const key = failure.key === null ? '' : ` (partition ${escapeHtml(JSON.stringify(failure.key))})`;
    sections.push(`<h2>Operation that cannot be linearized${key}</h2>`, operationTable(model, [failure.operation]));
    if (failure.state !== undefined) sections.push(`<p>State after the longest prefix, in which it is impossible: <code>${escapeHtml(failure.state)}</code></p>`);
    const shown = failure.prefix.slice(0, reportPrefixRowsMax);
    const cut = failure.prefix.length > shown.length ? ` (first ${shown.length} of ${failure.prefix.length})` : '';
    sections.push(`<h2>Longest linearizable prefix, in linearization order${cut}</h2>`, operationTable(model, shown));
  }
  return page(`distlab check: ${input.source}`, sections.join('\n'));
}

function operationTable(model: AnyModel, operations: readonly Operation[]): string {
  const rows = operations.map(
    (operation, index) =>
      `<tr><td>${index + 1}</td><td>${operation.id}</td><td>${escapeHtml(operation.client)}</td>` +
      `<td>${escapeHtml(describeOperation(model, operation))}</td><td>${operation.callMs}</td>` +
      `<td>${Number.isFinite(operation.returnMs) ? operation.returnMs : 'unknown'}</td></tr>`,
  );
  return `<table><thead><tr><th>#</th><th>op</th><th>client</th><th>operation</th><th>call (ms)</th><th>return (ms)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
.verdict { font-weight: bold; } .verdict.ok { color: #2c7a4b; } .verdict.illegal { color: #b00; } .verdict.unknown { color: #a60; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
.plot { overflow-x: auto; }
</style></head>
<body>
${body}
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
