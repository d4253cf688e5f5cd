/**
 * The lab's input files (`inputs/pg-*.txt`, see inputs/SOURCES.md), read from disk once.
 * Works from the sources (vitest, tsx, a notebook in labs/mapreduce) and from the build
 * (dist/labs/mapreduce, which reads the sources' inputs folder).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface InputFile {
  readonly name: string;
  readonly contents: string;
}

let cache: readonly InputFile[] | null = null;

function inputsDirectory(): string {
  const candidates = [path.join(__dirname, 'inputs'), path.resolve(__dirname, '../../../labs/mapreduce/inputs')];
  const found = candidates.find((candidate) => fs.existsSync(path.join(candidate, 'SOURCES.md')));
  if (found === undefined) throw new Error(`MapReduce inputs not found; looked in ${candidates.join(' and ')}`);
  return found;
}

/** The eight input files, sorted by name. */
export function inputFiles(): readonly InputFile[] {
  if (cache === null) {
    const directory = inputsDirectory();
    const names = fs.readdirSync(directory).filter((name) => /^pg-.*\.txt$/.test(name)).sort();
    cache = names.map((name) => ({ name, contents: fs.readFileSync(path.join(directory, name), 'utf8') }));
  }
  return cache;
}
