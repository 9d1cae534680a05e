// API tokens for scripts. A token is `qmt_<id>_<secret>`; the table holds the id, a SHA-256 of the secret, the
// role and scope it grants and its owner. Revoked tokens stay listed (with revoked_at) until deleted. The scope is
// `*` or an existing compartment; a compartment's tokens are deleted with it (see scope.ts).
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from './db.js';
import type { GrantRole } from './grants.js';
import * as t from './schema.js';
import { requireScope } from './scope.js';

export interface ApiTokenRow {
  id: string;
  name: string;
  username: string;
  secretHash: string;
  role: GrantRole;
  compartment: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export class TokenRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
  ) {}

  /** Stores a new token; NotFoundError when its scope names a compartment that does not exist. */
  create(row: ApiTokenRow): void {
    this.tx(() => {
      requireScope(this.db, row.compartment);
      this.db.insert(t.apiTokens).values(row).run();
    });
  }

  get(id: string): ApiTokenRow | undefined {
    return this.db.select().from(t.apiTokens).where(eq(t.apiTokens.id, id)).get();
  }

  list(filter: { username?: string } = {}): ApiTokenRow[] {
    const q = this.db.select().from(t.apiTokens);
    return (filter.username ? q.where(eq(t.apiTokens.username, filter.username)) : q)
      .orderBy(asc(t.apiTokens.createdAt), asc(t.apiTokens.id))
      .all();
  }

  touch(id: string, at: string): void {
    this.db.update(t.apiTokens).set({ lastUsedAt: at }).where(eq(t.apiTokens.id, id)).run();
  }

  revoke(id: string, at: string): boolean {
    return this.db.update(t.apiTokens).set({ revokedAt: at }).where(eq(t.apiTokens.id, id)).run().changes > 0;
  }
}
