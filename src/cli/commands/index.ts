import type { Command } from 'commander';
import { checkCommand } from './check';
import { gradeCommand } from './grade';
import { notebookCommand } from './notebook';
import { releaseCommand } from './release';
import { replayCommand } from './replay';
import { testCommand } from './test';
import { traceCommand } from './trace';

/**
 * Every subcommand of `distlab`, one factory per file in this folder.
 * Add a command by writing `commands/<name>.ts` exporting `<name>Command(): Command`
 * and listing it here.
 */
export const commandFactories: ReadonlyArray<() => Command> = [testCommand, replayCommand, checkCommand, traceCommand, gradeCommand, releaseCommand, notebookCommand];
