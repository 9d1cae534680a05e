// The last update check of each image of a compartment (image_checks): written whole by each check of the
// compartment, read by the API, the CLI and the scheduler. Rows go with their compartment (ON DELETE CASCADE).
import { asc, eq } from 'drizzle-orm';
import type { ImageCheckRecord } from '../core/images/update-check.js';
import type { Db, Tx } from './db.js';
import * as t from './schema.js';

export type ImageCheckRow = ImageCheckRecord;

const STATUSES = new Set(['up-to-date', 'update-available', 'unknown']);

export class ImageCheckRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
  ) {}

  /** Replaces the compartment's checks with these. */
  replace(compartment: string, rows: readonly ImageCheckRow[]): void {
    this.tx(() => {
      this.db.delete(t.imageChecks).where(eq(t.imageChecks.compartmentId, compartment)).run();
      if (rows.length === 0) return;
      this.db
        .insert(t.imageChecks)
        .values(
          rows.map((r) => ({
            compartmentId: compartment,
            image: r.image,
            units: JSON.stringify(r.units),
            checkedAt: r.checkedAt,
            status: r.status,
            remoteDigest: r.remoteDigest,
            localDigests: JSON.stringify(r.localDigests),
            reason: r.reason,
          })),
        )
        .run();
    });
  }

  list(compartment: string): ImageCheckRow[] {
    return this.db
      .select()
      .from(t.imageChecks)
      .where(eq(t.imageChecks.compartmentId, compartment))
      .orderBy(asc(t.imageChecks.image))
      .all()
      .map((r) => ({
        image: r.image,
        units: JSON.parse(r.units) as string[],
        checkedAt: r.checkedAt,
        status: (STATUSES.has(r.status) ? r.status : 'unknown') as ImageCheckRow['status'],
        remoteDigest: r.remoteDigest,
        localDigests: JSON.parse(r.localDigests) as string[],
        reason: r.reason,
      }));
  }
}
