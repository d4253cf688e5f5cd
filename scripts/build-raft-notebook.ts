/**
 * Builds the Raft lab's notebook and student skeleton from the one source of truth, the
 * reference solution grading/solutions/raft/raft.ts:
 *
 *   - labs/raft/raft.ipynb (instructor version): one code cell per `// notebook: NAME [PART]`
 *     segment of the reference, verbatim (solution regions included; the release step strips
 *     them), with the explanations below in between and a test cell after the implementation
 *     for each part. Committed without outputs.
 *   - labs/raft/raft.ts (student skeleton): the reference with every
 *     `// BEGIN SOLUTION [(PART)]` ... `// END SOLUTION` region replaced by
 *     `// Your code here (PART).`
 *
 *   npx tsx scripts/build-raft-notebook.ts          # write both files
 *   npx tsx scripts/build-raft-notebook.ts --check  # exit 1 if either is out of date
 *   npx tsx scripts/build-raft-notebook.ts --student labs/raft/raft-student.ipynb  # stripped preview
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
export const referencePath = path.join(root, 'grading/solutions/raft/raft.ts');
export const notebookPath = path.join(root, 'labs/raft/raft.ipynb');
export const skeletonPath = path.join(root, 'labs/raft/raft.ts');

const referenceTypesImport = "'../../../labs/raft/types'";
const labTypesImport = "'./types'";

interface Segment {
  readonly name: string;
  readonly part: string | null;
  readonly code: string;
}

/** Splits the reference at its `// notebook:` markers: the header (imports) and the segments. */
export function splitReference(source: string): { header: string; segments: Segment[] } {
  const lines = source.split('\n');
  const markers = lines.flatMap((line, index) => {
    const match = /^\/\/ notebook: (\S+)(?: (\S+))?$/.exec(line);
    return match === null ? [] : [{ index, name: match[1], part: match[2] ?? null }];
  });
  if (markers.length === 0) throw new Error(`${referencePath} has no "// notebook: NAME" markers`);
  const segments = markers.map((marker, k) => ({
    name: marker.name,
    part: marker.part,
    code: trimBlankLines(lines.slice(marker.index + 1, markers[k + 1]?.index ?? lines.length).join('\n')),
  }));
  return { header: lines.slice(0, markers[0].index).join('\n'), segments };
}

function trimBlankLines(text: string): string {
  return text.replace(/^\s*\n/, '').replace(/\s+$/, '');
}

/** Replaces each solution region by `// Your code here (PART).`, keeping its indentation. */
export function stripSolutions(code: string, defaultPart: string | null): string {
  const out: string[] = [];
  let inside: { part: string | null } | null = null;
  for (const line of code.split('\n')) {
    const begin = /^(\s*)\/\/ BEGIN SOLUTION(?: \((\S+)\))?\s*$/.exec(line);
    if (begin !== null) {
      if (inside !== null) throw new Error(`nested BEGIN SOLUTION: ${line.trim()}`);
      inside = { part: begin[2] ?? defaultPart };
      out.push(`${begin[1]}// Your code here${inside.part === null ? '' : ` (${inside.part})`}.`);
      continue;
    }
    if (/^\s*\/\/ END SOLUTION\s*$/.test(line)) {
      if (inside === null) throw new Error('END SOLUTION without BEGIN SOLUTION');
      inside = null;
      continue;
    }
    if (inside === null) out.push(line);
  }
  if (inside !== null) throw new Error('BEGIN SOLUTION without END SOLUTION');
  return out.join('\n');
}

const skeletonHeader = `/**
 * Your Raft (MIT 6.5840 Lab 3, parts 3A-3D). GENERATED from the reference by
 * scripts/build-raft-notebook.ts: the structure and types are in place; fill in every
 * "Your code here" (README.md says what each part needs). You may also work in raft.ipynb,
 * which has the same code split into cells with explanations.
 *
 * The tester builds each peer as \`new Raft(ctx, { peers, me })\`, subscribes to \`apply$\`, and
 * calls \`start\`, \`getState\` and \`snapshot\` (see types.ts). Run the tests with
 * \`npx distlab test raft --part 3A --impl labs/raft/raft.ts\`.
 */`;

