/**
 * House rules that a machine can check (TigerBeetle's tidy.zig plays this role): no wall clock,
 * real timers or Math.random in simulated code, and imports that only point down the layers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');

function sourceFiles(folder: string): string[] {
  const absolute = join(root, folder);
  let entries: string[];
  try {
    entries = readdirSync(absolute);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(absolute, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'fixtures' ? [] : sourceFiles(relative(root, path));
    return /\.ts$/.test(entry) ? [relative(root, path)] : [];
  });
}

/** Code lines without comments (good enough for these checks: no regex literals contain the banned names). */
function codeLines(file: string): Array<{ line: number; text: string }> {
  const raw = readFileSync(join(root, file), 'utf8');
  const text = raw.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '));
  // A line that says `tidy: allowed (why)` in a comment is exempt (e.g. the provider redirection itself).
  return text
    .split('\n')
    .map((line, index) => ({ line: index + 1, text: line.includes('tidy: allowed') ? '' : line.replace(/\/\/.*$/, '') }));
}

const banned: Array<{ pattern: RegExp; use: string }> = [
  { pattern: /\bMath\.random\s*\(/, use: "ctx.random() / ctx.randomInt() in nodes, world.random in testers" },
  { pattern: /\bDate\.now\s*\(/, use: 'ctx.now() (virtual time)' },
  { pattern: /\bnew Date\s*\(/, use: 'ctx.now() (virtual time)' },
  { pattern: /\bperformance\.now\s*\(/, use: 'ctx.now() (virtual time)' },
  { pattern: /(^|[^.\w])setTimeout\s*\(/, use: 'ctx.sleep(ms) or timer(ms, ctx.scheduler)' },
  { pattern: /(^|[^.\w])setInterval\s*\(/, use: 'interval(ms, ctx.scheduler)' },
];

/** Simulated code: everything that runs inside a world. */
const simulated = [...sourceFiles('src/runtime'), ...sourceFiles('labs'), ...sourceFiles('grading/solutions'), ...sourceFiles('grading/mutants')].filter(
  (file) => !file.endsWith('.test.ts') && !file.endsWith('notebook.ts'),
);

/** Which files may not import what: one rule per layer boundary. */
function layerRules(): Array<{ files: string[]; forbidden: RegExp; why: string }> {
  return [
    { files: sourceFiles('src'), forbidden: /(^|\/)(labs|grading)\//, why: 'src/ must not import labs/ or grading/ (find them at run time by path)' },
    { files: sourceFiles('src/runtime'), forbidden: /^\.\.\/(check|plot|testing|notebook|cli)\b/, why: 'src/runtime is the bottom layer' },
    { files: sourceFiles('labs'), forbidden: /(^|\/)grading\//, why: 'labs must not import grading/' },
    { files: sourceFiles('labs'), forbidden: /^(\.\.\/)+src\//, why: "labs import the runtime as the package 'distlab', never by relative path" },
    { files: sourceFiles('grading'), forbidden: /(^|\/)src\/cli(\/|$)|^distlab\/cli\b/, why: 'grading/ must not import the CLI (the CLI loads the grader at run time; the other way round is a loop)' },
    {
      files: sourceFiles('grading'),
      forbidden: /^(\.\.\/)+src(\/|$)/,
      why: "grading imports the runtime as the package 'distlab' (distlab/testing, distlab/plot, ...), never by relative path into src/",
    },
  ];
}

describe('Tidy: house rules', () => {
  it('Tidy: simulated code never reads the wall clock, real timers or Math.random', () => {
    const problems: string[] = [];
    for (const file of simulated) {
      for (const { line, text } of codeLines(file)) {
        for (const rule of banned) {
          if (rule.pattern.test(text)) problems.push(`${file}:${line}: ${text.trim()} — ${rule.pattern.source} is banned, use ${rule.use}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('Tidy: imports point down the layers (runtime <- check, plot, testing <- labs <- grading)', () => {
    const problems: string[] = [];
    const importPattern = /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;
    const rules = layerRules();
    for (const rule of rules) {
      for (const file of rule.files) {
        const text = readFileSync(join(root, file), 'utf8');
        for (const match of text.matchAll(importPattern)) {
          if (rule.forbidden.test(match[1] as string)) problems.push(`${file}: imports ${match[1]} — ${rule.why}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('Tidy: the layer rules catch what they forbid', () => {
    // A rule is only as good as its pattern: a grading file importing the CLI or src/ by path is caught, the package name is not.
    const caught = (file: string, specifier: string): boolean => layerRules().some((rule) => rule.files.includes(file) && rule.forbidden.test(specifier));
    expect(caught('grading/grader/grade.ts', '../../src/cli/labs')).toBe(true);
    expect(caught('grading/grader/grade.ts', '../../src/testing/run-test')).toBe(true);
    expect(caught('grading/grader/grade.ts', 'distlab/testing')).toBe(false);
    expect(caught('labs/raft/harness.ts', '../../src/testing')).toBe(true);
    expect(caught('labs/raft/harness.ts', 'distlab/check')).toBe(false);
  });

  it('Tidy: every limit lives in limits.ts with a ...Max name', () => {
    const text = readFileSync(join(root, 'src/runtime/limits.ts'), 'utf8');
    const names = [...text.matchAll(/^\s{2}(\w+):/gm)].map((match) => match[1] as string);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !name.endsWith('Max'))).toEqual([]);
  });

  it('Tidy: functions are 70 lines or fewer (src, labs, grading)', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('labs'), ...sourceFiles('grading')].filter((file) => !file.endsWith('.test.ts'));
    const problems: string[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
          const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
          const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (last - first + 1 > 70) problems.push(`${file}:${first + 1}: a function of ${last - first + 1} lines; split it (70 at most)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(problems).toEqual([]);
  });
});
