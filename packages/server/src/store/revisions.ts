// Revisions: every apply is one, numbered 1, 2, 3… per compartment, with the desired state it applied, every
// file it rendered, the diff against what was on disk, who asked, when, and how it ended.
import { and, desc, eq, sql } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { type CompartmentId, parseCompartmentId } from '../core/ids.js';
import type { DesiredState } from '../core/spec.js';
import type { Db, Tx } from './db.js';
import * as t from './schema.js';

export type RevisionResult = 'pending' | 'applied' | 'failed' | 'rolled-back' | 'refused';

export interface StoredFile {
  text: string;
  mode: number;
}

export interface RevisionSummary {
  id: number;
  compartmentId: CompartmentId;
  number: number;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  result: RevisionResult;
  message: string;
}

export interface Revision extends RevisionSummary {
  /** The desired state the files were rendered from (null when the caller recorded none). */
  state: DesiredState | null;
  /** Home-relative path → file, every file the revision rendered. */
  files: Record<string, StoredFile>;
  diff: string;
}

export interface NewRevision {
  compartmentId: CompartmentId;
  /** Must be the next number when given (a caller that numbered the revision ahead); default: the next. */
  number?: number;
  state: DesiredState | null;
  files: Record<string, StoredFile>;
  diff: string;
  actor: string;
  message?: string;
  startedAt?: Date;
}

type Row = typeof t.revisions.$inferSelect;

function summary(r: Omit<Row, 'state' | 'files' | 'diff'>): RevisionSummary {
  return {
    id: r.id,
    compartmentId: parseCompartmentId(r.compartmentId, 'store: revisions.compartment_id'),
    number: r.number,
    actor: r.actor,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    result: r.result,
    message: r.message,
  };
}

function full(r: Row): Revision {
  return {
    ...summary(r),
    state: (r.state ?? null) as DesiredState | null,
    files: r.files as Record<string, StoredFile>,
    diff: r.diff,
  };
}

const SUMMARY_COLUMNS = {
  id: t.revisions.id,
  compartmentId: t.revisions.compartmentId,
  number: t.revisions.number,
  actor: t.revisions.actor,
  startedAt: t.revisions.startedAt,
  finishedAt: t.revisions.finishedAt,
  result: t.revisions.result,
  message: t.revisions.message,
};

export class RevisionRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The number the next revision of a compartment gets. */
  nextNumber(compartmentId: CompartmentId): number {
    return (
      (this.db
        .select({ n: sql<number>`coalesce(max(${t.revisions.number}), 0)` })
        .from(t.revisions)
        .where(eq(t.revisions.compartmentId, compartmentId))
        .get()?.n ?? 0) + 1
    );
  }

  /** Records a new revision (result `pending`) with the next number of its compartment. */
  create(r: NewRevision): Revision {
    return this.tx(() => {
      const tx = this.db;
      const next =
        (tx
          .select({ n: sql<number>`coalesce(max(${t.revisions.number}), 0)` })
          .from(t.revisions)
          .where(eq(t.revisions.compartmentId, r.compartmentId))
          .get()?.n ?? 0) + 1;
      if (r.number !== undefined && r.number !== next) {
        throw new ConflictError(
          `compartment ${r.compartmentId}: revision ${r.number} is taken or out of order (next is ${next})`,
        );
      }
      const row = tx
        .insert(t.revisions)
        .values({
          compartmentId: r.compartmentId,
          number: next,
          state: r.state,
          files: r.files,
          diff: r.diff,
          actor: r.actor,
          startedAt: (r.startedAt ?? this.now()).toISOString(),
          result: 'pending',
          message: r.message ?? '',
        })
        .returning()
        .get();
      return full(row);
    });
  }

  /** Records how a revision ended. */
  finish(id: number, result: Exclude<RevisionResult, 'pending'>, message = '', finishedAt?: Date): void {
    const n = this.db
      .update(t.revisions)
      .set({ result, message, finishedAt: (finishedAt ?? this.now()).toISOString() })
      .where(eq(t.revisions.id, id))
      .run().changes;
    if (n === 0) throw new NotFoundError(`revision id ${id} does not exist`);
  }

  get(compartmentId: CompartmentId, number: number): Revision | undefined {
    const r = this.db
      .select()
      .from(t.revisions)
      .where(and(eq(t.revisions.compartmentId, compartmentId), eq(t.revisions.number, number)))
      .get();
    return r ? full(r) : undefined;
  }

  require(compartmentId: CompartmentId, number: number): Revision {
    const r = this.get(compartmentId, number);
    if (!r) throw new NotFoundError(`compartment ${compartmentId} has no revision ${number}`);
    return r;
  }

  getById(id: number): Revision | undefined {
    const r = this.db.select().from(t.revisions).where(eq(t.revisions.id, id)).get();
    return r ? full(r) : undefined;
  }

  /** Newest first, without states and files. */
  list(compartmentId: CompartmentId, options: { limit?: number; offset?: number } = {}): RevisionSummary[] {
    return this.db
      .select(SUMMARY_COLUMNS)
      .from(t.revisions)
      .where(eq(t.revisions.compartmentId, compartmentId))
      .orderBy(desc(t.revisions.number))
      .limit(options.limit ?? 100)
      .offset(options.offset ?? 0)
      .all()
      .map(summary);
  }

  /** The newest revision, optionally the newest with a given result (e.g. the last that succeeded). */
  latest(compartmentId: CompartmentId, result?: RevisionResult): Revision | undefined {
    const where = result
      ? and(eq(t.revisions.compartmentId, compartmentId), eq(t.revisions.result, result))
      : eq(t.revisions.compartmentId, compartmentId);
    const r = this.db.select().from(t.revisions).where(where).orderBy(desc(t.revisions.number)).limit(1).get();
    return r ? full(r) : undefined;
  }
}
