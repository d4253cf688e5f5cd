/**
 * Where a lab's code comes from, as a serialisable value: the CLI finds a lab (src/cli/labs.ts)
 * and hands the same `LabSource` to child processes, which load the very same lab.
 */
import type { Lab } from './lab';
import { evaluateGraph, preloadDistlab, type CompiledGraph } from './module-graph';

export type LabSource =
  /** A built lab module (`dist/labs/<name>/lab.js`), loaded with require. */
  | { readonly kind: 'require'; readonly file: string }
  /** A lab compiled from TypeScript in process (sources, `--lab-dir`). */
  | { readonly kind: 'graph'; readonly graph: CompiledGraph };

/** The lab a module exports is not there or not a Lab. */
export class LabLoadError extends Error {
  override readonly name = 'LabLoadError';
}

/** Loads the lab a `LabSource` names. */
export async function loadLabSource(source: LabSource): Promise<Lab<unknown>> {
  if (source.kind === 'require') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return labFromExports(require(source.file) as Record<string, unknown>, source.file);
  }
  await preloadDistlab(source.graph);
  return labFromExports(evaluateGraph(source.graph), source.graph.entry);
}

/** The exported value that looks like a Lab (`default`, then `lab`, then any other export). */
export function labFromExports(exports: Record<string, unknown>, file: string): Lab<unknown> {
  const candidates = [exports.default, exports.lab, ...Object.values(exports)];
  const lab = candidates.find(isLab);
  if (lab === undefined) throw new LabLoadError(`${file} exports no Lab (an object with name, parts, tests and implementationFrom).`);
  return lab;
}

function isLab(value: unknown): value is Lab<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return typeof record.name === 'string' && Array.isArray(record.parts) && Array.isArray(record.tests) && typeof record.implementationFrom === 'function';
}
