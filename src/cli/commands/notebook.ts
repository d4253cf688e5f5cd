/**
 * `distlab notebook run FILE...`: executes notebooks headlessly with this checkout's tslab
 * kernel (registered and found without the user setting JUPYTER_PATH) and reports each failing
 * cell by number (counting every cell from 1, as you see them top to bottom) with its error
 * text. Exit codes: 0 every cell ran clean, 1 a cell failed, 2 Jupyter or a file is missing.
 *
 * @example
 * distlab notebook run notebooks/00-runtime-tour.ipynb labs/raft/raft.ipynb --save-to executed/
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

export const notebookExitCodes = { ok: 0, cellFailed: 1, setup: 2 } as const;

export interface NotebookRunOptions {
  readonly cellTimeout: number;
  /** Folder to save each executed notebook (with outputs) into. */
  readonly saveTo?: string;
}

export interface NotebookRunOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError(`expected a positive number of seconds, got "${value}"`);
  return seconds;
}

export function notebookCommand(): Command {
  const command = new Command('notebook').description('work with notebooks using the project kernel (tslab)');
  command
    .command('run')
    .description('execute notebooks top to bottom; report failing cells (numbered from 1) with their error; exit 0 ok, 1 a cell failed, 2 setup problem')
    .argument('<files...>', '.ipynb files')
    .option('--cell-timeout <seconds>', 'limit per cell; a cell over it is interrupted and fails', parseSeconds, 300)
    .option('--save-to <dir>', 'also save each executed notebook, with its outputs, into this folder')
    .action(async (files: string[], options: NotebookRunOptions) => {
      process.exitCode = await runNotebooks(files, options, {
        stdout: (text) => void process.stdout.write(text),
        stderr: (text) => void process.stderr.write(text),
      });
    });
  return command;
}

/** Runs each notebook in turn; returns the exit code. */
export async function runNotebooks(files: readonly string[], options: NotebookRunOptions, output: NotebookRunOutput): Promise<number> {
  // Loaded here, not at start-up: the CLI's other commands do not need Jupyter.
  const { describeRun, ensureKernel, executeNotebook, JupyterSetupError, NotebookFormatError } = await import('../../notebook/index.js');
  const missing = files.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    output.stderr(`distlab notebook run: no such file: ${missing.join(', ')}\n`);
    return notebookExitCodes.setup;
  }
  let failed = 0;
  try {
    const kernel = ensureKernel();
    for (const file of files) {
      output.stdout(`${file}: running...\n`);
      const outputPath = options.saveTo === undefined ? undefined : path.join(options.saveTo, path.basename(file));
      if (outputPath !== undefined) fs.mkdirSync(path.dirname(outputPath), { recursive: true });
      const run = await executeNotebook(file, { cellTimeoutMs: options.cellTimeout * 1000, kernel, ...(outputPath === undefined ? {} : { outputPath }) });
      const seconds = (run.durationMs / 1000).toFixed(1);
      if (run.ok) output.stdout(`${file}: ok, ${run.cells.length} code cells ran clean in ${seconds} s${outputPath === undefined ? '' : ` (saved to ${outputPath})`}\n`);
      else {
        failed += 1;
        output.stdout(`${file}: FAILED in ${seconds} s\n${describeRun(run)}\n`);
      }
    }
  } catch (error) {
    if (error instanceof JupyterSetupError || error instanceof NotebookFormatError) {
      output.stderr(`distlab notebook run: ${error.message}\n`);
      return notebookExitCodes.setup;
    }
    throw error;
  }
  return failed === 0 ? notebookExitCodes.ok : notebookExitCodes.cellFailed;
}