export function buildSkeleton(source: string): string {
  const { header, segments } = splitReference(source);
  const imports = importLines(header).map((line) => line.replace(referenceTypesImport, labTypesImport));
  const body = segments.map((segment) => `// notebook: ${segment.name}${segment.part === null ? '' : ` ${segment.part}`}\n${stripSolutions(segment.code, segment.part)}`);
  return `${skeletonHeader}\n${imports.join('\n')}\n\n${body.join('\n\n')}\n`;
}

function importLines(header: string): string[] {
  const imports = header.split('\n').filter((line) => line.startsWith('import '));
  if (!imports.some((line) => line.includes(referenceTypesImport))) throw new Error(`the reference must import its types from ${referenceTypesImport}`);
  return imports;
}

// ----- the notebook ----------------------------------------------------------------------------

/** Explanations shown before each code cell, by segment name. */
const explanations: Record<string, string> = {
  constants: `## Timing and messages

Two rules of the lab fix the timing: a leader sends **at most 10 heartbeats per second**, and a new
leader must be elected **within 5 seconds** of the old one failing. So the heartbeat interval is
100 ms and the election timeout is drawn from 300-600 ms: long enough that a follower does not give
up between two heartbeats (even with one lost), short enough that several split votes in a row
still fit in 5 s.

The RPC arguments and replies are plain objects: everything crossing the simulated network is
encoded and decoded (no shared objects between peers), and the codec rejects what would not
survive a real network (functions, class instances, \`undefined\` in arrays). \`AppendEntriesReply\`
carries the fast-backup fields \`xTerm\`, \`xIndex\`, \`xLength\` (part 3B).`,
  log: `## The log

Indexes start at 1. \`entries[0]\` is a sentinel: before any snapshot it is an empty entry of term 0
at index 0; after a snapshot (part 3D) it stands for the last entry the snapshot covers, so
\`termAt(prevLogIndex)\` still works one entry before the first live one. Every translation between
log indexes and array positions lives in this class: off-by-one errors after compaction are the
classic 3D bug, so keep them in one place.

\`merge\` is Figure 2's AppendEntries rules 3 and 4. Note what it must **not** do: truncate the log
when the incoming entries match. A delayed, shorter AppendEntries would otherwise erase entries a
newer one already added (and that the leader may already count as replicated).`,
  persistence: `## Persistence (part 3C, defined early)

\`persist\` and \`restore\` belong to part 3C, but the role changes below call \`persist\`, so they are
defined here (a notebook cell can only use what earlier cells defined; \`Durable\` names the fields
they need); until 3C they may stay empty and 3A/3B still pass.

Save through \`ctx.persister.save(state, snapshot)\` **before** replying to any RPC whose reply
depends on it (a vote, an AppendEntries that added entries): the reply goes out when the handler
returns, so saving inside the handler, before \`return\`, is enough. A crash in distlab wipes the
node's memory and revokes its context; \`restore\` is all it keeps.`,
  core: `## Part 3A: state and role changes

\`RaftCore\` holds Figure 2's state. Roles change only through \`becomeFollower\`, \`becomeCandidate\`
and \`becomeLeader\`: each asserts the move is legal (a leader never becomes a candidate; only a
candidate becomes leader) and records it with \`ctx.role(role, term)\`, which draws the **role/term
timeline** under each test. If two bars of the same term are both "leader", you have a bug the
timeline shows at a glance.`,
  election: `## Part 3A: elections

The election timer is the one place where RxJS shines: every event that should postpone an election
(an AppendEntries from a current leader, a vote we grant) *switches* to a fresh random timer, and
\`repeat\` re-arms it after each timeout:

\`\`\`ts
resets$.pipe(startWith(null), switchMap(() => defer(() => timer(random(), ctx.scheduler)).pipe(repeat())))
\`\`\`

Always pass \`ctx.scheduler\`: it runs timers in virtual time and cancels them when the node crashes.
Do **not** reset the timer on every incoming RPC: a candidate we refuse, or a stale leader, must not
keep us from electing a leader (the most common 3A bug).

The vote requests go out in parallel with \`call$\` merged into one stream; \`takeWhile\` stops
counting as soon as this election is over (we won, lost, or moved to a newer term).`,
  replication: `## Part 3B: log replication

Replication is written with async/await: \`await ctx.call(...)\` resolves to \`{ ok: true, value }\` or
\`{ ok: false, reason }\` (the network lost it). After an \`await\` the world may have moved on: check
that you are still leader **in the term you sent the request in** before using the reply, and only
ever move \`matchIndex\` forward (replies arrive out of order).

Commit rule (Figure 8): a leader only commits an entry **of its own term** by counting replicas;
earlier entries commit with it. \`TestFigure83C\` catches the violation, but only sometimes: when it
does, the commit index plot shows who committed what, and the failure names the index and both
commands.

Fast backup: a follower that rejects says which term conflicts and where it starts (\`xTerm\`,
\`xIndex\`), or how long its log is (\`xLength\`), so the leader skips a whole term per round trip.
\`TestBackup3B\` and \`TestFigure8Unreliable3C\` need it within their 10-second windows.

Every save writes the whole log, so the leader batches commands that arrive close together
(\`throttleTime\`): one save and one AppendEntries per follower per batch.

When a follower needs entries the leader already discarded (part 3D), \`replicateTo\` sends it the
snapshot instead (\`sendSnapshot\`, marked 3D).`,
  snapshots: `## Part 3D: snapshots

Every 10 applied commands the tester calls \`snapshot(index, data)\`: drop the log up to \`index\` and
save \`data\` with the state. A follower that needs entries the leader dropped gets the whole
snapshot in one InstallSnapshot RPC, installs it, and delivers it on \`apply$\` as
\`{ type: 'snapshot', index, term, snapshot }\`; the next command it applies must be \`index + 1\`.
The persisted Raft state must stay under 2000 bytes.

On restart, do not send the saved snapshot on \`apply$\`: the tester reads it back from the
persister itself (as the Go tester does). Do keep it in memory, or the next save will lose it
(\`TestSnapshotInit3D\`).`,
  node: `## The node

The constructor wires the state above to the world: it serves the three RPCs, starts the election
timer, and the leader's heartbeats, a \`switchMap\` over the role (becoming leader starts
\`timer(0, 100)\`, any other role cancels it). Everything runs on \`ctx.scheduler\`, so a crash stops
all of it.`,
};

