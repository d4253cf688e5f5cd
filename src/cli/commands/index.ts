import type { Command } from 'commander';

/**
 * Every subcommand of `distlab`, one factory per file in this folder, loaded only when its name
 * is on the command line (start-up stays fast: `distlab --version` loads no command, and
 * `distlab test` loads neither the linearizability checker nor Vega).
 * Add a command by writing `commands/<name>.ts` exporting `<name>Command(): Command`
 * and listing it here.
 */
export const commandLoaders: Readonly<Record<string, () => Promise<Command>>> = {
  test: async () => (await import('./test.js')).testCommand(),
  replay: async () => (await import('./replay.js')).replayCommand(),
  check: async () => (await import('./check.js')).checkCommand(),
  trace: async () => (await import('./trace.js')).traceCommand(),
  grade: async () => (await import('./grade.js')).gradeCommand(),
  release: async () => (await import('./release.js')).releaseCommand(),
  notebook: async () => (await import('./notebook.js')).notebookCommand(),
  node: async () => (await import('./node.js')).nodeCommand(),
  cluster: async () => (await import('./cluster.js')).clusterCommand(),
  diff: async () => (await import('./diff.js')).diffCommand(),
  shrink: async () => (await import('./shrink.js')).shrinkCommand(),
  explore: async () => (await import('./explore.js')).exploreCommand(),
};

/** The commands to register for `argv` (after `node distlab`): the one named, else every one (help, typos). */
export function commandsFor(args: readonly string[]): string[] {
  const named = args.find((arg) => !arg.startsWith('-'));
  if (named === undefined) return args.some((arg) => arg === '-V' || arg === '--version') ? [] : Object.keys(commandLoaders);
  return named in commandLoaders ? [named] : Object.keys(commandLoaders);
}
