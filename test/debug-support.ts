/** What the debug tool tests share: a captured CLI output and Raft submissions from grading/mutants. */
import * as path from 'node:path';
import type { CommandOutput } from '../src/cli/commands/test';
import { writeMutant } from '../grading/mutants/mutant';
import { raftMutants } from '../grading/mutants/raft/mutants';

/** A CLI output that keeps what was written. */
export function collector(): CommandOutput & { out: string; err: string } {
  const sink = { out: '', err: '', color: false } as CommandOutput & { out: string; err: string };
  sink.stdout = (text) => void (sink.out += text);
  sink.stderr = (text) => void (sink.err += text);
  return sink;
}

/** Writes the Raft reference with the named mutant applied (null: the reference) into `folder`/`name`; returns the file. */
export function raftSubmission(folder: string, mutant: string | null): string {
  const root = path.join(__dirname, '..');
  const edits = mutant === null ? null : raftMutants.find((candidate) => candidate.name === mutant);
  if (edits === undefined) throw new Error(`the ${mutant} mutant is gone from grading/mutants/raft`);
  return writeMutant(path.join(folder, mutant ?? 'reference'), 'raft', edits, root);
}
