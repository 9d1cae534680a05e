/**
 * Backups: GET /api/compartments/:id/backups (the repository and its snapshots), POST …/backups (back up now;
 * the answer of the backup that made the repository carries its password, once), GET …/backups/progress (the
 * backup or restore under way), POST …/backups/restore
 * {snapshot, into?}, POST …/backups/check; a snapshot's files: GET …/backups/:snapshot/files?path=…, POST
 * …/backups/restore-file {snapshot, path}; where the repository is: GET/PUT …/backups/repository; the policy:
 * GET/PUT …/backups/policy, POST …/backups/prune (its retention now).
 *
 * Roles: viewers list and read the policy; operators back up, check, set the policy and prune (the retention an
 * operator sets decides what a prune forgets); restoring replaces the volumes' data (admins, of the compartment
 * restored into too: `into`; one file too), operators browse a snapshot, and the repository's location decides where the data goes (its answer carries
 * passwords): admins.
 */
import { z } from 'zod';
import {
  BackupListSchema,
  BackupPolicyBodySchema,
  BackupPolicyViewSchema,
  BackupProgressSchema,
  BackupResultSchema,
  BackupRunBodySchema,
  CompartmentParams,
  PruneResultSchema,
  RepositoryBodySchema,
  RepositorySetSchema,
  RepositoryViewSchema,
  RestoreBodySchema,
  RestoreFileBodySchema,
  RestoreFileResultSchema,
  RestoreResultSchema,
  SnapshotFilesParams,
  SnapshotFilesQuery,
  SnapshotFolderSchema,
} from '../../api/contract.js';
import { inCompartment } from '../../core/audit-target.js';
import { READ_ONLY } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { audited, zodInstance } from './compartments-common.js';

const tags = ['backups'];

