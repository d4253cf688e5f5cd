/** How a node's clock drifts from true (virtual) time; both fields optional. */
export interface ClockSettings {
  /** Local ms per virtual ms: 1.01 runs 1% fast, 0.9 runs 10% slow. Default 1. */
  readonly rate?: number;
  /** Local time at virtual time 0, in ms. Default 0. */
  readonly offsetMs?: number;
}

/**
 * A node's local clock: local ms = offsetMs + rate * virtual ms. It belongs to the node's slot,
 * not to an incarnation (a crash does not fix a bad crystal). Real clocks drift, and a lease is
 * only as good as the clock that times it; this lets a simulation show a lease going wrong.
 * The identity clock (rate 1, offset 0) gives exactly the virtual time and delays.
 */
export class LocalClock {
  private rate = 1;
  private offsetMs = 0;

  /** Replaces the settings (fields left out keep their value); may step the clock, as NTP does. */
  set(settings: ClockSettings): void {
    this.rate = settings.rate ?? this.rate;
    this.offsetMs = settings.offsetMs ?? this.offsetMs;
  }

  get settings(): Required<ClockSettings> {
    return { rate: this.rate, offsetMs: this.offsetMs };
  }

  /** What the node's clock reads at `virtualMs`. */
  localMs(virtualMs: number): number {
    return this.offsetMs + this.rate * virtualMs;
  }

  /** How many virtual ms pass while the node's clock advances `localDelayMs`. */
  virtualDelayMs(localDelayMs: number): number {
    return localDelayMs / this.rate;
  }
}
