// The SQLite schema (drizzle). One compartment row per compartment; its desired state in child rows, one table
// per kind of resource (so the UI and the CLI can list and edit one resource without rewriting the others);
// revisions (what every apply wrote); and the apply journal (one row per apply in flight, for crash recovery).
// Changing this file: run `npm run db:generate` and commit the new migration under migrations/.
//
// Conventions: timestamps are ISO-8601 UTC strings (sortable, readable in the sqlite3 shell); JSON columns hold
// the normalized values of core/spec.ts; child rows go with their compartment (ON DELETE CASCADE).

import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const compartments = sqliteTable('compartments', {
  id: text('id').primaryKey(),
  description: text('description').notNull().default(''),
  /** `major.minor`; null: the newest Podman quadletman knows. */
  podmanVersion: text('podman_version'),
  /** The default network's [Network] section as JSON; null: no default network. */
  network: text('network', { mode: 'json' }),
  /** The spec's `backup:` block (its hook) as JSON; null: none. */
  backup: text('backup', { mode: 'json' }),
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
    format: text('format', { enum: ['model', 'timer', 'systemd', 'text'] }).notNull(),
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

/** The last update check of each image a compartment's units run: what the registry's manifest HEAD answered
 * against the digests of the image in the compartment's storage. Replaced whole by each check. */
export const imageChecks = sqliteTable(
  'image_checks',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    image: text('image').notNull(),
    /** The units (file names) that use it, JSON. */
    units: text('units').notNull(),
    checkedAt: text('checked_at').notNull(),
    /** up-to-date | update-available | unknown */
    status: text('status').notNull(),
    remoteDigest: text('remote_digest'),
    /** JSON array of the local image's digests. */
    localDigests: text('local_digests').notNull(),
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.image] })],
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

// ── Login, roles and the audit log (http/auth). ─────────────────────────────────────────────────────────

/** People who may log in: local accounts (argon2id hash) and PAM users (the host checks the password). */
export const users = sqliteTable('users', {
  username: text('username').primaryKey(),
  kind: text('kind', { enum: ['local', 'pam'] }).notNull(),
  /** argon2id PHC string for local accounts; null for PAM users. */
  passwordHash: text('password_hash'),
  createdAt: text('created_at').notNull(),
  passwordChangedAt: text('password_changed_at'),
});

/** Roles: `compartment` is a compartment id, or `*` for a global grant. One grant per user and scope. */
export const grants = sqliteTable(
  'grants',
  {
    username: text('username')
      .notNull()
      .references(() => users.username, { onDelete: 'cascade' }),
    compartment: text('compartment').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'admin'] }).notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.username, t.compartment] })],
);

/** Browser sessions. Only a SHA-256 of the session id is stored; the cookie holds the id itself. */
export const sessions = sqliteTable('sessions', {
  idHash: text('id_hash').primaryKey(),
  username: text('username')
    .notNull()
    .references(() => users.username, { onDelete: 'cascade' }),
  /** The synchronizer token a state-changing request must echo in `X-CSRF-Token`. */
  csrfToken: text('csrf_token').notNull(),
  createdAt: text('created_at').notNull(),
  lastSeenAt: text('last_seen_at').notNull(),
  address: text('address').notNull(),
  userAgent: text('user_agent').notNull().default(''),
});

/** API tokens for scripts: shown once; only a SHA-256 of the secret part is stored. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  username: text('username')
    .notNull()
    .references(() => users.username, { onDelete: 'cascade' }),
  secretHash: text('secret_hash').notNull(),
  role: text('role', { enum: ['viewer', 'operator', 'admin'] }).notNull(),
  /** A compartment id, or `*` for every compartment. */
  compartment: text('compartment').notNull(),
  createdAt: text('created_at').notNull(),
  lastUsedAt: text('last_used_at'),
  revokedAt: text('revoked_at'),
});

/**
 * The audit log: append-only (triggers refuse UPDATE and DELETE), each row chained to the one before by
 * `hash` = SHA-256(prev_hash ‖ canonical encoding of the row). See store/audit.ts.
 */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  actor: text('actor').notNull(),
  actorKind: text('actor_kind').notNull(),
  address: text('address').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  compartment: text('compartment'),
  result: text('result', { enum: ['ok', 'failed', 'denied'] }).notNull(),
  /** Canonical JSON (sorted keys) of the entry's details, `{}` when none. */
  details: text('details').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

// ── Notifications (core/notify, core/service/notifications.ts). ─────────────────────────────────────────