export const backupRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);

  r.get(
    '/api/compartments/:id/backups',
    {
      preHandler: guard('viewer'),
      schema: {
        tags,
        summary: "The compartment's backup repository and snapshots",
        params: CompartmentParams,
        response: { 200: BackupListSchema },
      },
    },
    async (req) => app.backups.list(req.params.id),
  );

  r.post(
    '/api/compartments/:id/backups',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        summary: 'Back the compartment up now (restic)',
        description:
          'Its volumes and Quadlet folder. `stop` mode stops its running containers for the snapshot and starts ' +
          'them again (`downtimeMs`). The backup that makes the repository answers its password, this once.',
        params: CompartmentParams,
        body: BackupRunBodySchema,
        response: { 200: BackupResultSchema },
      },
    },
    async (req) => {
      const mode = req.body.mode ?? 'stop';
      return audited(
        audit,
        req,
        { action: 'backup.run', target: inCompartment(req.params.id, 'backups', 'repository'), details: { mode } },
        () => app.backups.run(req.params.id, { mode }),
        (b) => ({
          result: 'ok',
          target: inCompartment(req.params.id, 'snapshot', b.summary.snapshotId),
          details: { mode, snapshot: b.summary.snapshotId, repositoryMade: !!b.repository },
        }),
      );
    },
  );

  r.get(
    '/api/compartments/:id/backups/progress',
    {
      preHandler: guard('viewer'),
      schema: {
        tags,
        summary: 'The backup or restore of the compartment under way, and how far it is',
        description:
          "Scheduled ones and the ones started elsewhere too. restic's status comes about once a second; poll " +
          'this while `progress` is not null.',
        params: CompartmentParams,
        response: { 200: BackupProgressSchema },
      },
    },
    async (req) => ({ progress: app.backups.progress(req.params.id) }),
  );

  r.get(
    '/api/compartments/:id/backups/repository',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        summary: "Where the compartment's repository is; for SFTP, its public key and the host's keys",
        params: CompartmentParams,
        response: { 200: RepositoryViewSchema },
      },
    },
    async (req) => app.backups.repository(req.params.id),
  );

  r.put(
    '/api/compartments/:id/backups/repository',
    {
      preHandler: guard('admin'),
      schema: {
        tags,
        summary: "Set where the compartment's repository is: a folder or SFTP",
        description:
          "SFTP: the compartment's SSH key is made and the remote host's keys recorded (trust on first use: check " +
          'the fingerprints answered); the remote user must accept `publicKey` before the first backup. A new ' +
          'password is answered, this once. A compartment with a repository keeps it unless `replace` (409).',
        params: CompartmentParams,
        body: RepositoryBodySchema,
        response: { 200: RepositorySetSchema },
      },
    },
    async (req) =>
      audited(
        audit,
        req,
        {
          action: 'backup.repository',
          target: inCompartment(req.params.id, 'backups', 'repository'),
          details: { location: req.body.location, replace: req.body.replace === true },
        },
        () => app.backups.setRepository(req.params.id, req.body),
      ),
  );

  r.post(
    '/api/compartments/:id/backups/restore',
    {
      // admin of the snapshot's compartment, and of the one restored into (`into`, when given)
      preHandler: [guard('admin'), guard('admin', { compartmentField: 'into' })],
      schema: {
        tags,
        summary: "Restore a snapshot's volumes into the compartment, or into another one",
        description:
          'The snapshot is restored into a staging folder first; the volumes are swapped with the units stopped. ' +
          "With `into`, into that compartment's volumes of the same names (the caller must be its admin too).",
        params: CompartmentParams,
        body: RestoreBodySchema,
        response: { 200: RestoreResultSchema },
      },
    },
    async (req) => {
      const { snapshot, into } = req.body;
      return audited(
        audit,
        req,
        {
          action: 'backup.restore',
          target: inCompartment(req.params.id, 'snapshot', snapshot),
          details: { snapshot, ...(into !== undefined ? { into } : {}) },
        },
        () => app.backups.restore(req.params.id, snapshot, into !== undefined ? { into } : {}),
      );
    },
  );

  r.get(
    '/api/compartments/:id/backups/:snapshot/files',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        summary: 'The entries of a folder in a snapshot',
        description:
          '`path` `/` (the default) answers the folders the snapshot holds; another path must lie inside one of them. At most 2000 entries (`truncated`).',
        params: SnapshotFilesParams,
        querystring: SnapshotFilesQuery,
        response: { 200: SnapshotFolderSchema },
      },
    },
    async (req) => app.backups.browse(req.params.id, req.params.snapshot, req.query.path ?? '/'),
  );

  r.post(
    '/api/compartments/:id/backups/restore-file',
    {
      preHandler: guard('admin'),
      schema: {
        tags,
        summary: 'Restore one file or folder of a snapshot over the live one',
        description:
          "Restored into a staging folder, then put in place with the units left running; the version it replaces is kept beside it as `<name>.before-restore-<time>` (`previous`). The path must be inside one of the snapshot's volumes that the compartment still declares.",
        params: CompartmentParams,
        body: RestoreFileBodySchema,
        response: { 200: RestoreFileResultSchema },
      },
    },
    async (req) => {
      const { snapshot, path } = req.body;
      return audited(
        audit,
        req,
        {
          action: 'backup.restore-file',
          target: inCompartment(req.params.id, 'snapshot', snapshot),
          details: { snapshot, path },
        },
        () => app.backups.restoreFile(req.params.id, snapshot, path),
        (f) => ({ result: 'ok', details: { snapshot, path, restored: f.restored, previous: f.previous ?? null } }),
      );
    },
  );

  r.post(
    '/api/compartments/:id/backups/check',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        summary: 'restic check of the repository',
        params: CompartmentParams,
        response: { 200: z.object({ ok: z.boolean(), output: z.string() }) },
      },
      config: READ_ONLY,
    },
    async (req) => app.backups.check(req.params.id),
  );

  r.get(
    '/api/compartments/:id/backups/policy',
    {
      preHandler: guard('viewer'),
      schema: {
        tags,
        summary: "The compartment's backup policy, its next and last scheduled run",
        params: CompartmentParams,
        response: { 200: BackupPolicyViewSchema },
      },
    },
    async (req) => app.backups.policy(req.params.id),
  );

  r.put(
    '/api/compartments/:id/backups/policy',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        summary: "Change the compartment's backup policy",
        description:
          'The fields given replace the current ones. A refused policy answers 400 `invalid` with ' +
          '`details.issues: [{path, message}]`, path one of `schedule`, `mode`, `keep`, `keep.last` … `keep.monthly`.',
        params: CompartmentParams,
        body: BackupPolicyBodySchema,
        response: { 200: BackupPolicyViewSchema },
      },
    },
    async (req) =>
      audited(
        audit,
        req,
        {
          action: 'backup.policy',
          target: inCompartment(req.params.id, 'backups', 'policy'),
          details: { ...req.body },
        },
        async () => app.backups.setPolicy(req.params.id, req.body),
      ),
  );

  r.post(
    '/api/compartments/:id/backups/prune',
    {
      preHandler: guard('operator'),
      schema: {
        tags,
        summary: "Apply the policy's retention now (restic forget --prune)",
        description: "The compartment's snapshots the retention does not keep are forgotten and their data pruned.",
        params: CompartmentParams,
        response: { 200: PruneResultSchema },
      },
    },
    async (req) =>
      audited(
        audit,
        req,
        { action: 'backup.prune', target: inCompartment(req.params.id, 'backups', 'repository') },
        () => app.backups.prune(req.params.id),
        (p) => ({ result: 'ok', details: { removed: p.removed.length, kept: p.kept.length } }),
      ),
  );
};
