/**
 * `distlab release --out DIR`: writes the student handout (solution regions stripped, no
 * grading/) and DIR/autograder.zip for Gradescope. The release code lives in
 * grading/gradescope/, which this command finds at run time (src/ never imports grading/).
 *
 * @example
 * npm run build && distlab release --out release --lab raft
 */
import { Command } from 'commander';
import { loadGradingModule } from './grade';

interface ReleaseModule {
  runReleaseCli(options: Record<string, unknown>, output: { stdout(text: string): void; stderr(text: string): void }): Promise<number>;
}

export function releaseCommand(): Command {
  return new Command('release')
    .description('write the student handout and the Gradescope autograder.zip (run npm run build first)')
    .option('--out <dir>', 'output folder', 'release')
    .option('--lab <name>', 'the lab the autograder grades', 'raft')
    .option('--allow-insecure', 'let run_autograder grade without OS containment where the machine forbids it (a WARNING in every results.json); default: refuse, saying why', false)
    .action(async (options: Record<string, unknown>) => {
      process.exitCode = await loadGradingModule<ReleaseModule>('gradescope/release').runReleaseCli(options, {
        stdout: (text) => void process.stdout.write(text),
        stderr: (text) => void process.stderr.write(text),
      });
    });
}
