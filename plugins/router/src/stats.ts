/**
 * What the feedback-driven strategies know about each target (by Target.key): a decaying average of
 * time to first byte, and requests in flight. One instance lives across config reloads, so requests
 * still running on the old config are counted out where they were counted in.
 */

/** Weight of the newest sample in the latency average: after ~5 samples an old level has faded. */
const ALPHA = 0.3;

export class TargetStats {
  private readonly latency = new Map<string, number>();
  private readonly inflight = new Map<string, number>();

  /** Add one time-to-first-byte sample (ms) to the target's decaying average. */
  observeLatency(key: string, ms: number): void {
    const avg = this.latency.get(key);
    this.latency.set(key, avg === undefined ? ms : avg + ALPHA * (ms - avg));
  }

  /** The average, or undefined while the target has never answered. */
  latencyOf(key: string): number | undefined {
    return this.latency.get(key);
  }

  busy(key: string): number {
    return this.inflight.get(key) ?? 0;
  }

  start(key: string): void {
    this.inflight.set(key, this.busy(key) + 1);
  }

  end(key: string): void {
    const n = this.busy(key) - 1;
    if (n > 0) this.inflight.set(key, n);
    else this.inflight.delete(key);
  }
}
