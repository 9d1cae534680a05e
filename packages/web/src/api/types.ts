/**
 * The shapes the web client reads. Compartments, units, plans, applies, revisions and resources come from the
 * server's zod contract (`@quadletman/server/api`, types only: nothing of the server is bundled); the shapes of
 * the auth, admin, audit and live routes, which are not in the contract yet, are mirrored here from
 * packages/server/src/http (auth/routes.ts, routes/admin.ts, audit-routes.ts, routes/live-schemas.ts).
 */
import type {
  ApplyResultDto,
  BackupListSchema,
  BackupPolicyViewSchema,
  BackupResultSchema,
  CatalogAppDetailSchema,
  CatalogAppSchema,
  CompartmentDetail as CompartmentDetailDto,
  CompartmentSummary as CompartmentSummaryDto,
  ConfigFileListSchema,
  ConnectionsSchema,
  ConvertComposeDto,
  CreateFromTemplateResultSchema,
  DoctorReportSchema,
  EdgeRouteStatusSchema,
  EdgeSettingsSchema,
  EdgeStatusSchema,
  Explain as ExplainDto,
  HistorySchema,
  ImageCheckListSchema,
  ImageListSchema,
  InstalledAppSchema,
  NotifyChannelListSchema,
  NotifyDeliveryListSchema,
  NotifyTestResultDto,
  PlanResultSchema,
  ProgressEventDto,
  PruneImagesResultDto,
  RegistryLoginListSchema,
  RestoreResultSchema,
  RevisionDetailDto,
  SecretListSchema,
  SpecDocumentSchema,
  TemplateDetailSchema,
  TemplateInfoSchema,
  TemplateParameterSchema,
  UnitGraphDto,
  UnitInfoDto,
  UnitListSchema,
  UnitStatusDto,
  UpgradableListSchema,
  VolumeListSchema,
} from '@quadletman/server/api';
import type { z } from 'zod';

export type Role = 'viewer' | 'operator' | 'admin';

/** GET /api/auth/session (also the answer of login and setup). */
export interface Session {
  username: string;
  kind: 'session' | 'token';
  /** Roles held: compartment `*` is every compartment. */
  grants: { compartment: string; role: Role }[];
  /** Sent back in X-CSRF-Token with every state-changing request. */
  csrfToken?: string;
  expiresAt?: string;
}

/** GET /api/auth/setup */
export interface SetupStatus {
  required: boolean;
}

export type UnitStatus = UnitStatusDto;
/** POST /api/compartments/:id/explain: the podman command lines the generator makes of a unit. */
export type Explain = ExplainDto;
export type UnitInfo = UnitInfoDto;
export type CompartmentSummary = CompartmentSummaryDto;
export type CompartmentDetail = CompartmentDetailDto;
export type CompartmentList = { compartments: CompartmentSummary[] };
export type UnitList = z.infer<typeof UnitListSchema>;
export type UnitGraph = UnitGraphDto;
export type UnitGraphNode = UnitGraph['nodes'][number];
export type UnitGraphEdge = UnitGraph['edges'][number];
export type SpecDocument = z.infer<typeof SpecDocumentSchema>;
export type PlanResult = z.infer<typeof PlanResultSchema>;
export type Plan = PlanResult['plan'];
export type FileChange = Plan['changes'][number];
export type ApplyResult = ApplyResultDto;
/** POST /api/convert/compose and /api/convert/run: the spec made of a compose project or of podman run commands,
 * and what became of each key or option. */
