/**
 * Login back-off: it slows an attacker, never the account's owner. Two counters, each making the next attempt
 * wait longer after every failure past its free ones (1 s, 2 s, 4 s … up to 15 min):
 * - per (user name, address): guessing one account's password from one place. A success clears it.
 * - per address alone, with more free failures: one place failing against many user names (spraying). A
 *   success does not clear it, so a valid account of the attacker's own cannot reset their guesses at others.
 * Nothing is counted per user name alone: failures from one address never delay the owner logging in from
 * another. IPv6 addresses count by their /64 (one host usually holds a whole /64). Kept in memory: a restart
 * forgets it, and the per-address rate limit of the login route still applies.
 */
export interface BackoffOptions {
  /** The first wait, ms (default 1000). */
  baseMs?: number;
  /** The longest wait, ms (default 15 min). */
  maxMs?: number;
  /** Failures of one user name from one address allowed before waits begin (default 3). */
  free?: number;
  /** Failures from one address, whatever the user name, allowed before waits begin (default 10). */
  addressFree?: number;
  /** A key with no failure for this long is forgotten (default 1 h). */
  forgetMs?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  last: number;
  until: number;
}

/** The part of an address the back-off counts by: IPv4 whole, IPv6 by its /64 (`::ffff:a.b.c.d` as IPv4). */
export function addressKey(address: string): string {
  const a = address.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const groups = expandIpv6(a);
  if (!groups) return a;
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address (no leading zeros), or undefined when it is not one. */
function expandIpv6(a: string): string[] | undefined {
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const left = part(halves[0]);
  const right = part(halves[1]);
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  if (fill < 0) return undefined;
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}

export class LoginBackoff {
  private readonly entries = new Map<string, Entry>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly free: number;
  private readonly addressFree: number;
  private readonly forgetMs: number;
  private readonly now: () => number;

  constructor(o: BackoffOptions = {}) {
    this.baseMs = o.baseMs ?? 1000;
    this.maxMs = o.maxMs ?? 15 * 60_000;
    this.free = o.free ?? 3;
    this.addressFree = o.addressFree ?? 10;
    this.forgetMs = o.forgetMs ?? 60 * 60_000;
    this.now = o.now ?? Date.now;
  }

  /** Milliseconds `username` at `address` must still wait (0: go ahead). */
  waitMs(username: string, address: string): number {
    const { pair, addr } = keysOf(username, address);
    return Math.max(this.waitOf(pair), this.waitOf(addr));
  }

  fail(username: string, address: string): void {
    const now = this.now();
    const { pair, addr } = keysOf(username, address);
    this.count(pair, this.free, now);
    this.count(addr, this.addressFree, now);
    if (this.entries.size > 100_000) this.sweep(now);
  }

  /** A good password: clears this user name at this address, nothing else. */
  succeed(username: string, address: string): void {
    this.entries.delete(keysOf(username, address).pair);
  }

  private waitOf(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    const now = this.now();
    if (now - e.last > this.forgetMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.until - now);
  }

  private count(key: string, free: number, now: number): void {
    const e = this.entries.get(key) ?? { failures: 0, last: now, until: 0 };
    e.failures++;
    e.last = now;
    const over = e.failures - free;
    e.until = over > 0 ? now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over - 1, 30)) : 0;
    this.entries.set(key, e);
  }

  private sweep(now: number): void {
    for (const [k, e] of this.entries) if (now - e.last > this.forgetMs) this.entries.delete(k);
  }
}

function keysOf(username: string, address: string): { pair: string; addr: string } {
  const addr = addressKey(address);
  // An address has no NUL, so the last NUL splits a pair key one way only.
  return { pair: `pair:${username.toLowerCase()}\0${addr}`, addr: `addr:${addr}` };
}
