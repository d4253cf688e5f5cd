/**
 * Builds the MapReduce lab notebook (labs/mapreduce/mapreduce.ipynb, instructor version) from
 * the reference solution in grading/solutions/mapreduce/, so the notebook's code is the
 * reference's code, line for line, with its `// BEGIN SOLUTION` ... `// END SOLUTION` regions.
 * Import lines are replaced by one import cell (the notebook imports the lab's types from
 * `./types`, next to it). The notebook is written without outputs.
 *
 *   npx tsx scripts/build-mapreduce-notebook.ts          # rewrite the notebook
 *   npx tsx scripts/build-mapreduce-notebook.ts --check  # exit 1 if it is out of date
 *
 * labs/mapreduce/mapreduce.test.ts checks that the committed notebook is up to date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
export const notebookFile = path.join(root, 'labs', 'mapreduce', 'mapreduce.ipynb');
const solutionDir = path.join(root, 'grading', 'solutions', 'mapreduce');

type Cell = { readonly kind: 'markdown' | 'code'; readonly text: string };

/**
 * A reference file as a notebook cell: without its import statements (the notebook's import
 * cell replaces them) and without the `export` keyword on top-level declarations (tslab shares
 * every top-level declaration between cells itself and rejects an explicit `export`).
 */
export function withoutImports(source: string): string {
  const lines = source.split('\n');
  const kept: string[] = [];
  let inImport = false;
  for (const line of lines) {
    if (!inImport && line.startsWith('import ')) inImport = true;
    if (inImport) {
      if (line.trimEnd().endsWith(';')) inImport = false;
      continue;
    }
    kept.push(line.replace(/^export (?=(abstract |async )?(class|function|const|let|type|interface|enum) )/, ''));
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function solutionFile(name: string): string {
  return withoutImports(fs.readFileSync(path.join(solutionDir, name), 'utf8'));
}

const importCell = `import type { NodeContext } from "distlab";
import { ihash, type KeyValue, type CoordinatorNode, type CoordinatorOptions, type WorkerNode, type WorkerOptions } from "./types";
import { runLabTests } from "distlab/testing";
import { mapreduceLab } from "./lab";`;

function cells(): Cell[] {
  return [
    { kind: 'markdown', text: `# Lab 1: MapReduce

You will build a MapReduce system on distlab's simulated cluster: a **coordinator** that hands
out tasks and copes with failed workers, and **workers** that run the application's map and
reduce functions and write files. Read the handout, \`README.md\` next to this notebook, first:
it gives the rules and the hints. This notebook is where you write the code, cell by cell, and
run the tests.

Run the cells in order. The tests take the classes you defined as an argument, so after you
change a class, run its cell again and then the test cell. (Write \`{ Coordinator: Coordinator }\`
rather than the shorthand \`{ Coordinator }\` in a cell: tslab does not resolve names of earlier
cells in shorthand properties.)` },
    { kind: 'code', text: importCell },
    { kind: 'markdown', text: `## RPC definitions

The worker talks to the coordinator only by RPC: \`await ctx.call(coordinator, method, args)\`
resolves to \`{ ok: true, value }\` or \`{ ok: false, reason }\`. Arguments and replies are plain
data (they are copied through the network). Define the messages you need here.` },
    { kind: 'code', text: `// BEGIN SOLUTION\n${solutionFile('rpc.ts')}\n// END SOLUTION` },
    { kind: 'markdown', text: `## The coordinator

\`new Coordinator(ctx, { inputFiles, nReduce })\` is built when the coordinator node starts. It
serves RPCs with \`ctx.serve(method, handler)\`. One map task per input file, then \`nReduce\`
reduce tasks. If a worker has not reported a task 10 s after it got it, give the task to another
worker. The tester calls \`done()\` every second; once it returns true the coordinator exits.` },
    { kind: 'code', text: solutionFile('coordinator.ts') },
    { kind: 'markdown', text: `## The worker

\`new Worker(ctx, { coordinator, app, files })\` is built when a worker node starts, and the
tester calls \`run()\`: the worker process exits when it returns. \`app.map(file, contents)\` and
\`app.reduce(key, values)\` are the application (they take virtual time); \`files\` is the shared
file system (every operation takes time; a crash in the middle of a write leaves a partial
file; \`rename\` is atomic). Map task *m* writes \`mr-m-r\` for every reduce task *r*
(\`ihash(key) % nReduce\` picks *r*); reduce task *r* writes \`mr-out-r\`, one line
\`"<key> <value>"\` per key.` },
    { kind: 'code', text: solutionFile('worker.ts') },
    { kind: 'markdown', text: `## Tests

The seven tests of the Go lab, under their names. Start with \`TestWc\`; when it passes, run them
all. Each row gives the seed and the command that replays a failure exactly.` },
    { kind: 'code', text: `// distlab: test
const wcOutcomes = await runLabTests(mapreduceLab, { Coordinator: Coordinator, Worker: Worker }, { names: ["TestWc"] });` },
    { kind: 'code', text: `// distlab: test
const allOutcomes = await runLabTests(mapreduceLab, { Coordinator: Coordinator, Worker: Worker }, { seeds: 3 });` },
    { kind: 'markdown', text: `## Look at a run

The Gantt chart of one run of \`TestCrashWorker\`: a lane per worker, a bar per task execution
(map and reduce coloured), red crosses where the crash app killed a worker, outlined bars for
tasks that ran again after a crash or a stall, and a dashed line where the coordinator exited.` },
    { kind: 'code', text: `// distlab: demo
import { runTest } from "distlab/testing";
import { show } from "distlab/plot";
import { ganttSpec } from "./gantt";

const crashTest = mapreduceLab.tests.find((test) => test.name === "TestCrashWorker")!;
const crashRun = await runTest(mapreduceLab, crashTest, { Coordinator: Coordinator, Worker: Worker }, 1);
console.log(crashRun.outcome.passed ? "TestCrashWorker passed" : \`TestCrashWorker failed: \${crashRun.outcome.failure}\`);
await show(ganttSpec(crashRun.world.trace.events));` },
  ];
}

function sourceLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((line, index) => (index < lines.length - 1 ? `${line}\n` : line));
}

/** The notebook's JSON text. */
export function buildMapreduceNotebook(): string {
  const notebook = {
    cells: cells().map((cell, index) =>
      cell.kind === 'markdown'
        ? { cell_type: 'markdown', id: `mr-${String(index).padStart(2, '0')}`, metadata: {}, source: sourceLines(cell.text) }
        : { cell_type: 'code', execution_count: null, id: `mr-${String(index).padStart(2, '0')}`, metadata: {}, outputs: [], source: sourceLines(cell.text) },
    ),
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { codemirror_mode: { mode: 'typescript' }, file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/** Whether the committed notebook equals a fresh build. */
export function mapreduceNotebookUpToDate(): boolean {
  return fs.existsSync(notebookFile) && fs.readFileSync(notebookFile, 'utf8') === buildMapreduceNotebook();
}

function main(): void {
  if (process.argv.includes('--check')) {
    if (!mapreduceNotebookUpToDate()) {
      process.stderr.write(`${path.relative(root, notebookFile)} is out of date: run npx tsx scripts/build-mapreduce-notebook.ts\n`);
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(notebookFile, buildMapreduceNotebook(), 'utf8');
  process.stdout.write(`wrote ${path.relative(root, notebookFile)}\n`);
}

if (require.main === module) main();
