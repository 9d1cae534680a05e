// Connections between compartments, read across compartments: every compartment's provided services and uses (the
// `provides` and `uses` tables, written with each desired state by compartments.ts).
import { asc } from 'drizzle-orm';
import type { HeldProvide, HeldUse } from '../core/edge/link-ports.js';
import type { Db } from './db.js';
import * as t from './schema.js';

export type StoredProvide = HeldProvide;
export type StoredUse = HeldUse;

export class LinkRepository {
  constructor(private readonly db: Db) {}

  /** Every compartment's provided services, by compartment and service. */
  allProvides(): StoredProvide[] {
    return this.db
      .select()
      .from(t.provides)
      .orderBy(asc(t.provides.compartmentId), asc(t.provides.service))
      .all()
      .map((p) => ({
        compartment: p.compartmentId,
        service: p.service,
        to: p.target,
        ...(p.port ? { port: p.port } : {}),
      }));
  }

  /** Every compartment's uses, by consumer and name. */
  allUses(): StoredUse[] {
    return this.db
      .select()
      .from(t.uses)
      .orderBy(asc(t.uses.compartmentId), asc(t.uses.as))
      .all()
      .map((u) => ({ consumer: u.compartmentId, compartment: u.provider, service: u.service, as: u.as }));
  }
}
