/**
 * Named regions of a `.ts` file and solution regions inside them.
 *
 * A named region starts at a marker line `// notebook: NAME [PART]` and runs to the next marker
 * (or the end of the file); the reference solutions are split this way, so one file compiles,
 * is tested, and becomes several notebook cells. Without a region name, an include takes the
 * whole file minus its imports (the notebook has its own import cell).
 *
 * A solution region is `// BEGIN SOLUTION [(PART)]` ... `// END SOLUTION`. The student's version
 * replaces it by `// Your code here (PART).` (PART defaults to the named region's part), so the
 * code around it must compile and run without it.
 */
import { NotebookSourceError } from './source';

export interface Region {
  readonly name: string;
  /** The lab part (e.g. 3A) a region without its own part belongs to, or null. */
  readonly part: string | null;
  readonly code: string;
}

const regionMarker = /^\/\/ notebook: (\S+)(?: (\S+))?\s*$/;
const solutionBegin = /^(\s*)\/\/ BEGIN SOLUTION(?:\s*\((\S+)\))?\s*$/;
const solutionEnd = /^\s*\/\/ END SOLUTION\s*$/;

function trimBlankLines(text: string): string {
  return text.replace(/^(\s*\n)+/, '').replace(/\s+$/, '');
}

/** The `// notebook: NAME` regions of a file, in order. */
export function namedRegions(text: string): Region[] {
  const lines = text.split('\n');
  const markers = lines.flatMap((line, index) => {
    const match = regionMarker.exec(line);
    return match === null ? [] : [{ index, name: match[1] as string, part: match[2] ?? null }];
  });
  return markers.map((marker, k) => ({
    name: marker.name,
    part: marker.part,
    code: trimBlankLines(lines.slice(marker.index + 1, markers[k + 1]?.index ?? lines.length).join('\n')),
  }));
}

/** One named region; the error lists the names there are. */
export function namedRegion(text: string, name: string, file: string): Region {
  const regions = namedRegions(text);
  const found = regions.find((region) => region.name === name);
  if (found === undefined) {
    const names = regions.map((region) => region.name).join(', ') || 'none: mark them with `// notebook: NAME` lines';
    throw new NotebookSourceError(`${file} has no region "${name}" (regions: ${names})`);
  }
  return found;
}

/**
 * A whole file as a notebook cell: without import statements (the notebook's import cell
 * replaces them) and without `export` on top-level declarations (tslab shares top-level
 * declarations between cells itself and rejects an explicit `export`).
 */
export function withoutImports(text: string): string {
  const kept: string[] = [];
  let inImport = false;
  for (const line of text.split('\n')) {
    if (!inImport && line.startsWith('import ')) inImport = true;
    if (inImport) {
      if (line.trimEnd().endsWith(';')) inImport = false;
      continue;
    }
    kept.push(line);
  }
  return withoutExports(kept.join('\n').replace(/\n{3,}/g, '\n\n').trim());
}

/** Drops `export` from top-level declarations and drops `export { ... }` lists (tslab rejects them). */
export function withoutExports(code: string): string {
  return code
    .split('\n')
    .filter((line) => !/^export (type )?\{[^}]*\};?\s*$/.test(line))
    .map((line) => line.replace(/^export (?=(abstract |async )?(class|function|const|let|type|interface|enum) )/, ''))
    .join('\n');
}

/** True when the text has a solution region marker. */
export function hasSolutionRegion(text: string): boolean {
  return text.split('\n').some((line) => solutionBegin.test(line) || solutionEnd.test(line));
}

/** Replaces each solution region by `// Your code here (PART).`, keeping its indentation. */
export function stripSolutions(code: string, defaultPart: string | null, where: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of code.split('\n')) {
    const begin = solutionBegin.exec(line);
    if (begin !== null) {
      if (inside) throw new NotebookSourceError(`${where}: nested BEGIN SOLUTION: ${line.trim()}`);
      inside = true;
      const part = begin[2] ?? defaultPart;
      out.push(`${begin[1] ?? ''}// Your code here${part === null ? '' : ` (${part})`}.`);
    } else if (solutionEnd.test(line)) {
      if (!inside) throw new NotebookSourceError(`${where}: END SOLUTION without BEGIN SOLUTION`);
      inside = false;
    } else if (!inside) out.push(line);
  }
  if (inside) throw new NotebookSourceError(`${where}: BEGIN SOLUTION without END SOLUTION`);
  return out.join('\n');
}
