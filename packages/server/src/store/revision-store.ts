// The apply engine's RevisionStore port (core/apply/ports.ts) over the store's repositories: revisions and the
// apply journal, with `begin` and `finish` each one transaction, so the journal row that says "an apply is
// changing this compartment" is on disk before the engine touches the host and gone when the revision ends.
import type {
  ApplyPhase,
  FileSet,
  PendingApply,
  RevisionRecord,
  RevisionResult,
  RevisionStore,
} from '../core/apply/ports.js';
import { NotFoundError } from '../core/errors.js';
import { parseCompartmentId } from '../core/ids.js';
import type { DesiredState } from '../core/spec.js';
import type { Store } from './index.js';
import type { StoredFile } from './revisions.js';

export function toStoredFiles(set: FileSet): Record<string, StoredFile> {
  const out: [string, StoredFile][] = [];
  for (const [path, text] of [...set.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push([path, { text, mode: set.modes.get(path) ?? 0o644 }]);
  }
  return Object.fromEntries(out);
}

export function toFileSet(files: Record<string, StoredFile | null>): FileSet {
  const set: FileSet = { files: new Map(), modes: new Map() };
  for (const [path, f] of Object.entries(files)) {
    if (f === null) continue;
    set.files.set(path, f.text);
    set.modes.set(path, f.mode);
  }
  return set;
}

export class SqliteRevisionStore implements RevisionStore {
  constructor(private readonly store: Store) {}

  private id(compartment: string, number: number): number {
    const r = this.store.revisions.get(parseCompartmentId(compartment), number);
    if (!r) throw new NotFoundError(`compartment ${compartment} has no revision ${number}`);
    return r.id;
  }

  nextRevision(compartment: string): number {
    return this.store.revisions.nextNumber(parseCompartmentId(compartment));
  }

  private create(record: RevisionRecord) {
    return this.store.revisions.create({
      compartmentId: parseCompartmentId(record.compartment),
      number: record.number,
      state: (record.spec ?? null) as DesiredState | null,
      files: toStoredFiles(record.files),
      diff: record.diff,
      actor: record.actor,
      message: record.message ?? '',
      startedAt: record.startedAt,
    });
  }

  begin(record: RevisionRecord, pending: PendingApply): void {
    this.store.transaction(() => {
      const rev = this.create(record);
      this.store.journal.begin({
        compartmentId: rev.compartmentId,
        revisionId: rev.id,
        phase: pending.phase,
        previousFiles: toStoredFiles(pending.previous),
        units: {
          stop: [...pending.units.stop],
          restart: [...pending.units.restart],
          ...(pending.units.retag?.length ? { retag: pending.units.retag.map((r) => ({ ...r })) } : {}),
        },
      });
    });
  }

  record(record: RevisionRecord): void {
    this.store.transaction(() => {
      const rev = this.create(record);
      if (record.result) this.store.revisions.finish(rev.id, record.result, record.message ?? '', record.finishedAt);
    });
  }

  setPhase(compartment: string, revision: number, phase: ApplyPhase): void {
    const id = parseCompartmentId(compartment);
    const j = this.store.journal.get(id);
    if (!j || j.revisionId !== this.id(compartment, revision)) {
      throw new NotFoundError(`compartment ${compartment} has no apply of revision ${revision} in flight`);
    }
    this.store.journal.setPhase(id, phase);
  }

  finish(compartment: string, revision: number, result: RevisionResult, message: string, finishedAt: Date): void {
    this.store.transaction(() => {
      const revId = this.id(compartment, revision);
      this.store.revisions.finish(revId, result, message, finishedAt);
      const id = parseCompartmentId(compartment);
      if (this.store.journal.get(id)?.revisionId === revId) this.store.journal.end(id);
    });
  }

  pending(): PendingApply[] {
    return this.store.journal.list().map((j) => {
      const rev = this.store.revisions.getById(j.revisionId);
      return {
        compartment: j.compartmentId,
        revision: rev?.number ?? 0,
        phase: j.phase,
        previous: toFileSet(j.previousFiles),
        units: {
          stop: [...j.units.stop],
          restart: [...j.units.restart],
          ...(j.units.retag?.length ? { retag: j.units.retag.map((r) => ({ ...r })) } : {}),
        },
      };
    });
  }

  revision(compartment: string, number: number): RevisionRecord | undefined {
    const r = this.store.revisions.get(parseCompartmentId(compartment), number);
    if (!r) return undefined;
    const rec: RevisionRecord = {
      compartment: r.compartmentId,
      number: r.number,
      files: toFileSet(r.files),
      diff: r.diff,
      actor: r.actor,
      startedAt: new Date(r.startedAt),
      message: r.message,
      spec: r.state ?? undefined,
    };
    if (r.finishedAt) rec.finishedAt = new Date(r.finishedAt);
    if (r.result !== 'pending') rec.result = r.result;
    return rec;
  }
}
