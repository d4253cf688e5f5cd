/**
 * Source maps for compiled submissions, so a stack trace from a student's handler points at
 * their code: `raft.ts:42:7` for a module, `raft.ipynb cell 14:12:5` for a notebook (the map of
 * the assembled notebook module is rewritten to name each cell as its own source). Node applies
 * inline maps to code run with `vm` once `process.setSourceMapsEnabled(true)` was called.
 */

/** A source map, version 3 (only the fields distlab reads or writes). */
export interface SourceMapV3 {
  readonly version: 3;
  readonly file?: string;
  readonly sourceRoot?: string;
  readonly sources: readonly string[];
  readonly names: readonly string[];
  readonly mappings: string;
}

/** One mapping segment, absolute values: [generatedColumn, source, line, column, name?]. */
type Segment = number[];

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const digitOf = new Map([...alphabet].map((character, index) => [character, index]));

/** Decodes `mappings` into absolute segments per generated line. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  const state = [0, 0, 0, 0, 0];
  for (const lineText of mappings.split(';')) {
    state[0] = 0;
    const line: Segment[] = [];
    for (const segmentText of lineText.split(',')) {
      if (segmentText.length === 0) continue;
      const values = decodeVlq(segmentText);
      const segment: Segment = [];
      values.forEach((value, index) => {
        state[index] = (state[index] ?? 0) + value;
        segment.push(state[index] ?? 0);
      });
      line.push(segment);
    }
    lines.push(line);
  }
  return lines;
}

/** Encodes absolute segments per generated line back into `mappings`. */
export function encodeMappings(lines: readonly Segment[][]): string {
  const previous = [0, 0, 0, 0, 0];
  return lines
    .map((line) => {
      previous[0] = 0;
      return line
        .map((segment) =>
          segment
            .map((value, index) => {
              const delta = value - (previous[index] ?? 0);
              previous[index] = value;
              return encodeVlq(delta);
            })
            .join(''),
        )
        .join(',');
    })
    .join(';');
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const character of text) {
    const digit = digitOf.get(character);
    if (digit === undefined) throw new Error(`source map: bad base64 digit "${character}"`);
    value += (digit & 31) << shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeVlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let text = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    text += alphabet[digit];
  } while (rest > 0);
  return text;
}

/**
 * Rewrites the map of an assembled notebook module so each cell is its own source,
 * `<notebook> cell N`, with lines counted within the cell. Generated lines map to nothing.
 */
export function mapToCells(map: SourceMapV3, lines: ReadonlyArray<{ readonly cell: number; readonly line: number } | null>, notebookName: string): SourceMapV3 {
  const sources: string[] = [];
  const sourceIndex = new Map<number, number>();
  const remapped = decodeMappings(map.mappings).map((line) =>
    line.map((segment) => {
      const origin = segment.length >= 4 ? lines[segment[2] ?? -1] : null;
      if (origin === null || origin === undefined) return [segment[0] ?? 0];
      let index = sourceIndex.get(origin.cell);
      if (index === undefined) {
        index = sources.length;
        sources.push(`${notebookName} cell ${origin.cell}`);
        sourceIndex.set(origin.cell, index);
      }
      return [segment[0] ?? 0, index, origin.line - 1, segment[3] ?? 0, ...segment.slice(4)];
    }),
  );
  return { version: 3, sources, names: map.names, mappings: encodeMappings(remapped) };
}

/** The comment that attaches `map` to generated code. */
export function inlineSourceMapComment(map: SourceMapV3): string {
  return `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Mapping stack traces. Node (20) does not apply source maps to code run with `vm`, so distlab
// registers the map of every submission module it evaluates and rewrites `file:line:column` of
// those frames in every stack trace: the previous `Error.prepareStackTrace` (Node's, or a test
// runner's) still formats the stack, only the positions of registered files change.
// ---------------------------------------------------------------------------------------------

interface RegisteredMap {
  readonly sources: readonly string[];
  readonly lines: Segment[][];
}

const registered = new Map<string, RegisteredMap>();
let installed = false;

/** Registers the inline source map of `code`, evaluated under the name `file`. */
export function registerSourceMap(file: string, code: string): void {
  const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (match === null) return;
  const map = JSON.parse(Buffer.from(match[1] ?? '', 'base64').toString('utf8')) as SourceMapV3;
  registered.set(file, { sources: map.sources, lines: decodeMappings(map.mappings) });
  installStackMapping();
}

/** The original position of a generated 1-based line and column, or null. */
export function originalPosition(file: string, line: number, column: number): { source: string; line: number; column: number } | null {
  const map = registered.get(file);
  const segments = map?.lines[line - 1];
  if (map === undefined || segments === undefined) return null;
  let found: Segment | undefined;
  for (const segment of segments) {
    if ((segment[0] ?? 0) > column - 1) break;
    if (segment.length >= 4) found = segment;
  }
  if (found === undefined) return null;
  const source = map.sources[found[1] ?? 0];
  return source === undefined ? null : { source, line: (found[2] ?? 0) + 1, column: (found[3] ?? 0) + 1 };
}

type PrepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => unknown;

function installStackMapping(): void {
  if (installed) return;
  installed = true;
  const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): unknown => {
    const formatted = previous === undefined ? defaultFormat(error, sites) : previous(error, sites);
    if (typeof formatted !== 'string') return formatted;
    let text = formatted;
    for (const site of sites) {
      const file = site.getFileName();
      const line = site.getLineNumber();
      const column = site.getColumnNumber();
      if (file === undefined || file === null || line === null || column === null || !registered.has(file)) continue;
      const original = originalPosition(file, line, column);
      if (original !== null) text = text.replace(`${file}:${line}:${column}`, `${original.source}:${original.line}:${original.column}`);
    }
    return text;
  };
}

function defaultFormat(error: Error, sites: readonly NodeJS.CallSite[]): string {
  let header: string;
  try {
    header = Error.prototype.toString.call(error);
  } catch {
    header = 'Error';
  }
  return [header, ...sites.map((site) => `    at ${String(site)}`)].join('\n');
}
