/**
 * Translated notebooks share their code with the original. A source whose front matter says
 * `code: notebooks/src/02-threads-and-rpc.md` writes only prose: each of its ```ts blocks stands
 * for the original's next code cell, and lists the strings to replace in that cell (chart
 * titles, axis labels), one per line as two JSON strings:
 *
 *   ```ts
 *   "Appends as the clients saw them" => "客户端看到的追加操作"
 *   ```
 *
 * An empty block keeps the cell as it is. The number of blocks must equal the original's number
 * of code cells and every replacement must match, so an edit to the original that a translation
 * has not followed fails the build (test/notebook-build.test.ts) instead of drifting silently.
 */
import { NotebookSourceError, type DraftCell } from './source';

const replacementLine = /^("(?:[^"\\]|\\.)*")\s*=>\s*("(?:[^"\\]|\\.)*")$/;

/** The replacements of one translation block, parsed; throws naming the block and the line. */
export function parseReplacements(block: string, where: string): [string, string][] {
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('//'))
    .map((line) => {
      const match = replacementLine.exec(line);
      if (match === null) throw new NotebookSourceError(`${where}: write each replacement as "original text" => "translated text", got: ${line}`);
      return [JSON.parse(match[1] as string) as string, JSON.parse(match[2] as string) as string];
    });
}

/** The translation's cells: its own markdown, and the original's code cells with its replacements applied. */
export function translatedCells(original: readonly DraftCell[], translation: readonly DraftCell[], file: string, originalFile: string): DraftCell[] {
  const code = original.filter((cell) => cell.kind === 'code');
  const blocks = translation.filter((cell) => cell.kind === 'code');
  if (blocks.length !== code.length) {
    throw new NotebookSourceError(`${file}: ${blocks.length} code blocks, but ${originalFile} has ${code.length} code cells; keep one block per original code cell, in order`);
  }
  let next = 0;
  return translation.map((cell) => {
    if (cell.kind === 'markdown') return cell;
    const index = next;
    next += 1;
    let text = (code[index] as DraftCell).text;
    for (const [from, to] of parseReplacements(cell.text, `${file} code block ${index + 1}`)) {
      if (!text.includes(from)) {
        throw new NotebookSourceError(`${file} code block ${index + 1}: "${from}" is not in code cell ${index + 1} of ${originalFile}; update the translation`);
      }
      text = text.split(from).join(to);
    }
    return { kind: 'code', text };
  });
}
