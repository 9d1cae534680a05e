// The scope of a grant or an API token: `*` (every compartment) or the id of a compartment that exists. A scope
// naming no compartment is refused: a compartment made later under that id would inherit the grant or token.
// A compartment's grants and tokens go with it (trigger `compartments_delete_access`, migration 0002), and the
// same migration's triggers refuse a row whose scope names no compartment, whatever code writes it.
import { eq } from 'drizzle-orm';
import { NotFoundError } from '../core/errors.js';
import type { Db } from './db.js';
import * as t from './schema.js';

export const GLOBAL_SCOPE = '*';

/** Throws NotFoundError, naming the compartment, unless `scope` is `*` or an existing compartment's id. */
export function requireScope(db: Db, scope: string): void {
  if (scope === GLOBAL_SCOPE) return;
  if (db.select({ id: t.compartments.id }).from(t.compartments).where(eq(t.compartments.id, scope)).get()) return;
  throw new NotFoundError(
    `There is no compartment '${scope}': a role or an API token is for an existing compartment, or for every one (*).`,
    { details: { compartment: scope } },
  );
}
