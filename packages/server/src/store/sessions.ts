// Browser sessions. The table holds a SHA-256 of each session id (never the id), the user, the CSRF
// synchronizer token, and when the session began and was last used; expiry is decided by http/auth.
import { and, eq, lt, ne } from 'drizzle-orm';
import type { Db } from './db.js';
import * as t from './schema.js';

export interface SessionRow {
  idHash: string;
  username: string;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  address: string;
  userAgent: string;
}

export class SessionRepository {
  constructor(private readonly db: Db) {}

  create(row: SessionRow): void {
    this.db.insert(t.sessions).values(row).run();
  }

  get(idHash: string): SessionRow | undefined {
    return this.db.select().from(t.sessions).where(eq(t.sessions.idHash, idHash)).get();
  }

  touch(idHash: string, lastSeenAt: string): void {
    this.db.update(t.sessions).set({ lastSeenAt }).where(eq(t.sessions.idHash, idHash)).run();
  }

  delete(idHash: string): boolean {
    return this.db.delete(t.sessions).where(eq(t.sessions.idHash, idHash)).run().changes > 0;
  }

  /** Revokes every session of a user, except `keep` (a hash) when given; returns how many. */
  deleteForUser(username: string, keep?: string): number {
    const cond = keep
      ? and(eq(t.sessions.username, username), ne(t.sessions.idHash, keep))
      : eq(t.sessions.username, username);
    return this.db.delete(t.sessions).where(cond).run().changes;
  }

  /** Deletes sessions last used before `idleBefore` or begun before `createdBefore` (ISO strings). */
  prune(idleBefore: string, createdBefore: string): number {
    return (
      this.db.delete(t.sessions).where(lt(t.sessions.lastSeenAt, idleBefore)).run().changes +
      this.db.delete(t.sessions).where(lt(t.sessions.createdAt, createdBefore)).run().changes
    );
  }
}
