/**
 * The implementation a real cluster runs: compiled and checked once by the runner (type check,
 * the lab's export), then written as a module graph that node processes evaluate without
 * loading TypeScript, so a restarted node serves again in well under a second.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileImplementation, evaluateImplementation, implementationFor, type CompiledImplementation } from '../testing/load-impl';
import type { CompiledGraph } from '../testing/module-graph';
import { loadLab } from '../testing/labs';
import { packageRoot } from '../testing/package-root';
import { kvraftClasses } from './kvraft-service';

/** Labs whose service real mode can run: lab 4's key/value service (its KVServer, Clerk and Raft). */
export const realLabs: readonly string[] = ['kvraft'];

/** The error for any other lab, saying what real mode runs and how. */
export function notRealLab(lab: string): Error {
  const hint = lab === 'raft' ? ': your Raft runs in it, through your kvraft submission\'s `Raft` export (labs/kvraft/kvraft.ts re-exports labs/raft/raft.ts)' : '';
  return new Error(`real mode runs lab 4's key/value service: \`distlab cluster kvraft --impl YOUR_KVRAFT.ts\`${hint}; got ${JSON.stringify(lab)}`);
}

/** The lab's reference solution (named once, in grading/config/<lab>.json), when this checkout has grading/. */
export function referenceImplementation(lab: string): string | null {
  const config = path.join(packageRoot(), 'grading', 'config', `${lab}.json`);
  if (!fs.existsSync(config)) return null;
  const reference = (JSON.parse(fs.readFileSync(config, 'utf8')) as { reference?: string }).reference;
  return reference === undefined ? null : path.resolve(path.dirname(config), reference);
}

/**
 * Checks `impl` (default: the reference) against the lab and writes its compiled graph to
 * `file`. Errors name the lab, the file and what to do.
 */
export async function compileForCluster(lab: string, impl: string | null, file: string, options: { readonly typeCheck?: boolean } = {}): Promise<string> {
  if (!realLabs.includes(lab)) throw notRealLab(lab);
  const source = impl ?? referenceImplementation(lab);
  if (source === null) throw new Error(`no --impl given and this checkout has no reference ${lab} solution (grading/config/${lab}.json); pass your implementation with --impl FILE`);
  const { lab: loaded } = await loadLab({ name: lab });
  const compiled = compileImplementation(source, options);
  const evaluated = await evaluateImplementation(compiled);
  implementationFor(loaded, { file: compiled.file, exports: evaluated });
  kvraftClasses(evaluated, path.relative(process.cwd(), source) || source);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(withLab3Raft(compiled.graph, evaluated.Raft)));
  return source;
}

/**
 * The graph plus the lab-3 module a student's `Raft = lab3Raft('../raft/raft.ts')` names
 * (labs/kvraft/lab3.ts): compiled here once, so node processes take it from the graph instead of
 * loading TypeScript to compile it at every start and restart.
 */
function withLab3Raft(graph: CompiledGraph, Raft: unknown): CompiledGraph {
  const lab3Compiled = (Raft as { lab3Compiled?: () => CompiledImplementation | undefined } | undefined)?.lab3Compiled;
  const lab3 = typeof lab3Compiled === 'function' ? lab3Compiled() : undefined;
  return lab3 === undefined ? graph : { entry: graph.entry, modules: { ...lab3.graph.modules, ...graph.modules } };
}
