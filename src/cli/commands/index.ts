import type { Command } from 'commander';

/**
 * Every subcommand of `distlab`, one factory per file in this folder.
 * Add a command by writing `commands/<name>.ts` exporting `<name>Command(): Command`
 * and listing it here.
 */
export const commandFactories: ReadonlyArray<() => Command> = [];
