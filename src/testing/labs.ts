/**
 * Finding labs at run time, by path (house rule: nothing in src/ imports labs/ statically).
 * The CLI, the grader and the sweeps all find labs here.
 *
 * A lab is the folder `labs/<name>/` with `lab.ts` exporting a `Lab`. Built, it is
 * `dist/labs/<name>/lab.js`, which the CLI prefers when it runs from dist/; from sources (tsx,
 * vitest) it compiles `labs/<name>/lab.ts` in process. `--lab-dir DIR` points at a lab folder
 * anywhere (instructors, tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Lab } from './lab';
import { compileModuleGraph } from './load-impl';
import { loadLabSource, type LabSource } from './lab-source';
import { packageRoot, runningFromSource } from './package-root';

/** A lab found on disk and loaded. */
export interface LoadedLab {
  readonly lab: Lab<unknown>;
  /** The lab's source folder (where its skeleton and notebook are), e.g. `<root>/labs/raft`. */
  readonly dir: string;
  /** The file the lab was loaded from (`lab.js` or `lab.ts`). */
  readonly entry: string;
  readonly source: LabSource;
  /** The `--lab-dir` given, if any (replay commands repeat it). */
  readonly labDir?: string;
}

/** The lab is unknown or its folder holds no usable lab; the message lists the labs found. */
export class LabNotFoundError extends Error {
  override readonly name = 'LabNotFoundError';
}

export type { LabSource };

/** Lab names found under `labs/` (sources) and `dist/labs/` (built), sorted. */
export function findLabs(root: string = packageRoot()): string[] {
  const names = new Set<string>();
  for (const [folder, file] of [
    [path.join(root, 'labs'), 'lab.ts'],
    [path.join(root, 'dist', 'labs'), 'lab.js'],
  ] as const) {
    if (!fs.existsSync(folder)) continue;
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory() && fs.existsSync(path.join(folder, entry.name, file))) names.add(entry.name);
    }
  }
  return [...names].sort();
}

/**
 * Loads a lab by name (`raft`) or from a folder (`labDir`).
 *
 * @example
 *   const { lab } = await loadLab({ name: 'raft' });
 */
export async function loadLab(request: { readonly name: string; readonly labDir?: string }): Promise<LoadedLab> {
  const root = packageRoot();
  if (request.labDir !== undefined) {
    const dir = path.resolve(request.labDir);
    const entry = ['lab.js', 'lab.ts'].map((file) => path.join(dir, file)).find((file) => fs.existsSync(file));
    if (entry === undefined) throw new LabNotFoundError(`--lab-dir ${request.labDir}: no lab.ts or lab.js in ${dir}.`);
    const loaded = await loadLabFile(entry);
    return { ...loaded, dir, entry, labDir: dir };
  }
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(request.name)) throw new LabNotFoundError(unknownLab(request.name, root));
  const sourceDir = path.join(root, 'labs', request.name);
  const built = path.join(root, 'dist', 'labs', request.name, 'lab.js');
  const sourceEntry = path.join(sourceDir, 'lab.ts');
  const entry = !runningFromSource() && fs.existsSync(built) ? built : fs.existsSync(sourceEntry) ? sourceEntry : fs.existsSync(built) ? built : null;
  if (entry === null) throw new LabNotFoundError(unknownLab(request.name, root));
  const loaded = await loadLabFile(entry);
  return { ...loaded, dir: fs.existsSync(sourceDir) ? sourceDir : path.dirname(entry), entry };
}

async function loadLabFile(entry: string): Promise<{ lab: Lab<unknown>; source: LabSource }> {
  const source: LabSource = entry.endsWith('.js') ? { kind: 'require', file: entry } : { kind: 'graph', graph: compileModuleGraph(entry) };
  try {
    return { lab: await loadLabSource(source), source };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LabNotFoundError(`the lab in ${entry} failed to load: ${reason}`);
  }
}

function unknownLab(name: string, root: string): string {
  const labs = findLabs(root);
  const listing = labs.length === 0 ? 'no labs were found' : `labs found: ${labs.join(', ')}`;
  const hint = fs.existsSync(path.join(root, 'dist')) ? '' : ' (dist/ is missing: run `npm run build`)';
  return `unknown lab "${name}": ${listing}${hint}. Labs live in labs/<name>/lab.ts; --lab-dir DIR loads one from another folder.`;
}