interface TestSection {
  readonly part: string;
  readonly text: string;
}

const testSections: readonly TestSection[] = [
  {
    part: '3A',
    text: `## Test part 3A

The cell below runs the 3A tests on seed 1 against the \`Raft\` class defined above, shows a table,
and plots the run of the first failing test (or the last test): the role and term of each peer over
virtual time (grey = crashed, the thin band = partition group), the commit index of each peer, and
the messages of the last 1.5 s before the failure. Try more seeds with \`{ seeds: 10 }\`.`,
  },
  {
    part: '3B',
    text: `## Test part 3B

A stuck commit index on one peer while the others climb means that peer's AppendEntries keep
failing: look at its lane in the message diagram.`,
  },
  {
    part: '3C',
    text: `## Test part 3C

After a crash (a grey band) a peer must come back with its term, vote and log. If the term in its
bar drops back to 0 after a restart, \`restore\` did not run or \`persist\` was never called.`,
  },
  {
    part: '3D',
    text: `## Test part 3D

Failing with "persisted Raft state is N bytes" means entries covered by snapshots are not discarded;
"apply out of order" after a snapshot means the next command applied was not \`index + 1\`.`,
  },
];

const introduction = `# Lab 3: Raft

You will build Raft, the replicated log of the extended Raft paper (Figure 2), in four parts:
**3A** leader election, **3B** log replication, **3C** persistence, **3D** log compaction. The code
cells below, together, define the class \`Raft\` that the tests use; each part's work is marked
\`// Your code here (3X).\`. The test cells at the end run a part's tests against the class as
defined in this notebook (re-run the cells you changed, then the test cell).

Everything runs in a deterministic simulation: virtual time, a seeded network, crashes and
restarts. A failing run is reproducible: the test cell prints the seed and the replay command.
Read \`README.md\` beside this notebook for the rules and hints.`;

