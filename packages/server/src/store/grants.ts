// Role grants: a user holds one role per scope, the scope being an existing compartment's id or `*` (every
// compartment). A compartment's grants are deleted with it (see scope.ts).
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from './db.js';
import * as t from './schema.js';
import { GLOBAL_SCOPE, requireScope } from './scope.js';

export type GrantRole = 'viewer' | 'operator' | 'admin';
export { GLOBAL_SCOPE };

export interface Grant {
  username: string;
  /** A compartment id, or `*` for a global grant. */
  compartment: string;
  role: GrantRole;
  createdAt: string;
}

export class GrantRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly now: () => Date = () => new Date(),
  ) {}

  forUser(username: string): Grant[] {
    return this.db
      .select()
      .from(t.grants)
      .where(eq(t.grants.username, username))
      .orderBy(asc(t.grants.compartment))
      .all();
  }

  list(filter: { compartment?: string } = {}): Grant[] {
    const q = this.db.select().from(t.grants);
    return (filter.compartment ? q.where(eq(t.grants.compartment, filter.compartment)) : q)
      .orderBy(asc(t.grants.username), asc(t.grants.compartment))
      .all();
  }

  /**
   * Sets the user's role in a scope (replacing the role it had there). The user must exist (foreign key); a
   * compartment scope must name an existing compartment (NotFoundError otherwise).
   */
  set(username: string, compartment: string, role: GrantRole): Grant {
    const row = { username, compartment, role, createdAt: this.now().toISOString() };
    this.tx(() => {
      requireScope(this.db, compartment);
      this.db
        .insert(t.grants)
        .values(row)
        .onConflictDoUpdate({
          target: [t.grants.username, t.grants.compartment],
          set: { role, createdAt: row.createdAt },
        })
        .run();
    });
    return row;
  }

  /** Throws NotFoundError unless `scope` is `*` or an existing compartment (to check before other changes). */
  requireScope(scope: string): void {
    requireScope(this.db, scope);
  }

  revoke(username: string, compartment: string): boolean {
    return (
      this.db
        .delete(t.grants)
        .where(and(eq(t.grants.username, username), eq(t.grants.compartment, compartment)))
        .run().changes > 0
    );
  }

  /** True when some user holds `admin` globally (first-run setup is offered while there is none). */
  hasGlobalAdmin(): boolean {
    return (
      this.db
        .select({ u: t.grants.username })
        .from(t.grants)
        .where(and(eq(t.grants.compartment, GLOBAL_SCOPE), eq(t.grants.role, 'admin')))
        .get() !== undefined
    );
  }
}
