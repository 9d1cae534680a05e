// Each compartment's restic repository (backup_repos; it goes with its compartment, ON DELETE CASCADE). The
// password column is read only to run restic.
import { eq } from 'drizzle-orm';
import type { Db } from './db.js';
import * as t from './schema.js';

export interface BackupRepoRow {
  compartment: string;
  location: string;
  password: string;
  createdAt: string;
}

export class BackupRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  repo(compartment: string): BackupRepoRow | undefined {
    const r = this.db.select().from(t.backupRepos).where(eq(t.backupRepos.compartmentId, compartment)).get();
    return r && { compartment: r.compartmentId, location: r.location, password: r.password, createdAt: r.createdAt };
  }

  /** Records a compartment's repository; false when it has one. */
  add(compartment: string, location: string, password: string): boolean {
    const row = { compartmentId: compartment, location, password, createdAt: this.now().toISOString() };
    return this.db.insert(t.backupRepos).values(row).onConflictDoNothing().run().changes === 1;
  }
}
