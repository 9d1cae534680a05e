// Read-only aggregates for /metrics: applies by outcome (from revisions) and declared containers by the outcome
// of their compartment's latest apply. One query each, so a scrape costs the same with 5 or 500 compartments.
import type { Database } from 'better-sqlite3';

export interface ApplyCounts {
  [result: string]: number;
}

export class StatsQueries {
  constructor(private readonly sqlite: Database) {}

  compartments(): number {
    return this.sqlite.prepare('SELECT count(*) FROM compartments').pluck().get() as number;
  }

  appliesByResult(): ApplyCounts {
    const rows = this.sqlite.prepare('SELECT result, count(*) AS n FROM revisions GROUP BY result').all() as {
      result: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.result, r.n]));
  }

  /** Container units by their compartment's latest revision result (`never` when it has none). */
  containersByApplyState(): ApplyCounts {
    const rows = this.sqlite
      .prepare(
        `SELECT coalesce((SELECT r.result FROM revisions r WHERE r.compartment_id = u.compartment_id
                          ORDER BY r.number DESC LIMIT 1), 'never') AS state, count(*) AS n
           FROM units u WHERE u.type = 'container' GROUP BY state`,
      )
      .all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  auditEntries(): number {
    return this.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  }
}
