// The SQLite schema (drizzle). One compartment row per compartment; its desired state in child rows, one table
// per kind of resource (so the UI and the CLI can list and edit one resource without rewriting the others);
// revisions (what every apply wrote); and the apply journal (one row per apply in flight, for crash recovery).
// Changing this file: run `npm run db:generate` and commit the new migration under migrations/.
//
// Conventions: timestamps are ISO-8601 UTC strings (sortable, readable in the sqlite3 shell); JSON columns hold
// the normalized values of core/spec.ts; child rows go with their compartment (ON DELETE CASCADE).

import { sql } from 'drizzle-orm';
import { integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const compartments = sqliteTable('compartments', {
  id: text('id').primaryKey(),
  description: text('description').notNull().default(''),
  /** `major.minor`; null: the newest Podman quadletman knows. */
  podmanVersion: text('podman_version'),
  /** The default network's [Network] section as JSON; null: no default network. */
  network: text('network', { mode: 'json' }),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const units = sqliteTable(
  'units',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    /** File name: `web.container`, `backup.timer`. */
    name: text('name').notNull(),
    /** `container` … `artifact`, or `timer`. */
    type: text('type').notNull(),
    /** `model` (typed, JSON), `timer` (timer + job, JSON) or `text` (verbatim unit text, e.g. adopted). */
    format: text('format', { enum: ['model', 'timer', 'text'] }).notNull(),
    /** The model as JSON for `model`/`timer`; the unit text itself for `text`. */
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.name] })],
);

export const volumes = sqliteTable(
  'volumes',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['host', 'podman'] }).notNull(),
    /** [Volume] fields for a Podman volume (JSON); null for a host directory. */
    options: text('options', { mode: 'json' }),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.name] })],
);

export const files = sqliteTable(
  'files',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    /** Relative to the folder `location` names. */
    path: text('path').notNull(),
    location: text('location', { enum: ['files', 'quadlet'] }).notNull(),
    content: text('content').notNull(),
    mode: integer('mode').notNull(),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.path] })],
);

/** Podman secrets by name. Values are never stored: only that the compartment needs the secret. */
export const secrets = sqliteTable(
  'secrets',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.name] })],
);

/** Registry logins: registry and user name. The password is never stored. */
export const registryLogins = sqliteTable(
  'registry_logins',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    registry: text('registry').notNull(),
    username: text('username').notNull(),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.registry] })],
);

export const probes = sqliteTable(
  'probes',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: ['http', 'tcp'] }).notNull(),
    /** The probe's settings (port, host, path, expected status, timeout) as JSON. */
    spec: text('spec', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.name] })],
);

export const revisions = sqliteTable(
  'revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    /** 1, 2, 3… per compartment. */
    number: integer('number').notNull(),
    /** The desired state applied (core/spec.ts DesiredState, JSON): what `rollback N` restores. */
    state: text('state', { mode: 'json' }),
    /** Every rendered file: home-relative path → { text, mode } (JSON). */
    files: text('files', { mode: 'json' }).notNull(),
    /** Unified diff against the files on disk before the apply. */
    diff: text('diff').notNull(),
    actor: text('actor').notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    /** pending while in flight; applied, failed (and left as it was), rolled-back, refused (never touched the host). */
    result: text('result', { enum: ['pending', 'applied', 'failed', 'rolled-back', 'refused'] }).notNull(),
    message: text('message').notNull().default(''),
  },
  (t) => [uniqueIndex('revisions_compartment_number').on(t.compartmentId, t.number)],
);

/**
 * One row per apply in flight. Written before the first file changes and deleted when the apply is finished
 * (succeeded, or rolled back); a row found at start-up is an apply a crash interrupted.
 */
export const applyJournal = sqliteTable('apply_journal', {
  compartmentId: text('compartment_id')
    .primaryKey()
    .references(() => compartments.id, { onDelete: 'cascade' }),
  revisionId: integer('revision_id')
    .notNull()
    .references(() => revisions.id, { onDelete: 'cascade' }),
  phase: text('phase').notNull(),
  /** The files before the apply, for every path it touches: path → { text, mode } or null (absent). */
  previousFiles: text('previous_files', { mode: 'json' }).notNull(),
  /** Units the apply stops and restarts (JSON `{ stop, restart }`): what a roll back must bring back. */
  units: text('units', { mode: 'json' }).notNull(),
  pid: integer('pid').notNull(),
  startedAt: text('started_at').notNull(),
  updatedAt: text('updated_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
});
