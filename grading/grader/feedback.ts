/**
 * What a student reads: a per-part table in the terminal and, for each failed test, one
 * self-contained HTML page (the violation, the seed, the lab's plots of the failing run and,
 * for public tests, the replay command). Plot specs come from the sandboxed worker, so they are
 * untrusted data: a spec that names a URL (Vega would fetch or read it) is dropped.
 */
import * as path from 'node:path';
import { htmlPage, writeHtmlPage, type HtmlSection, type VegaLiteSpec } from 'distlab/plot';
import type { TestVerdict } from './results';
import { round } from './results';

/** Size cap of one failure page. */
export const failurePageBytesMax = 2 * 1024 * 1024;

/** True when a spec holds no key that makes Vega load anything (`url`, `href`, `$ref`). */
export function specIsInert(spec: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (Array.isArray(spec)) return spec.every((item) => specIsInert(item, depth + 1));
  if (spec === null || typeof spec !== 'object') return true;
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'url' || key === 'href' || key === '$ref' || key === 'loader') return false;
    if (!specIsInert(value, depth + 1)) return false;
  }
  return true;
}

export function pageName(verdict: TestVerdict): string {
  return `failures/${verdict.hidden ? 'hidden-' : ''}${verdict.name.replace(/[^A-Za-z0-9_-]/g, '_')}.html`;
}

/** Writes the failure page of `verdict` under `outDir`; returns its relative path. */
export async function writeFailurePage(outDir: string, lab: string, verdict: TestVerdict, replay: (name: string, seed: number) => string): Promise<string | null> {
  const failed = verdict.failed;
  if (failed === null) return null;
  const outcome = failed.outcome;
  const sections: HtmlSection[] = [
    {
      heading: 'What went wrong',
      text:
        `${outcome.failure ?? 'failed'}\n\n` +
        `Kind: ${outcome.kind}. Seed: ${outcome.seed}.` +
        (outcome.failureAtMs === undefined ? '' : ` Virtual time of the failure: ${(outcome.failureAtMs / 1000).toFixed(3)} s.`) +
        `\nSeeds passed: ${verdict.seedsPassed} of ${verdict.seeds.length} (a test passes only if every seed passes).`,
    },
  ];
  if (!verdict.hidden && failed.enforced === undefined) sections.push({ heading: 'Replay this run', text: replay(verdict.name, outcome.seed) });
  if (verdict.hidden) sections.push({ heading: 'Hidden test', text: 'This scenario is part of the hidden suite: its source and parameters are not shown.' });
  for (const plot of failed.plots) {
    if (!specIsInert(plot.spec)) continue;
    sections.push({ heading: plot.title, spec: plot.spec as unknown as VegaLiteSpec });
  }
  if (!verdict.hidden && outcome.log.length > 0) sections.push({ heading: 'Test log', text: outcome.log.join('\n') });
  const relative = pageName(verdict);
  let page: string;
  try {
    page = await htmlPage({ title: `${lab}: ${verdict.name} failed (seed ${outcome.seed})`, sections, bytesMax: failurePageBytesMax });
  } catch {
    page = await htmlPage({ title: `${lab}: ${verdict.name} failed (seed ${outcome.seed})`, sections: sections.filter((section) => section.spec === undefined), bytesMax: failurePageBytesMax });
  }
  writeHtmlPage(path.join(outDir, relative), page);
  return relative;
}

/** The per-part table printed after grading. */
export function partTable(all: readonly TestVerdict[], parts: readonly string[]): string {
  const rows = [['part', 'tests passed', 'seeds passed', 'points']];
  let total = 0;
  let max = 0;
  for (const part of parts) {
    const mine = all.filter((verdict) => verdict.part === part);
    if (mine.length === 0) continue;
    const score = round(mine.reduce((sum, verdict) => sum + verdict.score, 0));
    const partMax = round(mine.reduce((sum, verdict) => sum + verdict.maxScore, 0));
    total += score;
    max += partMax;
    rows.push([
      part,
      `${mine.filter((verdict) => verdict.passed).length}/${mine.length}`,
      `${mine.reduce((sum, verdict) => sum + verdict.seedsPassed, 0)}/${mine.reduce((sum, verdict) => sum + verdict.seeds.length, 0)}`,
      `${score}/${partMax}`,
    ]);
  }
  rows.push(['total', '', '', `${round(total)}/${round(max)}`]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** One line per failed test, for the terminal. */
export function failureLines(all: readonly TestVerdict[]): string[] {
  return all
    .filter((verdict) => !verdict.passed)
    .map((verdict) => {
      const outcome = verdict.failed?.outcome;
      const what = outcome === undefined ? 'not all seeds ran' : `seed ${outcome.seed}: ${outcome.failure ?? outcome.kind}`;
      return `  FAIL ${verdict.part} ${verdict.name}${verdict.hidden ? ' (hidden)' : ''}: ${what}${verdict.page === undefined ? '' : `  [${verdict.page}]`}`;
    });
}
