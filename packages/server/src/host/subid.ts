// Subordinate id ranges. Changes on the machine: adds and removes lines in /etc/subuid and /etc/subgid
// (atomically, under shadow-utils' own locks /etc/subuid.lock and /etc/subgid.lock).
//
// Each compartment user gets ONE 65,536-id range, the same start in both files, that overlaps no range
// of any owner in either file. Ranges are taken from [SUB_UID_MIN, SUB_UID_MAX] of /etc/login.defs
// (defaults 100000 … 600100000, like useradd), aligned to the range size, lowest free first.

import { ConflictError, InvalidError } from '../core/errors.js';
import type { LinuxUser } from '../core/ids.js';
import { readSystemFile, writeSystemFileAtomic } from './fs.js';
import { withFileLocks } from './lock.js';

export const SUBID_COUNT = 65_536;

export interface SubidRange {
  start: number;
  count: number;
}

export interface SubidEntry extends SubidRange {
  owner: string;
}

export interface SubidPaths {
  subuid: string;
  subgid: string;
  loginDefs: string;
}

export const DEFAULT_SUBID_PATHS: SubidPaths = {
  subuid: '/etc/subuid',
  subgid: '/etc/subgid',
  loginDefs: '/etc/login.defs',
};

/** Parse /etc/subuid or /etc/subgid. Lines that are not `owner:start:count` are ignored (kept on rewrite). */
export function parseSubid(text: string): SubidEntry[] {
  const out: SubidEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^([^:#\s][^:]*):(\d+):(\d+)\s*$/.exec(line);
    if (!m) continue;
    out.push({ owner: m[1]!, start: Number(m[2]), count: Number(m[3]) });
  }
  return out;
}

const overlaps = (a: SubidRange, b: SubidRange): boolean => a.start < b.start + b.count && b.start < a.start + a.count;

/** Lowest aligned start in [min, max] whose range overlaps none of `taken`. */
export function findFreeRange(
  taken: readonly SubidRange[],
  limits: { min: number; max: number; count?: number },
): number {
  const count = limits.count ?? SUBID_COUNT;
  const align = count;
  let start = Math.ceil(limits.min / align) * align;
  const sorted = [...taken].sort((a, b) => a.start - b.start);
  while (start + count - 1 <= limits.max) {
    const cand = { start, count };
    const clash = sorted.find((t) => overlaps(cand, t));
    if (!clash) return start;
    start = Math.ceil((clash.start + clash.count) / align) * align;
  }
  throw new ConflictError(`no free subordinate id range of ${count} left in ${limits.min}..${limits.max}`);
}

/** The SUB_UID_MIN / SUB_UID_MAX / SUB_GID_* values of login.defs (defaults like shadow's). */
export function parseLoginDefsLimits(text: string | undefined): { min: number; max: number } {
  const get = (k: string, d: number): number => {
    const m = new RegExp(`^\\s*${k}\\s+(\\d+)\\s*$`, 'm').exec(text ?? '');
    return m ? Number(m[1]) : d;
  };
  return {
    min: Math.max(get('SUB_UID_MIN', 100_000), get('SUB_GID_MIN', 100_000)),
    max: Math.min(get('SUB_UID_MAX', 600_100_000), get('SUB_GID_MAX', 600_100_000)),
  };
}

function removeOwnerLines(text: string, owner: string): string {
  const lines = text.split('\n').filter((l) => !l.startsWith(`${owner}:`) || !/^[^:]+:\d+:\d+\s*$/.test(l));
  return lines.join('\n');
}

function appendLine(text: string, line: string): string {
  const base = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${base}${line}\n`;
}

export class SubidAllocator {
  constructor(private readonly paths: SubidPaths = DEFAULT_SUBID_PATHS) {}

  /** The user's ranges as the files state them now. */
  async get(user: LinuxUser | string): Promise<{ uid?: SubidRange; gid?: SubidRange }> {
    const [u, g] = await Promise.all([readSystemFile(this.paths.subuid), readSystemFile(this.paths.subgid)]);
    const pick = (t: string | undefined) => {
      const e = parseSubid(t ?? '').find((x) => x.owner === user);
      return e ? { start: e.start, count: e.count } : undefined;
    };
    const uid = pick(u);
    const gid = pick(g);
    return { ...(uid ? { uid } : {}), ...(gid ? { gid } : {}) };
  }

  /**
   * Give `user` a range (same start in both files). Idempotent: a user that already has exactly one
   * matching range in both files keeps it; one with a partial or mismatched state gets fresh lines.
   */
  async allocate(user: LinuxUser | string, count = SUBID_COUNT): Promise<SubidRange> {
    if (!/^[a-z_][a-z0-9_-]*$/.test(user)) throw new InvalidError(`bad user name for subid: ${user}`);
    return withFileLocks([this.paths.subuid, this.paths.subgid], async () => {
      const uText = (await readSystemFile(this.paths.subuid)) ?? '';
      const gText = (await readSystemFile(this.paths.subgid)) ?? '';
      const uEntries = parseSubid(uText);
      const gEntries = parseSubid(gText);
      const mineU = uEntries.filter((e) => e.owner === user);
      const mineG = gEntries.filter((e) => e.owner === user);
      if (
        mineU.length === 1 &&
        mineG.length === 1 &&
        mineU[0]!.start === mineG[0]!.start &&
        mineU[0]!.count === count &&
        mineG[0]!.count === count
      ) {
        return { start: mineU[0]!.start, count };
      }
      const others = [...uEntries, ...gEntries].filter((e) => e.owner !== user);
      const limits = parseLoginDefsLimits(await readSystemFile(this.paths.loginDefs));
      const start = findFreeRange(others, { ...limits, count });
      const line = `${user}:${start}:${count}`;
      await writeSystemFileAtomic(this.paths.subuid, appendLine(removeOwnerLines(uText, user), line));
      await writeSystemFileAtomic(this.paths.subgid, appendLine(removeOwnerLines(gText, user), line));
      return { start, count };
    });
  }

  /** Remove every line of `user` from both files. Missing lines are fine. */
  async release(user: LinuxUser | string): Promise<void> {
    await withFileLocks([this.paths.subuid, this.paths.subgid], async () => {
      for (const f of [this.paths.subuid, this.paths.subgid]) {
        const text = await readSystemFile(f);
        if (text === undefined) continue;
        const next = removeOwnerLines(text, user);
        if (next !== text) await writeSystemFileAtomic(f, next);
      }
    });
  }
}
