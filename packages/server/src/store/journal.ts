// The apply journal: one row per compartment while an apply is in flight. The apply engine writes it before the
// first file changes (with the previous content of every path it will touch), moves its phase forward as it
// goes, and deletes it when the apply is over. A row found at start-up is an apply a crash interrupted: the
// previous files in it are what a rollback restores.
import { asc, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { type CompartmentId, parseCompartmentId } from '../core/ids.js';
import type { Db, Tx } from './db.js';
import type { StoredFile } from './revisions.js';
import * as t from './schema.js';

/**
 * Where an apply is: `prepared` (journal written, nothing changed yet) → `written` → `reloaded` → `started` →
 * `verified`. The apply engine owns the meaning (core/apply/ports.ts).
 */
export type ApplyPhase = 'prepared' | 'written' | 'reloaded' | 'started' | 'verified';

/** Units an apply stops and restarts: what a roll back must bring back. */
export interface JournalUnits {
  stop: string[];
  restart: string[];
  /** An upgrade's image names that its pull moved, with the image id each named before. */
  retag?: { image: string; id: string }[];
}

export interface JournalEntry {
  compartmentId: CompartmentId;
  revisionId: number;
  phase: ApplyPhase;
  /** Every path the apply writes or removes: its file before the apply, or null when it did not exist. */
  previousFiles: Record<string, StoredFile | null>;
  units: JournalUnits;
  /** The process running the apply. */
  pid: number;
  startedAt: string;
  updatedAt: string;
}

function entry(r: typeof t.applyJournal.$inferSelect): JournalEntry {
  return {
    compartmentId: parseCompartmentId(r.compartmentId, 'store: apply_journal.compartment_id'),
    revisionId: r.revisionId,
    phase: r.phase as ApplyPhase,
    previousFiles: r.previousFiles as Record<string, StoredFile | null>,
    units: r.units as JournalUnits,
    pid: r.pid,
    startedAt: r.startedAt,
    updatedAt: r.updatedAt,
  };
}

export class ApplyJournalRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Opens the journal of an apply. ConflictError when the compartment already has one in flight. */
  begin(e: {
    compartmentId: CompartmentId;
    revisionId: number;
    previousFiles: Record<string, StoredFile | null>;
    units?: JournalUnits;
    pid?: number;
    phase?: ApplyPhase;
  }): JournalEntry {
    const at = this.now().toISOString();
    return this.tx(() => {
      const tx = this.db;
      const held = tx.select().from(t.applyJournal).where(eq(t.applyJournal.compartmentId, e.compartmentId)).get();
      if (held) {
        throw new ConflictError(
          `compartment ${e.compartmentId} has an apply in flight (revision id ${held.revisionId}, phase ${held.phase}, pid ${held.pid})`,
          { details: { compartment: e.compartmentId, revisionId: held.revisionId, phase: held.phase, pid: held.pid } },
        );
      }
      const row = tx
        .insert(t.applyJournal)
        .values({
          compartmentId: e.compartmentId,
          revisionId: e.revisionId,
          phase: e.phase ?? 'prepared',
          previousFiles: e.previousFiles,
          units: e.units ?? { stop: [], restart: [] },
          pid: e.pid ?? process.pid,
          startedAt: at,
          updatedAt: at,
        })
        .returning()
        .get();
      return entry(row);
    });
  }

  setPhase(compartmentId: CompartmentId, phase: ApplyPhase): void {
    const n = this.db
      .update(t.applyJournal)
      .set({ phase, updatedAt: this.now().toISOString() })
      .where(eq(t.applyJournal.compartmentId, compartmentId))
      .run().changes;
    if (n === 0) throw new NotFoundError(`compartment ${compartmentId} has no apply in flight`);
  }

  get(compartmentId: CompartmentId): JournalEntry | undefined {
    const r = this.db.select().from(t.applyJournal).where(eq(t.applyJournal.compartmentId, compartmentId)).get();
    return r ? entry(r) : undefined;
  }

  /** Every apply in flight (at start-up: every apply a crash interrupted). */
  list(): JournalEntry[] {
    return this.db.select().from(t.applyJournal).orderBy(asc(t.applyJournal.compartmentId)).all().map(entry);
  }

  /** Closes the journal of an apply (it succeeded or was rolled back). */
  end(compartmentId: CompartmentId): boolean {
    return this.db.delete(t.applyJournal).where(eq(t.applyJournal.compartmentId, compartmentId)).run().changes > 0;
  }
}
