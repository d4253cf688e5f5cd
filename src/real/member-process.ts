/**
 * A member of a system under test that is one OS process at a time (a distlab node, an etcd
 * member): started (and restarted, one incarnation more each time), killed with SIGKILL,
 * paused with SIGSTOP and resumed, or stopped cleanly.
 */
import type { StartedChild } from './processes';
import type { StartedProcess } from './report';

export abstract class MemberProcess {
  private current: StartedChild | null = null;
  private paused = false;
  /** Starts so far (the next start's incarnation number). */
  private starts = 0;
  readonly signallable = true;

  constructor(
    readonly id: string,
    readonly logFile: string,
    private readonly onStarted: (started: StartedProcess) => void,
  ) {}

  /** Spawns incarnation `incarnation` and resolves once it serves. */
  protected abstract launch(incarnation: number): Promise<StartedChild>;

  get up(): boolean {
    return this.current !== null;
  }

  get pid(): number | null {
    return this.current?.pid ?? null;
  }

  async start(): Promise<void> {
    if (this.current !== null) return;
    const incarnation = this.starts++;
    const started = await this.launch(incarnation);
    this.current = started;
    this.paused = false;
    this.onStarted({ node: this.id, incarnation, pid: started.pid });
    void started.exited.then(() => {
      if (this.current === started) this.current = null;
    });
  }

  /** SIGKILL: no handler runs, nothing is flushed; what the member persisted is all that is left. */
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
