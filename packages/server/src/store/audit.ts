// The audit log: append-only (triggers in migration 0001 refuse UPDATE and DELETE) and hash-chained. Each row's
// `hash` is SHA-256 over the previous row's hash, a newline, and the canonical encoding of the row: the JSON
// array [id, at, actor, actorKind, address, action, target, compartment, result, details] where `details` is
// JSON with sorted keys. Editing, deleting or reordering a row breaks the chain at that row; `verify` names it.
// (Removing rows from the end leaves a shorter valid chain: compare the count with an exported copy to see that.)
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './db.js';
import * as t from './schema.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditResult = 'ok' | 'failed' | 'denied';

export interface NewAuditEntry {
  actor: string;
  /** `session`, `token`, `cli` or `anonymous`. */
  actorKind: string;
  address: string;
  action: string;
  target: string;
  compartment: string | null;
  result: AuditResult;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  actorKind: string;
  address: string;
  action: string;
  target: string;
  compartment: string | null;
  result: AuditResult;
  details: string;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  compartment?: string;
  result?: AuditResult;
  /** ISO timestamps, inclusive. */
  since?: string;
  until?: string;
  /** Newest first; default 100, at most 1000. */
  limit?: number;
  /** Entries with an id below this one (paging backwards). */
  before?: number;
}

export type VerifyResult =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenId: number; reason: string };

/** JSON with object keys sorted at every depth: one encoding per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function entryHash(prevHash: string, row: Omit<AuditRow, 'prevHash' | 'hash'>): string {
  const body = JSON.stringify([
    row.id,
    row.at,
    row.actor,
    row.actorKind,
    row.address,
    row.action,
    row.target,
    row.compartment,
    row.result,
    row.details,
  ]);
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

export class AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends one entry, chained to the last one, in one IMMEDIATE transaction (writers are serialized). */
  append(e: NewAuditEntry): AuditRow {
    return this.tx(() => {
      const last = this.db
        .select({ id: t.auditLog.id, hash: t.auditLog.hash })
        .from(t.auditLog)
        .orderBy(desc(t.auditLog.id))
        .limit(1)
        .get();
      const base = {
        id: (last?.id ?? 0) + 1,
        at: this.now().toISOString(),
        actor: e.actor,
        actorKind: e.actorKind,
        address: e.address,
        action: e.action,
        target: e.target,
        compartment: e.compartment,
        result: e.result,
        details: canonicalJson(e.details ?? {}),
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const row: AuditRow = { ...base, prevHash, hash: entryHash(prevHash, base) };
      this.db.insert(t.auditLog).values(row).run();
      return row;
    });
  }

  list(f: AuditFilter = {}): AuditRow[] {
    const conds: SQL[] = [];
    if (f.actor) conds.push(eq(t.auditLog.actor, f.actor));
    if (f.action) conds.push(eq(t.auditLog.action, f.action));
    if (f.compartment) conds.push(eq(t.auditLog.compartment, f.compartment));
    if (f.result) conds.push(eq(t.auditLog.result, f.result));
    if (f.since) conds.push(gte(t.auditLog.at, f.since));
    if (f.until) conds.push(lte(t.auditLog.at, f.until));
    if (f.before !== undefined) conds.push(lte(t.auditLog.id, f.before - 1));
    const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
    return this.db
      .select()
      .from(t.auditLog)
      .where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(desc(t.auditLog.id))
      .limit(limit)
      .all() as AuditRow[];
  }

  /** Walks the chain from the first entry; names the first entry whose link or hash does not hold. */
  verify(): VerifyResult {
    let prevHash = GENESIS_HASH;
    let expectedId = 1;
    let entries = 0;
    let after = 0;
    for (;;) {
      const page = this.db
        .select()
        .from(t.auditLog)
        .where(gt(t.auditLog.id, after))
        .orderBy(asc(t.auditLog.id))
        .limit(1000)
        .all() as AuditRow[];
      if (page.length === 0) return { ok: true, entries };
      for (const r of page) {
        const fail = (reason: string): VerifyResult => ({ ok: false, entries, brokenId: r.id, reason });
        if (r.id !== expectedId) return fail(`entry ${expectedId} is missing (the next one is ${r.id})`);
        if (r.prevHash !== prevHash) return fail('its link to the previous entry does not match that entry');
        const { prevHash: _p, hash: _h, ...base } = r;
        if (entryHash(prevHash, base) !== r.hash) return fail('its content does not match its hash (edited)');
        prevHash = r.hash;
        expectedId = r.id + 1;
        entries++;
        after = r.id;
      }
    }
  }
}
