import { Command, CommanderError } from 'commander';
import { commandLoaders, commandsFor } from './commands';

/**
 * Builds the `distlab` program; each subcommand lives in `commands/<name>.ts`. Given the
 * arguments, only the command they name is loaded (all of them for help and typos).
 */
export async function buildProgram(args: readonly string[] = ['--help']): Promise<Command> {
  const program = new Command('distlab')
    .description('distlab: deterministic labs for distributed systems (MIT 6.5840)')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const name of commandsFor(args)) program.addCommand((await (commandLoaders[name] as () => Promise<Command>)()).exitOverride());
  return program;
}

/** Entry point used by `bin/distlab.js`; resolves once the command is done. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = await buildProgram(argv.slice(2));
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 2.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}

function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require(packageJsonPath()) as { version: string };
  return manifest.version;
}

/** The checkout's package.json, found from src/cli (tsx, vitest) or dist/src/cli (built). */
function packageJsonPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('node:path') as typeof import('node:path');
  const fromSource = path.resolve(__dirname, '..', '..', 'package.json');
  const fromBuild = path.resolve(__dirname, '..', '..', '..', 'package.json');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:fs') as typeof import('node:fs')).existsSync(path.join(__dirname, '..', '..', 'tsconfig.json')) ? fromSource : fromBuild;
}
