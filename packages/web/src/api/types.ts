/**
 * Names for the shapes the web client reads, all taken from the server's OpenAPI document (openapi.gen.ts,
 * generated: `npm run api:types`): a schema the server names (`components`), or the answer or body of a route
 * (`Answer`, `Body`). Only the events of the SSE streams are written here: the document does not describe a
 * stream's events (their source: packages/server/src/http/routes/live-schemas.ts).
 */
import type { components, paths } from './openapi.gen';

type Schemas = components['schemas'];
type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The JSON answer of a route (its 2xx). */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201 | 202>]> : never;
/** The JSON body a route takes. */
export type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** GET /api/auth/session (also the answer of login and setup). */
export type Session = Schemas['SessionInfo'];
export type Role = Session['grants'][number]['role'];
/** GET /api/auth/setup */
export type SetupStatus = Answer<'/api/auth/setup', 'get'>;

export type UnitStatus = UnitInfo['status'];
/** POST /api/compartments/:id/explain: the podman command lines the generator makes of a unit. */
export type Explain = Answer<'/api/compartments/{id}/explain', 'post'>;
export type UnitInfo = Schemas['UnitInfo'];
export type CompartmentSummary = Schemas['CompartmentSummary'];
export type CompartmentDetail = Schemas['CompartmentDetail'];
export type UnitGraph = Schemas['UnitGraph'];
export type UnitGraphNode = Schemas['UnitGraphNode'];
export type UnitGraphEdge = Schemas['UnitGraphEdge'];
export type SpecDocument = Schemas['SpecDocument'];
export type PlanResult = Schemas['PlanResult'];
export type Plan = Schemas['Plan'];
export type FileChange = Plan['changes'][number];
export type ApplyResult = Schemas['ApplyResult'];
/** POST /api/convert/compose and /api/convert/run: the spec made of a compose project or of podman run commands,
 * and what became of each key or option. */
export type ConvertCompose = Schemas['ConvertCompose'];
export type ApplyOutcome = ApplyResult['outcome'];
export type ProgressEvent = Schemas['ApplyProgress'];
export type ApplyStep = ProgressEvent['step'];
export type RevisionInfo = Schemas['RevisionSummary'];
export type RevisionDetail = Schemas['RevisionDetail'];
export type VolumeInfo = Schemas['Volume'];
export type ImageInfo = Schemas['Image'];
/** GET /api/compartments/:id/stats: one sample of the running containers' CPU, memory and pids. */
export type Stats = Answer<'/api/compartments/{id}/stats', 'get'>;
export type ContainerStats = Stats['containers'][number];
export type ImageList = Schemas['ImageList'];
export type PruneImagesResult = Schemas['PruneImagesResult'];
export type ImageCheck = Schemas['ImageCheck'];
export type ImageCheckList = Answer<'/api/compartments/{id}/updates', 'get'>;
export type Upgradable = Answer<'/api/compartments/{id}/upgradable', 'get'>['units'][number];
export type DoctorReport = Schemas['DoctorReport'];
export type NotifyChannel = Schemas['NotifyChannel'];
export type NotifyDelivery = Schemas['NotifyDelivery'];
export type NotifyTestResult = Schemas['NotifyTestResult'];
/** GET /api/compartments/:id/backups: the repository (null: none yet) and the compartment's snapshots. */
export type BackupList = Schemas['BackupList'];
export type BackupSnapshot = Schemas['BackupSnapshot'];
export type SelfBackupStatus = Schemas['SelfBackupStatus'];
export type BackupMode = NonNullable<Body<'/api/compartments/{id}/backups', 'post'>>['mode'];
/** POST /api/compartments/:id/backups: the backup's summary; `repository` (with its password) only once. */
export type BackupResult = Schemas['BackupResult'];
/** GET/PUT /api/compartments/:id/backups/policy: the policy, its next run (null: off) and last scheduled run. */
export type BackupPolicyView = Schemas['BackupPolicyView'];
export type BackupPolicy = Schemas['BackupPolicy'];
export type BackupKeep = NonNullable<BackupPolicy['keep']>;
export type BackupRun = Schemas['BackupRun'];
/** The last `restic check` of a repository (BackupPolicyView's lastCheck). */
export type BackupCheck = Schemas['BackupCheck'];
/** POST /api/compartments/:id/backups/prune */
export type PruneResult = Schemas['PruneResult'];
/** POST /api/compartments/:id/backups/restore */
export type RestoreResult = Schemas['RestoreResult'];
/** GET /api/compartments/:id/backups/:snapshot/files: a folder's entries in a snapshot. */
export type SnapshotFolder = Schemas['SnapshotFolder'];
export type SnapshotEntry = Schemas['SnapshotEntry'];
/** POST /api/compartments/:id/backups/restore-file */
export type RestoreFileResult = Schemas['RestoreFileResult'];
export type TemplateParameter = Schemas['TemplateParameter'];
export type TemplateInfo = Schemas['TemplateInfo'];
export type TemplateDetail = Schemas['TemplateDetail'];
/** POST /api/templates/:name/create and /api/catalog/:name/install. */
export type CreateResult = Schemas['CreateFromTemplateResult'];
export type CreateValue = CreateResult['values'][number];
/** GET /api/compartments/:id/origin → { origin }: what a compartment was made from. */
export type InstalledApp = Schemas['InstalledApp'];
export type CatalogApp = Schemas['CatalogApp'];
export type CatalogAppDetail = Schemas['CatalogAppDetail'];
/** GET /api/edge[?compartment=ID]: the edge (Caddy), its settings and every visible route as one request saw it. */
export type EdgeStatus = Schemas['EdgeStatus'];
/** GET /api/connections: services compartments provide each other, who uses them, whether they are guarded. */
export type Connections = Schemas['Connections'];
export type Connection = Schemas['Connection'];
export type EdgeRoute = Schemas['EdgeRouteStatus'];
/** PUT /api/edge/settings answers the settings now in force. */
export type EdgeSettings = Schemas['EdgeSettings'];
export type EdgeTls = Schemas['EdgeTls'];
/** POST /api/edge/sync */
export type EdgeSyncResult = Answer<'/api/edge/sync', 'post'>;

/** GET /api/admin/users */
export type UserInfo = Schemas['User'];
/** GET /api/admin/tokens */
export type ApiToken = Schemas['ApiToken'];
/** GET /api/audit → { entries } */
export type AuditEntry = Schemas['AuditEntry'];

/** One `message` event of `/api/events` (live-schemas.ts: LiveEvent). */
export type LiveEvent =
  | {
      compartment: string;
      kind: 'container';
      name: string;
      state: string;
      exitCode?: number;
      unit?: string;
      at: string;
    }
  | {
      compartment: string;
      kind: 'unit';
      name: string;
      state: 'activating' | 'active' | 'reloading' | 'deactivating' | 'inactive' | 'failed';
      result?: string;
      exitCode?: number;
      at: string;
    };

/** One `message` event of `/api/compartments/:id/logs` (live-schemas.ts: LogLine). */
export interface LogLine {
  cursor: string;
  time: string;
  priority: string;
  unit: string;
  identifier: string;
  message: string;
  pid?: number;
}
