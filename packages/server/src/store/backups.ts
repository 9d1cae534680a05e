// Each compartment's restic repository (backup_repos; it goes with its compartment, ON DELETE CASCADE). The
// password column is read only to run restic. Its backup policy and last scheduled run (backup_policies).
import { eq } from 'drizzle-orm';
import type { BackupCheck, BackupKeep, BackupPolicy, BackupRun, StoredPolicy } from '../core/backups/policy.js';
import type { Db } from './db.js';
import * as t from './schema.js';

export interface BackupRepoRow {
  compartment: string;
  location: string;
  password: string;
  createdAt: string;
  /** When the newest snapshot quadletman made there was taken; null: none yet (the repository may not exist). */
  newestSnapshotAt: string | null;
  /** The last `restic check`; null: none yet. */
  lastCheck: BackupCheck | null;
}

export class BackupRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  repo(compartment: string): BackupRepoRow | undefined {
    const r = this.db.select().from(t.backupRepos).where(eq(t.backupRepos.compartmentId, compartment)).get();
    return (
      r && {
        compartment: r.compartmentId,
        location: r.location,
        password: r.password,
        createdAt: r.createdAt,
        newestSnapshotAt: r.newestSnapshotAt,
        lastCheck: r.lastCheck ? (JSON.parse(r.lastCheck) as BackupCheck) : null,
      }
    );
  }

  /** Records when the newest snapshot of the compartment's repository was taken (a backup that succeeded). */
  recordSnapshot(compartment: string, at: string): void {
    this.db
      .update(t.backupRepos)
      .set({ newestSnapshotAt: at })
      .where(eq(t.backupRepos.compartmentId, compartment))
      .run();
  }

  /** Records the outcome of a `restic check` of the compartment's repository. */
  recordCheck(compartment: string, check: BackupCheck): void {
    this.db
      .update(t.backupRepos)
      .set({ lastCheck: JSON.stringify(check) })
      .where(eq(t.backupRepos.compartmentId, compartment))
      .run();
  }

  /** Each compartment's newest snapshot time, of those that have one. */
  newestSnapshots(): { compartment: string; at: string }[] {
    return this.db
      .select({ compartment: t.backupRepos.compartmentId, at: t.backupRepos.newestSnapshotAt })
      .from(t.backupRepos)
      .all()
      .filter((r): r is { compartment: string; at: string } => r.at !== null);
  }

  /** Records a compartment's repository; false when it has one. */
  add(compartment: string, location: string, password: string): boolean {
    const row = { compartmentId: compartment, location, password, createdAt: this.now().toISOString() };
    return this.db.insert(t.backupRepos).values(row).onConflictDoNothing().run().changes === 1;
  }

  /** Records a new location and password for the compartment's repository, replacing the one it had. */
  setRepo(compartment: string, location: string, password: string): void {
    const row = { location, password, createdAt: this.now().toISOString(), newestSnapshotAt: null, lastCheck: null };
    this.db
      .insert(t.backupRepos)
      .values({ compartmentId: compartment, ...row })
      .onConflictDoUpdate({ target: t.backupRepos.compartmentId, set: row })
      .run();
  }

  /** The compartment's policy; undefined: none set (the default: off). */
  policy(compartment: string): StoredPolicy | undefined {
    const r = this.db.select().from(t.backupPolicies).where(eq(t.backupPolicies.compartmentId, compartment)).get();
    if (!r) return undefined;
    return {
      schedule: r.schedule,
      mode: r.mode,
      keep: r.keep ? (JSON.parse(r.keep) as BackupKeep) : null,
      scheduleSince: r.scheduleSince,
      updatedAt: r.updatedAt,
      lastRun: r.lastRun ? (JSON.parse(r.lastRun) as BackupRun) : null,
    };
  }

  /** Sets the policy; the schedule's start moves to now only when the schedule changes. */
  setPolicy(compartment: string, policy: BackupPolicy): StoredPolicy {
    const now = this.now().toISOString();
    const before = this.policy(compartment);
    const scheduleSince = before && before.schedule === policy.schedule ? before.scheduleSince : now;
    const row = {
      compartmentId: compartment,
      schedule: policy.schedule,
      mode: policy.mode,
      keep: policy.keep ? JSON.stringify(policy.keep) : null,
      scheduleSince,
      updatedAt: now,
    };
    this.db
      .insert(t.backupPolicies)
      .values(row)
      .onConflictDoUpdate({
        target: t.backupPolicies.compartmentId,
        set: { schedule: row.schedule, mode: row.mode, keep: row.keep, scheduleSince, updatedAt: now },
      })
      .run();
    return this.policy(compartment)!;
  }

  /** Records the last scheduled run (of a compartment that has a policy). */
  recordRun(compartment: string, run: BackupRun): void {
    this.db
      .update(t.backupPolicies)
      .set({ lastRun: JSON.stringify(run) })
      .where(eq(t.backupPolicies.compartmentId, compartment))
      .run();
  }
}
