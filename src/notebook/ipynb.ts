/**
 * Reading and writing Jupyter notebooks (nbformat 4). This is a gateway: a notebook file is
 * parsed with a zod schema once, and errors name the file, the cell index and what is wrong.
 * Past it, code works with the typed `Notebook`.
 */
import * as fs from 'node:fs';
import { z } from 'zod';

/** nbformat stores multi-line text either as one string or as a list of lines. */
const multilineText = z.union([z.string(), z.array(z.string())]);

const outputSchema = z.looseObject({
  output_type: z.enum(['stream', 'display_data', 'execute_result', 'error', 'update_display_data']),
});

const cellBase = {
  id: z.string().optional(),
  source: multilineText,
  metadata: z.record(z.string(), z.unknown()).default({}),
};

const codeCellSchema = z.looseObject({
  ...cellBase,
  cell_type: z.literal('code'),
  execution_count: z.number().int().nullable().default(null),
  outputs: z.array(outputSchema).default([]),
});

const textCellSchema = z.looseObject({
  ...cellBase,
  cell_type: z.enum(['markdown', 'raw']),
  attachments: z.record(z.string(), z.unknown()).optional(),
});

const cellSchema = z.discriminatedUnion('cell_type', [codeCellSchema, textCellSchema]);

const notebookHeaderSchema = z.looseObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().nonnegative(),
  metadata: z.record(z.string(), z.unknown()),
  cells: z.array(z.unknown()),
});

export type NotebookCell = z.infer<typeof cellSchema>;
export type CodeCell = z.infer<typeof codeCellSchema>;

export interface Notebook {
  readonly nbformat: 4;
  readonly nbformat_minor: number;
  readonly metadata: Record<string, unknown>;
  readonly cells: NotebookCell[];
  /** Any other top-level keys, kept on write. */
  readonly [key: string]: unknown;
}

/** A notebook that failed validation; `cellIndex` is set when one cell is at fault. */
export class NotebookFormatError extends Error {
  constructor(
    readonly file: string,
    readonly cellIndex: number | undefined,
    readonly problem: string,
  ) {
    super(`${file}${cellIndex === undefined ? '' : `: cell ${cellIndex}`}: ${problem}`);
    this.name = 'NotebookFormatError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}

/**
 * Validates parsed JSON as an nbformat 4 notebook. `file` is only used in error messages.
 *
 * @example
 *   const notebook = parseNotebook(JSON.parse(text), 'notebooks/00-runtime-tour.ipynb');
 */
export function parseNotebook(json: unknown, file: string): Notebook {
  const header = notebookHeaderSchema.safeParse(json);
  if (!header.success) {
    const version = (json as { nbformat?: unknown } | null)?.nbformat;
    const hint = version !== undefined && version !== 4 ? ` (nbformat ${String(version)}; only version 4 is supported)` : '';
    throw new NotebookFormatError(file, undefined, `not an nbformat 4 notebook${hint}: ${describeIssues(header.error)}`);
  }
  const cells = header.data.cells.map((raw, index) => {
    const cell = cellSchema.safeParse(raw);
    if (!cell.success) throw new NotebookFormatError(file, index, describeIssues(cell.error));
    return cell.data;
  });
  return { ...header.data, nbformat: 4, cells };
}

/** Reads and validates a notebook file. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new NotebookFormatError(file, undefined, `cannot read the file (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(file, undefined, `not valid JSON (${(error as Error).message})`);
  }
  return parseNotebook(json, file);
}

/** A cell's source as one string. */
export function cellSource(cell: NotebookCell): string {
  return typeof cell.source === 'string' ? cell.source : cell.source.join('');
}

/** A code cell with its position among ALL cells of the notebook (what Jupyter shows). */
export interface CodeCellInfo {
  readonly index: number;
  readonly source: string;
  readonly metadata: Record<string, unknown>;
  /** `metadata.tags`, when it is a list of strings. */
  readonly tags: readonly string[];
}

/** The code cells, in order, with their cell index, source, metadata and tags. */
export function codeCells(notebook: Notebook): CodeCellInfo[] {
  const result: CodeCellInfo[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const tags = Array.isArray(cell.metadata.tags) ? cell.metadata.tags.filter((tag): tag is string => typeof tag === 'string') : [];
    result.push({ index, source: cellSource(cell), metadata: cell.metadata, tags });
  });
  return result;
}

/** A copy with every code cell's outputs and execution count cleared (`--clear-outputs`). */
export function clearOutputs(notebook: Notebook): Notebook {
  return {
    ...notebook,
    cells: notebook.cells.map((cell) =>
      cell.cell_type === 'code' ? { ...cell, outputs: [], execution_count: null } : cell,
    ),
  };
}

/** Splits text into nbformat's list-of-lines form (each line keeps its newline). */
export function toSourceLines(text: string): string[] {
  return text.length === 0 ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

/**
 * Writes a notebook with outputs cleared (notebooks are committed without outputs), in
 * Jupyter's own layout: one-space indentation, sorted keys, trailing newline, so saving from
 * Jupyter afterwards gives a small diff.
 */
export function writeNotebook(file: string, notebook: Notebook): void {
  fs.writeFileSync(file, notebookText(clearOutputs(notebook)), 'utf8');
}

/** A notebook file's exact text in Jupyter's layout: sorted keys, one-space indent, trailing newline. */
export function notebookText(notebook: Notebook): string {
  return `${JSON.stringify(sortKeys(notebook), null, 1)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}
