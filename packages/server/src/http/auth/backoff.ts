/**
 * Login back-off: after each failed attempt a user name and an address must wait longer before the next one
 * (1 s, 2 s, 4 s … up to 15 min); a success clears the user's count. Kept in memory: a restart forgets it, and
 * the per-address rate limit of the login route still applies.
 */
export interface BackoffOptions {
  /** The first wait, ms (default 1000). */
  baseMs?: number;
  /** The longest wait, ms (default 15 min). */
  maxMs?: number;
  /** Failures allowed before waits begin (default 3). */
  free?: number;
  /** A key with no failure for this long is forgotten (default 1 h). */
  forgetMs?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  last: number;
  until: number;
}

export class LoginBackoff {
  private readonly entries = new Map<string, Entry>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly free: number;
  private readonly forgetMs: number;
  private readonly now: () => number;

  constructor(o: BackoffOptions = {}) {
    this.baseMs = o.baseMs ?? 1000;
    this.maxMs = o.maxMs ?? 15 * 60_000;
    this.free = o.free ?? 3;
    this.forgetMs = o.forgetMs ?? 60 * 60_000;
    this.now = o.now ?? Date.now;
  }

  /** Milliseconds the longest-blocked of `keys` must still wait (0: go ahead). */
  waitMs(keys: readonly string[]): number {
    const now = this.now();
    let wait = 0;
    for (const k of keys) {
      const e = this.entries.get(k);
      if (!e) continue;
      if (now - e.last > this.forgetMs) {
        this.entries.delete(k);
        continue;
      }
      wait = Math.max(wait, e.until - now);
    }
    return wait;
  }

  fail(keys: readonly string[]): void {
    const now = this.now();
    for (const k of keys) {
      const e = this.entries.get(k) ?? { failures: 0, last: now, until: 0 };
      e.failures++;
      e.last = now;
      const over = e.failures - this.free;
      e.until = over > 0 ? now + Math.min(this.maxMs, this.baseMs * 2 ** (over - 1)) : 0;
      this.entries.set(k, e);
    }
    if (this.entries.size > 100_000) this.sweep(now);
  }

  succeed(keys: readonly string[]): void {
    for (const k of keys) this.entries.delete(k);
  }

  private sweep(now: number): void {
    for (const [k, e] of this.entries) if (now - e.last > this.forgetMs) this.entries.delete(k);
  }
}
