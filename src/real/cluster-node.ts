/**
 * One node of a real cluster as the runner sees it: its port, data folder and log file, which
 * stay the same across restarts, and its current process (null while it is down).
 */
import * as path from 'node:path';
import { spawnReady, type StartedChild } from './processes';

export interface NodeLaunch {
  /** `node` (or the current executable) and the distlab CLI script. */
  readonly command: string;
  readonly cliArgs: readonly string[];
  /** Arguments shared by every node (`--peers`, `--group`, `--graph`, ...). */
  readonly sharedArgs: readonly string[];
  readonly readyTimeoutMs: number;
  readonly seed: number;
  /** Told of every process started (the runner lists them in processes.json). */
  readonly onStarted: (node: string, incarnation: number, pid: number) => void;
}

export class ClusterNode {
  private current: StartedChild | null = null;
  private paused = false;
  /** Starts so far (the next start's incarnation number). */
  incarnations = 0;

  constructor(
    readonly id: string,
    readonly port: number,
    readonly dataDir: string,
    readonly logFile: string,
    private readonly launch: NodeLaunch,
  ) {}

  get up(): boolean {
    return this.current !== null;
  }

  get pid(): number | null {
    return this.current?.pid ?? null;
  }

  /** Starts a process for this node (incarnation = starts so far) and waits until it serves. */
  async start(): Promise<void> {
    if (this.current !== null) return;
    const incarnation = this.incarnations++;
    const args = [
      ...this.launch.cliArgs,
      'node',
      '--id', this.id,
      '--incarnation', String(incarnation),
      '--seed', String(this.launch.seed),
      '--listen', `127.0.0.1:${this.port}`,
      '--data', this.dataDir,
      ...this.launch.sharedArgs,
    ];
    const started = await spawnReady({
      command: this.launch.command,
      args,
      logFile: this.logFile,
      readyTimeoutMs: this.launch.readyTimeoutMs,
      what: `node ${this.id} (incarnation ${incarnation}, log ${path.basename(this.logFile)})`,
    });
    this.current = started;
    this.paused = false;
    this.launch.onStarted(this.id, incarnation, started.pid);
    void started.exited.then(() => {
      if (this.current === started) this.current = null;
    });
  }

  /** SIGKILL: no handler runs, nothing is flushed; what the node persisted is all that is left. */
  async kill(): Promise<void> {
    const current = this.current;
    if (current === null) return;
    current.child.kill('SIGKILL');
    await current.exited;
    this.current = null;
    this.paused = false;
  }

  pause(): void {
    if (this.current === null || this.paused) return;
    this.current.child.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (this.current === null || !this.paused) return;
    this.current.child.kill('SIGCONT');
    this.paused = false;
  }

  /** A clean stop: SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    const current = this.current;
    if (current === null) return;
    this.resume();
    current.child.kill('SIGTERM');
    // tidy: allowed (real mode: the grace period is wall-clock time)
    const timer = setTimeout(() => current.child.kill('SIGKILL'), graceMs);
    await current.exited;
    clearTimeout(timer);
    this.current = null;
  }
}
