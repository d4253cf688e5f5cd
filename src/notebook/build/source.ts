/**
 * The one source format of every generated notebook (lecture and lab): markdown with fenced
 * ```ts code cells. docs/notebooks.md ("Notebook sources") is the reference; in short:
 *
 *   ---                                    optional front matter, `key: value` lines
 *   notebook: labs/raft/raft.ipynb         what students open (solution regions stripped)
 *   instructor: grading/solutions/raft/raft.ipynb   the same with solutions (optional)
 *   skeleton: grading/solutions/raft/raft.ts -> labs/raft/raft.ts   stripped copy (repeatable)
 *   id: raft                               cell id prefix
 *   # a comment line
 *   ---
 *   # Markdown, one cell up to the next code block (`<!-- cell -->` splits it)
 *   ```ts
 *   // include: grading/solutions/raft/raft.ts#election    <- a named region of a .ts file
 *   ```
 *
 * Paths are relative to the repository root. This module only parses; build.ts resolves
 * includes and writes notebooks.
 */

/** A cell before includes are resolved. */
export interface DraftCell {
  readonly kind: 'markdown' | 'code';
  readonly text: string;
}

/** A `skeleton: SOURCE -> TARGET` line: TARGET is SOURCE with its solution regions stripped. */
export interface SkeletonTarget {
  readonly source: string;
  readonly target: string;
}

export interface FrontMatter {
  readonly notebook?: string;
  readonly instructor?: string;
  readonly id?: string;
  /** A translation: the source whose code cells this one shares (translation.ts). */
  readonly code?: string;
  /**
   * The folder the instructor notebook's `./x` imports point into (the built lab, e.g.
   * `dist/labs/kvsrv`), so it runs where it lives; the student notebook keeps `./x`.
   */
  readonly imports?: string;
  readonly skeletons: readonly SkeletonTarget[];
}

export interface NotebookSource {
  readonly file: string;
  readonly frontMatter: FrontMatter;
  readonly cells: readonly DraftCell[];
  /** The text of a ```ts skeleton-header block: the doc comment that heads every skeleton. */
  readonly skeletonHeader: string | null;
}

/** A source that cannot be built; the message names the file and line. */
export class NotebookSourceError extends Error {
  override readonly name = 'NotebookSourceError';
}

const cellSplit = '<!-- cell -->';
const codeOpen = /^```ts(?:\s+([\w-]+))?\s*$/;
const codeClose = /^```\s*$/;
/** Sources are small; a longer one is a mistake (e.g. an unclosed fence swallowing the file). */
const sourceLinesMax = 3_000;
const frontMatterKeys = new Set(['notebook', 'instructor', 'id', 'skeleton', 'code', 'imports']);

/** Splits `---` front matter from the body; returns the body's first line number too. */
function splitFrontMatter(lines: readonly string[], file: string): { frontMatter: FrontMatter; bodyStart: number } {
  if (lines[0]?.trim() !== '---') return { frontMatter: { skeletons: [] }, bodyStart: 0 };
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end === -1) throw new NotebookSourceError(`${file}:1: front matter opened with --- is never closed`);
  const values: Record<string, string> = {};
  const skeletons: SkeletonTarget[] = [];
  for (let index = 1; index < end; index += 1) {
    const line = lines[index] as string;
    if (line.trim() === '' || line.startsWith('#')) continue; // a `#` line is a comment
    const match = /^(\w+):\s*(.+?)\s*$/.exec(line);
    if (match === null || !frontMatterKeys.has(match[1] as string)) {
      throw new NotebookSourceError(`${file}:${index + 1}: front matter lines are \`key: value\` with key one of ${[...frontMatterKeys].join(', ')}; got "${line}"`);
    }
    const [, key, value] = match as unknown as [string, string, string];
    if (key === 'skeleton') {
      const arrow = /^(\S+)\s*->\s*(\S+)$/.exec(value);
      if (arrow === null) throw new NotebookSourceError(`${file}:${index + 1}: write skeleton: SOURCE.ts -> TARGET.ts`);
      skeletons.push({ source: arrow[1] as string, target: arrow[2] as string });
    } else {
      values[key] = value;
    }
  }
  return { frontMatter: { ...values, skeletons }, bodyStart: end + 1 };
}

/**
 * Parses a source: ```ts blocks become code cells, the markdown between them markdown cells.
 * Throws with the line number on an unclosed fence or bad front matter.
 */
export function parseNotebookSource(text: string, file: string): NotebookSource {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > sourceLinesMax) throw new NotebookSourceError(`${file}: ${lines.length} lines, over sourceLinesMax (${sourceLinesMax})`);
  const { frontMatter, bodyStart } = splitFrontMatter(lines, file);
  const cells: DraftCell[] = [];
  let skeletonHeader: string | null = null;
  let markdown: string[] = [];
  const flushMarkdown = (): void => {
    const body = markdown.join('\n').trim();
    if (body.length > 0) cells.push({ kind: 'markdown', text: body });
    markdown = [];
  };
  for (let index = bodyStart; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const open = codeOpen.exec(line);
    if (line.trim() === cellSplit) flushMarkdown();
    else if (open === null) markdown.push(line);
    else {
      const opened = index + 1;
      const code: string[] = [];
      for (index += 1; index < lines.length && !codeClose.test(lines[index] as string); index += 1) code.push(lines[index] as string);
      if (index >= lines.length) throw new NotebookSourceError(`${file}:${opened}: a \`\`\`ts block is never closed`);
      const body = code.join('\n').trimEnd();
      if (open[1] === 'skeleton-header') skeletonHeader = body;
      else if (open[1] === undefined) {
        flushMarkdown();
        cells.push({ kind: 'code', text: body });
      } else throw new NotebookSourceError(`${file}:${opened}: unknown block \`\`\`ts ${open[1]} (only \`\`\`ts and \`\`\`ts skeleton-header)`);
    }
  }
  flushMarkdown();
  return { file, frontMatter, cells, skeletonHeader };
}
