// Saved templates (templates) and what each compartment was created from (installed_apps; it goes with its
// compartment, ON DELETE CASCADE). A template is kept as its YAML; parsing it is core/templates' business.
import { asc, eq } from 'drizzle-orm';
import type { InstalledRecord, TemplateRecord } from '../core/service/templates.js';
import type { Db } from './db.js';
import * as t from './schema.js';

/** A template as kept, and what a compartment was made from: the shapes TemplateService reads (its store port). */
export type TemplateRow = TemplateRecord;
export type InstalledAppRow = InstalledRecord;
export type AppOrigin = InstalledRecord['origin'];

const toInstalled = (r: typeof t.installedApps.$inferSelect): InstalledAppRow => ({
  compartment: r.compartmentId,
  origin: r.origin,
  name: r.name,
  version: r.version,
  values: JSON.parse(r.values) as Record<string, string>,
  installedAt: r.installedAt,
  updatedAt: r.updatedAt,
});

export class TemplateRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  list(): TemplateRow[] {
    return this.db.select().from(t.templates).orderBy(asc(t.templates.name)).all();
  }

  get(name: string): TemplateRow | undefined {
    return this.db.select().from(t.templates).where(eq(t.templates.name, name)).get();
  }

  /** Adds or (with `replace`) overwrites a template; false when one of that name exists and `replace` is not set. */
  put(
    row: { name: string; description: string; body: string; createdBy: string; source: string | null },
    replace: boolean,
  ): boolean {
    const at = this.now().toISOString();
    const values = { ...row, createdAt: at, updatedAt: at };
    if (replace) {
      this.db
        .insert(t.templates)
        .values(values)
        .onConflictDoUpdate({
          target: t.templates.name,
          set: {
            description: row.description,
            body: row.body,
            createdBy: row.createdBy,
            source: row.source,
            updatedAt: at,
          },
        })
        .run();
      return true;
    }
    return this.db.insert(t.templates).values(values).onConflictDoNothing().run().changes === 1;
  }

  delete(name: string): boolean {
    return this.db.delete(t.templates).where(eq(t.templates.name, name)).run().changes === 1;
  }

  installed(compartment: string): InstalledAppRow | undefined {
    const r = this.db.select().from(t.installedApps).where(eq(t.installedApps.compartmentId, compartment)).get();
    return r ? toInstalled(r) : undefined;
  }

  allInstalled(): InstalledAppRow[] {
    return this.db.select().from(t.installedApps).orderBy(asc(t.installedApps.compartmentId)).all().map(toInstalled);
  }

  /** Records (or updates) what a compartment was made from; the compartment must exist. */
  recordInstalled(app: Omit<InstalledAppRow, 'installedAt' | 'updatedAt'>): void {
    const at = this.now().toISOString();
    const values = JSON.stringify(app.values);
    this.db
      .insert(t.installedApps)
      .values({
        compartmentId: app.compartment,
        origin: app.origin,
        name: app.name,
        version: app.version,
        values,
        installedAt: at,
        updatedAt: at,
      })
      .onConflictDoUpdate({
        target: t.installedApps.compartmentId,
        set: { origin: app.origin, name: app.name, version: app.version, values, updatedAt: at },
      })
      .run();
  }
}