const closing = `## From the command line

\`\`\`
npx distlab test raft --part 3A --impl labs/raft/raft.ipynb
npx distlab replay raft TestBackup3B --seed 7 --impl labs/raft/raft.ipynb --out replay
\`\`\``;

function notebookImports(header: string): string {
  const imports = importLines(header).map((line) => line.replace(referenceTypesImport, labTypesImport));
  return [...imports, "import { runPart } from './notebook';"].join('\n');
}

interface JsonCell {
  readonly cell_type: 'markdown' | 'code';
  readonly id: string;
  readonly metadata: Record<string, unknown>;
  readonly source: string[];
  readonly execution_count?: null;
  readonly outputs?: unknown[];
}

function sourceLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((line, index) => (index < lines.length - 1 ? `${line}\n` : line));
}

function markdown(id: string, text: string): JsonCell {
  return { cell_type: 'markdown', id, metadata: {}, source: sourceLines(text) };
}

function code(id: string, text: string): JsonCell {
  return { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source: sourceLines(text) };
}

/** The notebook; with `student`, solution regions stripped (what the release step produces). */
export function buildNotebook(source: string, student = false): string {
  const { header, segments } = splitReference(source);
  const cells: JsonCell[] = [markdown('intro', introduction), code('imports', notebookImports(header))];
  for (const segment of segments) {
    if (segment.name === 'end') continue;
    const text = explanations[segment.name];
    if (text === undefined) throw new Error(`no explanation for notebook segment "${segment.name}"; add one to scripts/build-raft-notebook.ts`);
    const body = student ? stripSolutions(segment.code, segment.part) : segment.code;
    cells.push(markdown(`about-${segment.name}`, text), code(`code-${segment.name}`, body));
  }
  for (const section of testSections) {
    cells.push(
      markdown(`about-test-${section.part}`, section.text),
      code(`test-${section.part}`, `// distlab: test\nconst results${section.part} = await runPart('${section.part}', { Raft: Raft }, { seeds: 1 });`),
    );
  }
  cells.push(markdown('cli', closing));
  const notebook = {
    cells,
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { codemirror_mode: { mode: 'typescript' }, file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const source = fs.readFileSync(referencePath, 'utf8');
  const studentAt = process.argv.indexOf('--student');
  if (studentAt !== -1) {
    // A preview of the student notebook (solutions stripped), e.g. to run it headlessly.
    const file = process.argv[studentAt + 1];
    if (file === undefined) throw new Error('--student needs an output path, e.g. labs/raft/raft-student.ipynb');
    fs.writeFileSync(file, buildNotebook(source, true));
    return;
  }
  const outputs = [
    { file: notebookPath, text: buildNotebook(source) },
    { file: skeletonPath, text: buildSkeleton(source) },
  ];
  let stale = 0;
  for (const output of outputs) {
    const current = fs.existsSync(output.file) ? fs.readFileSync(output.file, 'utf8') : null;
    if (current === output.text) continue;
    if (check) {
      stale++;
      process.stderr.write(`${path.relative(root, output.file)} is out of date; run npx tsx scripts/build-raft-notebook.ts\n`);
    } else {
      fs.writeFileSync(output.file, output.text);
      process.stdout.write(`wrote ${path.relative(root, output.file)}\n`);
    }
  }
  process.exitCode = stale === 0 ? 0 : 1;
}

if (require.main === module) main();
