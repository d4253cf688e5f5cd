/**
 * One node of a real cluster as the runner sees it: its port, data folder and log file, which
 * stay the same across restarts, and its current process (see `MemberProcess`).
 */
import * as path from 'node:path';
import { MemberProcess } from './member-process';
import { spawnReady, type StartedChild } from './processes';
import type { StartedProcess } from './report';

export interface NodeLaunch {
  /** `node` (or the current executable) and the distlab CLI script. */
  readonly command: string;
  readonly cliArgs: readonly string[];
  /** Arguments shared by every node (`--peers`, `--group`, `--graph`, ...). */
  readonly sharedArgs: readonly string[];
  readonly readyTimeoutMs: number;
  readonly seed: number;
  /** Told of every process started (the runner lists them in processes.json). */
  readonly onStarted: (started: StartedProcess) => void;
}

export class ClusterNode extends MemberProcess {
  constructor(
    id: string,
    readonly port: number,
    readonly dataDir: string,
    logFile: string,
    private readonly options: NodeLaunch,
  ) {
    super(id, logFile, options.onStarted);
  }

  protected launch(incarnation: number): Promise<StartedChild> {
    const args = [
      ...this.options.cliArgs,
      'node',
      '--id', this.id,
      '--incarnation', String(incarnation),
      '--seed', String(this.options.seed),
      '--listen', `127.0.0.1:${this.port}`,
      '--data', this.dataDir,
      ...this.options.sharedArgs,
    ];
    return spawnReady({
      command: this.options.command,
      args,
      logFile: this.logFile,
      readyTimeoutMs: this.options.readyTimeoutMs,
      what: `node ${this.id} (incarnation ${incarnation}, log ${path.basename(this.logFile)})`,
    });
  }
}
