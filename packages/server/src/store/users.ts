// Accounts that may log in: local (argon2id hash, computed by http/auth) and PAM (the host checks the password;
// the row exists so grants can name the user). Deleting a user deletes its grants, sessions and API tokens.
import { asc, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { Db, Tx } from './db.js';
import * as t from './schema.js';

export type UserKind = 'local' | 'pam';

export interface User {
  username: string;
  kind: UserKind;
  /** argon2id PHC string (local accounts only). */
  passwordHash: string | null;
  createdAt: string;
  passwordChangedAt: string | null;
}

export class UserRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(username: string): User | undefined {
    return this.db.select().from(t.users).where(eq(t.users.username, username)).get();
  }

  require(username: string): User {
    const u = this.get(username);
    if (!u) throw new NotFoundError(`There is no user '${username}'.`, { details: { user: username } });
    return u;
  }

  list(): User[] {
    return this.db.select().from(t.users).orderBy(asc(t.users.username)).all();
  }

  /** ConflictError when the user exists. */
  create(u: { username: string; kind: UserKind; passwordHash?: string | null }): User {
    return this.tx(() => {
      if (this.get(u.username)) throw new ConflictError(`User '${u.username}' exists already.`);
      const at = this.now().toISOString();
      const row = {
        username: u.username,
        kind: u.kind,
        passwordHash: u.passwordHash ?? null,
        createdAt: at,
        passwordChangedAt: u.passwordHash ? at : null,
      };
      this.db.insert(t.users).values(row).run();
      return row;
    });
  }

  /** The PAM user's row, created on its first login. */
  ensurePam(username: string): User {
    return this.tx(() => this.get(username) ?? this.create({ username, kind: 'pam' }));
  }

  setPasswordHash(username: string, passwordHash: string): void {
    const r = this.db
      .update(t.users)
      .set({ passwordHash, passwordChangedAt: this.now().toISOString() })
      .where(eq(t.users.username, username))
      .run();
    if (r.changes === 0) throw new NotFoundError(`There is no user '${username}'.`);
  }

  delete(username: string): boolean {
    return this.db.delete(t.users).where(eq(t.users.username, username)).run().changes > 0;
  }
}
