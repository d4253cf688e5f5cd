/**
 * Self-contained HTML reports: one file, no network references, every chart rendered to inline
 * SVG on the server, and each chart's Vega-Lite JSON kept in a
 * `<script type="application/json">` block so it can be reopened in the Vega editor or reused.
 * The CLI writes these for failing runs; they open in any browser, offline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml, htmlTable, columnsOf, type TableValue } from './display';
import { renderSvg, type VegaLiteSpec } from './render';

/** Pages stop growing at this size; later sections are replaced by a note saying so. */
export const htmlPageBytesMax = 8 * 1024 * 1024;

export interface HtmlSection {
  readonly heading: string;
  /** Plain text, shown as a paragraph (newlines kept). */
  readonly text?: string;
  /** A chart: rendered to inline SVG, its JSON embedded beside it. */
  readonly spec?: VegaLiteSpec;
  /** A ready-made SVG document (used as is, when no spec is given). */
  readonly svg?: string;
  readonly table?: ReadonlyArray<Readonly<Record<string, TableValue>>>;
}

export interface HtmlPageOptions {
  readonly title: string;
  readonly sections: readonly HtmlSection[];
  /** Size cap in bytes (UTF-8); default `htmlPageBytesMax`. */
  readonly bytesMax?: number;
}

const style = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:2px 8px}
pre{white-space:pre-wrap}.note{background:#fff3cd;border:1px solid #e0c36a;padding:.6em}`;

/**
 * Builds one self-contained HTML page.
 *
 * @example
 *   const page = await htmlPage({ title: 'seed 7', sections: [{ heading: 'Messages', spec }] });
 *   writeHtmlPage('artifacts/seed-7.html', page);
 */
export async function htmlPage(options: HtmlPageOptions): Promise<string> {
  const bytesMax = options.bytesMax ?? htmlPageBytesMax;
  const head =
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(options.title)}</title><style>${style}</style></head>\n<body>\n` +
    `<h1>${escapeHtml(options.title)}</h1>\n`;
  const tail = '</body></html>\n';
  const parts: string[] = [head];
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tail);
  let index = 0;
  for (const section of options.sections) {
    const html = await sectionHtml(section, index);
    const size = Buffer.byteLength(html);
    if (bytes + size > bytesMax) {
      const omitted = options.sections.length - index;
      parts.push(
        `<p class="note">Truncated: ${omitted} of ${options.sections.length} sections omitted ` +
          `(starting with "${escapeHtml(section.heading)}") because the page would exceed ` +
          `${bytesMax} bytes. Narrow the time window or split the report.</p>\n`,
      );
      break;
    }
    parts.push(html);
    bytes += size;
    index += 1;
  }
  parts.push(tail);
  return parts.join('');
}

async function sectionHtml(section: HtmlSection, index: number): Promise<string> {
  const parts = [`<section>\n<h2>${escapeHtml(section.heading)}</h2>\n`];
  if (section.text !== undefined) parts.push(`<pre>${escapeHtml(section.text)}</pre>\n`);
  if (section.spec !== undefined) {
    parts.push(`<div class="chart">${stripXmlProlog(await renderSvg(section.spec))}</div>\n`);
    parts.push(
      `<script type="application/json" id="vega-lite-spec-${index}">${scriptSafeJson(section.spec)}</script>\n`,
    );
  } else if (section.svg !== undefined) {
    parts.push(`<div class="chart">${stripXmlProlog(section.svg)}</div>\n`);
  }
  if (section.table !== undefined) parts.push(`${htmlTable(section.table, columnsOf(section.table))}\n`);
  parts.push('</section>\n');
  return parts.join('');
}

/** JSON that cannot close its `<script>` element early. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^\s*<\?xml[^>]*>\s*/, '');
}

/** Writes a page, creating parent folders. */
export function writeHtmlPage(file: string, page: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, page, 'utf8');
}