export type ConvertCompose = ConvertComposeDto;
export type ApplyOutcome = ApplyResult['outcome'];
export type ProgressEvent = ProgressEventDto;
export type ApplyStep = ProgressEvent['step'];
export type History = z.infer<typeof HistorySchema>;
export type RevisionInfo = History['revisions'][number];
export type RevisionDetail = RevisionDetailDto;
export type VolumeList = z.infer<typeof VolumeListSchema>;
export type VolumeInfo = VolumeList['volumes'][number];
export type SecretList = z.infer<typeof SecretListSchema>;
export type RegistryList = z.infer<typeof RegistryLoginListSchema>;
export type ConfigFileList = z.infer<typeof ConfigFileListSchema>;
export type ImageList = z.infer<typeof ImageListSchema>;
export type ImageInfo = ImageList['images'][number];
export type PruneImagesResult = PruneImagesResultDto;
export type ImageCheckList = z.infer<typeof ImageCheckListSchema>;
export type ImageCheck = ImageCheckList['checks'][number];
export type UpgradableList = z.infer<typeof UpgradableListSchema>;
export type Upgradable = UpgradableList['units'][number];
export type DoctorReport = z.infer<typeof DoctorReportSchema>;
export type NotifyChannelList = z.infer<typeof NotifyChannelListSchema>;
export type NotifyChannel = NotifyChannelList['channels'][number];
export type NotifyDeliveryList = z.infer<typeof NotifyDeliveryListSchema>;
export type NotifyDelivery = NotifyDeliveryList['deliveries'][number];
export type NotifyTestResult = NotifyTestResultDto;
/** GET /api/compartments/:id/backups: the repository (null: none yet) and the compartment's snapshots. */
export type BackupList = z.infer<typeof BackupListSchema>;
export type BackupSnapshot = BackupList['snapshots'][number];
export type BackupMode = 'stop' | 'live';
/** POST /api/compartments/:id/backups: the backup's summary; `repository` (with its password) only once. */
export type BackupResult = z.infer<typeof BackupResultSchema>;
/** GET/PUT /api/compartments/:id/backups/policy: the policy, its next run (null: off) and last scheduled run. */
export type BackupPolicyView = z.infer<typeof BackupPolicyViewSchema>;
export type BackupPolicy = BackupPolicyView['policy'];
export type BackupKeep = NonNullable<BackupPolicy['keep']>;
export type BackupRun = NonNullable<BackupPolicyView['lastRun']>;
/** POST /api/compartments/:id/backups/prune */
export interface PruneResult {
  removed: BackupSnapshot[];
  kept: BackupSnapshot[];
}
/** POST /api/compartments/:id/backups/restore */
export type RestoreResult = z.infer<typeof RestoreResultSchema>;
/** POST /api/compartments/:id/backups/check */
export interface BackupCheck {
  ok: boolean;
  output: string;
}
export type TemplateParameter = z.infer<typeof TemplateParameterSchema>;
export type TemplateInfo = z.infer<typeof TemplateInfoSchema>;
export type TemplateDetail = z.infer<typeof TemplateDetailSchema>;
/** POST /api/templates/:name/create and /api/catalog/:name/install. */
export type CreateResult = z.infer<typeof CreateFromTemplateResultSchema>;
export type CreateValue = CreateResult['values'][number];
/** GET /api/compartments/:id/origin → { origin }: what a compartment was made from. */
export type InstalledApp = z.infer<typeof InstalledAppSchema>;
export type CatalogApp = z.infer<typeof CatalogAppSchema>;
export type CatalogAppDetail = z.infer<typeof CatalogAppDetailSchema>;
/** GET /api/edge[?compartment=ID]: the edge (Caddy), its settings and every visible route as one request saw it. */
export type EdgeStatus = z.infer<typeof EdgeStatusSchema>;
/** GET /api/connections: services compartments provide each other, who uses them, whether they are guarded. */
export type Connections = z.infer<typeof ConnectionsSchema>;
export type Connection = Connections['connections'][number];
export type EdgeRoute = z.infer<typeof EdgeRouteStatusSchema>;
/** PUT /api/edge/settings answers the settings now in force. */
export type EdgeSettings = z.infer<typeof EdgeSettingsSchema>;
export type EdgeTls = EdgeSettings['tls'];
/** POST /api/edge/sync (routes/edge.ts: not a named schema of the contract). */
export interface EdgeSyncResult {
  outcome: 'loaded' | 'in-sync' | 'busy' | 'unreachable';
}

/** GET /api/admin/users */
export interface UserInfo {
  username: string;
  kind: 'local' | 'pam';
  createdAt: string;
  passwordChangedAt: string | null;
  grants: { username: string; compartment: string; role: Role; createdAt: string }[];
}

/** GET /api/admin/tokens */
export interface ApiToken {
  id: string;
  name: string;
  username: string;
  role: Role;
  compartment: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** GET /api/audit → { entries } */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorKind: string;
  address: string;
  action: string;
  target: string;
  compartment: string | null;
  result: 'ok' | 'failed' | 'denied';
  details: Record<string, unknown>;
  hash: string;
}

/** The chain check of the audit log (no route yet: the UI shows "not available"). */
export interface AuditChain {
  ok: boolean;
  entries: number;
  brokenAt?: number;
}

/** One `message` event of `/api/events`. */
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

/** One `message` event of `/api/compartments/:id/logs`. */
export interface LogLine {
  cursor: string;
  time: string;
  priority: string;
  unit: string;
  identifier: string;
  message: string;
  pid?: number;
}
