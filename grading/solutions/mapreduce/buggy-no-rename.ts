/**
 * A known-buggy worker: it writes its files in place instead of to a temporary file renamed
 * into place. The output file exists, partial, while a reduce runs; a stalled worker that was
 * given up on later appends to a file another worker already finished. TestCrashWorker catches
 * it on some seeds (labs/mapreduce/mapreduce.test.ts shows one).
 */
import { groupSorted, Worker } from './worker';

export { Coordinator } from './coordinator';

export class NoRenameWorker extends Worker {
  protected override async writeAtomically(name: string, data: string): Promise<void> {
    await this.options.files.write(name, data);
  }

  protected override async runReduce(task: number, nMap: number): Promise<void> {
    const groups = groupSorted(await this.readIntermediate(task, nMap));
    const name = `mr-out-${task}`;
    await this.options.files.write(name, '');
    for (const group of groups) {
      const value = await this.options.app.reduce(group.key, group.values);
      await this.options.files.append(name, `${group.key} ${value}\n`);
    }
  }
}
