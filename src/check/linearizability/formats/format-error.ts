/**
 * The one error the history readers throw: it names the line (or the JSON path) and says what
 * was expected there, so a hand-edited file can be fixed without reading the parser.
 */
export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
  constructor(
    readonly file: string,
    /** 1-based line, or null when the problem has no single line (e.g. a JSON path). */
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${detail}`);
  }
}
