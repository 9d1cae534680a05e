// The edge's records: every compartment's routes (the `routes` table, written with each desired state by
// compartments.ts) read across compartments, and the installation's settings by name (the edge's ports and TLS).
import { asc, eq } from 'drizzle-orm';
import type { RouteSpec } from '../core/spec-routes.js';
import { routeFromRow } from './compartments.js';
import type { Db } from './db.js';
import * as t from './schema.js';

export type StoredRoute = RouteSpec & { compartment: string };

export class EdgeRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** Every compartment's routes, by host and path. */
  allRoutes(): StoredRoute[] {
    return this.db
      .select()
      .from(t.routes)
      .orderBy(asc(t.routes.host), asc(t.routes.path))
      .all()
      .map((r) => ({ compartment: r.compartmentId, ...routeFromRow(r) }));
  }

  setting(name: string): unknown {
    return this.db.select().from(t.settings).where(eq(t.settings.name, name)).get()?.value;
  }

  setSetting(name: string, value: unknown): void {
    const updatedAt = this.now().toISOString();
    this.db
      .insert(t.settings)
      .values({ name, value, updatedAt })
      .onConflictDoUpdate({ target: t.settings.name, set: { value, updatedAt } })
      .run();
  }
}