/** Where events are sent. The secret (a webhook's signing secret, an ntfy token) is only read to deliver. */
export const notifyChannels = sqliteTable('notify_channels', {
  name: text('name').primaryKey(),
  kind: text('kind', { enum: ['webhook', 'ntfy', 'email'] }).notNull(),
  /** `*` or a compartment id. */
  scope: text('scope').notNull(),
  /** JSON: "all" or an array of event kinds. */
  events: text('events').notNull(),
  /** The kind's settings as JSON (url, priority, tags, to, from); never the secret. */
  config: text('config').notNull(),
  secret: text('secret'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** One row per event sent to a channel: its attempts and how it ended. The newest 500 per channel are kept. */
export const notifyDeliveries = sqliteTable(
  'notify_deliveries',
  {
    id: text('id').primaryKey(),
    channel: text('channel')
      .notNull()
      .references(() => notifyChannels.name, { onDelete: 'cascade' }),
    eventKind: text('event_kind').notNull(),
    compartment: text('compartment'),
    /** The event as JSON (core/notify/event.ts), to send again after a restart. */
    event: text('event').notNull(),
    attempts: integer('attempts').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** When the next attempt is due (pending only). */
    nextAttemptAt: text('next_attempt_at'),
  },
  (t) => [
    index('notify_deliveries_channel').on(t.channel, t.createdAt),
    index('notify_deliveries_status').on(t.status),
  ],
);

// ── Templates and catalog apps (core/templates, core/service/templates.ts). ────────────────────────────────

/** Saved templates: a compartment spec with parameters (core/templates/template.ts), as its YAML. */
export const templates = sqliteTable('templates', {
  name: text('name').primaryKey(),
  description: text('description').notNull(),
  /** The template as YAML (templateToYaml). */
  body: text('body').notNull(),
  /** Who saved it, and from which compartment (null when imported). */
  createdBy: text('created_by').notNull(),
  source: text('source'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Which catalog app (or saved template) a compartment was created from, at which version, with which values. */
export const installedApps = sqliteTable('installed_apps', {
  compartmentId: text('compartment_id')
    .primaryKey()
    .references(() => compartments.id, { onDelete: 'cascade' }),
  /** `catalog` or `template`. */
  origin: text('origin', { enum: ['catalog', 'template'] }).notNull(),
  name: text('name').notNull(),
  version: text('version'),
  /** JSON: the parameter values used, but for secrets' (those are never kept). */
  values: text('values').notNull(),
  installedAt: text('installed_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

// ── Backups (core/service/backups.ts). ────────────────────────────────────────────────────────────────────

/** A compartment's restic repository: where it is and its password (read only to run restic). */
export const backupRepos = sqliteTable('backup_repos', {
  compartmentId: text('compartment_id')
    .primaryKey()
    .references(() => compartments.id, { onDelete: 'cascade' }),
  location: text('location').notNull(),
  password: text('password').notNull(),
  createdAt: text('created_at').notNull(),
  /** When the newest snapshot quadletman made there was taken (null: none yet). */
  newestSnapshotAt: text('newest_snapshot_at'),
  /** The last `restic check` of the repository as JSON (BackupCheck); null: none yet. */
  lastCheck: text('last_check'),
});

/** A compartment's backup policy (core/backups/policy.ts) and the outcome of its last scheduled run. A row of its
 * own, not columns of backup_repos: a policy may be set before the first backup makes the repository. */
export const backupPolicies = sqliteTable('backup_policies', {
  compartmentId: text('compartment_id')
    .primaryKey()
    .references(() => compartments.id, { onDelete: 'cascade' }),
  /** Canonical schedule: `off`, `hourly`, `hourly :MM`, `daily HH:MM`, `weekly DAY HH:MM` (UTC). */
  schedule: text('schedule').notNull(),
  mode: text('mode', { enum: ['stop', 'live', 'hook'] }).notNull(),
  /** Retention as JSON `{last, daily, weekly, monthly}`; null: nothing is forgotten. */
  keep: text('keep'),
  /** When the schedule was last changed: a schedule's first run is the first one after this. */
  scheduleSince: text('schedule_since').notNull(),
  updatedAt: text('updated_at').notNull(),
  /** The last scheduled run as JSON (BackupRun); null: none yet. */
  lastRun: text('last_run'),
});

// ── The edge (core/service/edge.ts). ──────────────────────────────────────────────────────────────────────

/** The routes of compartments' desired states: a host and path belong to one compartment, and a loopback port to
 * one route target, across all compartments. */
export const routes = sqliteTable(
  'routes',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    host: text('host').notNull(),
    path: text('path').notNull(),
    target: text('target').notNull(),
    port: integer('port'),
    /** The route's options (headers, basic auth, redirected names) as JSON; null when it has none. */
    options: text('options', { mode: 'json' }),
  },
  (t) => [primaryKey({ columns: [t.host, t.path] }), index('routes_compartment').on(t.compartmentId)],
);

/** What compartments provide to others (`provides:`): a service name, the unit and port it is, and the loopback
 * port it is published on; a loopback port belongs to one service across all compartments. */
export const provides = sqliteTable(
  'provides',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    service: text('service').notNull(),
    target: text('target').notNull(),
    port: integer('port'),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.service] })],
);

/** What compartments use of others (`uses:`), under the name (`as`) their containers see it by. No foreign key to
 * the provider: deleting a provider in use is refused by the service, with who uses it. */
export const uses = sqliteTable(
  'uses',
  {
    compartmentId: text('compartment_id')
      .notNull()
      .references(() => compartments.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    service: text('service').notNull(),
    as: text('as').notNull(),
  },
  (t) => [primaryKey({ columns: [t.compartmentId, t.as] }), index('uses_provider').on(t.provider, t.service)],
);

/** Settings of the whole installation, by name, as JSON (the edge's ports and TLS). */
export const settings = sqliteTable('settings', {
  name: text('name').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: text('updated_at').notNull(),
});
