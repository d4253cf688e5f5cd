/**
 * Server-side rendering of Vega-Lite specs: SVG through Vega's headless `renderer: 'none'`
 * view (no canvas, no browser), PNG through resvg. Every plot in distlab is a Vega-Lite spec;
 * these two functions turn one into the fallback images that classic Notebook, nbviewer,
 * GitHub and HTML reports need.
 *
 * vega@5 and vega-lite@5 are used on purpose: they load as CommonJS, which tslab requires
 * (v6 is ESM-only and fails inside notebooks).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega, Vega-Lite and resvg, loaded on first use: they cost about half a second of start-up,
 * which every process that imports a lab (the CLI, each test worker) would otherwise pay
 * although most runs never draw a plot.
 */
export interface RenderLibraries {
  readonly vega: typeof import('vega');
  readonly vl: typeof import('vega-lite');
}

let libraries: RenderLibraries | undefined;

export function renderLibraries(): RenderLibraries {
  if (libraries === undefined) {
    const vega = require('vega') as typeof import('vega');
    measureWideCharacters(vega);
    libraries = { vega, vl: require('vega-lite') as typeof import('vega-lite') };
  }
  return libraries;
}

/** A Vega-Lite v5 top-level spec, as every plot function in distlab returns it. */
export type VegaLiteSpec = TopLevelSpec;

/** Vega's text measuring hook (untyped in vega-typings). */
type TextWidth = (item: { fontSize?: number | string; limit?: number }, text: unknown) => number;
/** Characters a full em wide: CJK ideographs and punctuation, kana, hangul, full-width forms. */
const wideCharacters = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/**
 * Without a canvas (here) Vega lays text out by an estimate of 0.8 em a character, but a
 * Chinese character is a full em: Chinese legend entries ran into the next entry. This installs
 * Vega's estimate with wide characters counted as 1 em (Latin text measures as before; a label
 * cut at its limit counts as the limit). `textMetrics.width` is Vega's hook for it (vl-convert
 * sets it too); Vega's own estimate cannot be wrapped, since it calls back into this hook.
 */
function measureWideCharacters(vega: typeof import('vega')): void {
  const textMetrics = (vega as unknown as { textMetrics: { width: TextWidth } }).textMetrics;
  textMetrics.width = (item, text) => {
    const line = text === null || text === undefined ? '' : String(text).trim();
    const wide = line.match(wideCharacters)?.length ?? 0;
    const fontSize = item.fontSize === undefined || item.fontSize === null ? 11 : Number(item.fontSize) || 0;
    const width = Math.floor((0.8 * (line.length - wide) + wide) * fontSize);
    return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

/**
 * Renders a Vega-Lite spec to an SVG document string, without a browser.
 *
 * @example
 *   const svg = await renderSvg(spaceTimeSpec(world.trace.events, { fromMs: 0, toMs: 1000 }));
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Vega tags inline data rows with symbols; render a copy so the caller's spec stays plain JSON.
  const copy = JSON.parse(JSON.stringify(spec)) as VegaLiteSpec;
  const { vega, vl } = renderLibraries();
  const compiled = vl.compile(copy).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Font files resvg is given explicitly; Vega's SVG asks for `sans-serif`. */
const fontCandidates: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', // Debian, Ubuntu (fonts-dejavu-core)
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf', // Arch
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf', // Fedora
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
  '/Library/Fonts/Arial.ttf', // macOS
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
  // CJK glyphs for the Chinese notebooks (notebooks/zh): resvg falls back to these for characters
  // DejaVu lacks, so PNG labels show 中文 instead of boxes (Debian: fonts-noto-cjk).
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', // Debian, Ubuntu
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', // Arch
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', // Fedora
  '/System/Library/Fonts/PingFang.ttc', // macOS
];

let fontFilesCache: readonly string[] | undefined;

/** The font files found on this machine for PNG text (cached; empty when none were found). */
export function findFontFiles(): readonly string[] {
  if (fontFilesCache === undefined) {
    fontFilesCache = fontCandidates.filter((file) => fs.existsSync(file));
  }
  return fontFilesCache;
}

/**
 * A sentence saying PNG text may be missing, or null when a known font was found.
 * `show()` appends it to the text summary, so a student sees why labels are blank.
 */
export function pngFontWarning(): string | null {
  if (findFontFiles().length > 0) return null;
  return (
    'PNG fallback may have no text: no DejaVu or Arial font found ' +
    '(Debian/Ubuntu: apt-get install fonts-dejavu-core).'
  );
}

/**
 * Converts an SVG document (from `renderSvg`) to PNG bytes with resvg.
 * Uses DejaVu Sans (or Arial) when present, plus whatever system fonts resvg finds;
 * without any font the image still renders, but text is missing (see `pngFontWarning`).
 */
export function svgToPng(svg: string): Uint8Array {
  const fontFiles = [...findFontFiles()];
  const family = fontFiles.some((file) => path.basename(file).startsWith('DejaVu'))
    ? 'DejaVu Sans'
    : fontFiles.length > 0
      ? 'Arial'
      : undefined;
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: 'white',
    font: {
      fontFiles,
      loadSystemFonts: fontFiles.length === 0,
      ...(family === undefined ? {} : { defaultFontFamily: family, sansSerifFamily: family }),
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
