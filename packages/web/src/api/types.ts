/**
 * The shapes the web client reads, mirroring the server's services (core/service, core/plan, core/apply) until
 * the shared zod contract (`@quadletman/server/api`) lands; then these become re-exports of its inferred types.
 */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Session {
  username: string;
  role: Role;
  /** Roles granted for single compartments. */
  grants?: { compartment: string; role: Role }[];
  /** Sent back in `x-csrf-token` on every state-changing request. */
  csrfToken?: string;
}

export interface SetupStatus {
  /** True while no admin exists: the first visitor with the console's setup token creates one. */
  needsSetup: boolean;
}

export interface UnitStatus {
  unit: string;
  activeState: string;
  subState: string;
  result: string;
}

export interface UnitInfo {
  unit: string;
  source: string;
  status?: UnitStatus;
  /** Why it last failed (journal excerpt or systemd result), when it did. */
  lastFailure?: string;
}

export interface CompartmentInfo {
  id: string;
  description: string;
  podmanVersion: string | null;
  createdAt: string;
  updatedAt: string;
  /** Unit counts by state, when the list carries them. */
  counts?: { running: number; failed: number; stopped: number };
}

export interface CompartmentDetail extends CompartmentInfo {
  units: UnitInfo[];
}

export interface RevisionInfo {
  number: number;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  result: string;
  message: string;
}

export interface FileChange {
  path: string;
  kind: 'added' | 'changed' | 'removed';
  diff: string;
  mode?: { before: number | null; after: number | null };
}

export interface Plan {
  changes: FileChange[];
  unchanged: string[];
  units: { start: string[]; restart: string[]; stop: string[] };
  reload: boolean;
  noop: boolean;
}

export type ApplyStep = 'plan' | 'validate' | 'write' | 'reload' | 'start' | 'verify' | 'rollback' | 'done';

export interface ProgressEvent {
  step: ApplyStep;
  status: 'running' | 'ok' | 'failed' | 'skipped';
  message: string;
}

export type ApplyOutcome = 'applied' | 'noop' | 'refused' | 'rolled-back' | 'failed';

export interface ApplyResult {
  outcome: ApplyOutcome;
  revision?: number;
  message: string;
  plan: Plan;
  diagnostics: { path: string; diagnostics: { severity: string; code: string; message: string; line: number }[] }[];
  units: UnitStatus[];
}

export interface VolumeInfo {
  name: string;
  kind: 'host' | 'podman';
  path: string | null;
  owner: string | null;
  sizeBytes: number | null;
  declared: boolean;
  exists: boolean;
}

export interface SecretEntry {
  name: string;
  declared: boolean;
  exists: boolean;
  description?: string;
}

export interface RegistryLogin {
  registry: string;
  username: string;
}

export interface ConfigFileEntry {
  path: string;
  in: string;
  mode: number;
  size: number;
}

/** A rendered file of the compartment (unit files and config files), as the server has it. */
export interface CompartmentFile {
  path: string;
  content: string;
}

export interface UserInfo {
  username: string;
  role: Role;
  kind: 'local' | 'pam';
  grants?: { compartment: string; role: Role }[];
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt?: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  address: string;
  action: string;
  target: string;
  result: 'ok' | 'failed' | 'denied';
}

export interface AuditChain {
  ok: boolean;
  entries: number;
  /** The first entry whose hash does not match, when the chain is broken. */
  brokenAt?: number;
}

/** One event of `/api/events`: a unit of a compartment changed state. */
export interface UnitEvent {
  compartment: string;
  unit: string;
  activeState: string;
  subState: string;
  result?: string;
}
