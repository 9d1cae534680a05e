/**
 * The systemd sections every Quadlet unit may carry ([Unit], [Service], [Install]) and Quadlet's own
 * [Quadlet] section, with their common keys.
 */
import type { FieldTable } from '../fields';

export interface UnitSection {
  description?: string;
  documentation?: string[];
  requires?: string[];
  wants?: string[];
  after?: string[];
  before?: string[];
  bindsTo?: string[];
  partOf?: string[];
  conflicts?: string[];
  requisite?: string[];
  onFailure?: string[];
  startLimitIntervalSec?: string;
  startLimitBurst?: string;
}

export const UNIT_FIELDS: FieldTable<UnitSection> = {
  description: ['Description', 'string'],
  documentation: ['Documentation', 'strv'],
  requires: ['Requires', 'strv'],
  wants: ['Wants', 'strv'],
  after: ['After', 'strv'],
  before: ['Before', 'strv'],
  bindsTo: ['BindsTo', 'strv'],
  partOf: ['PartOf', 'strv'],
  conflicts: ['Conflicts', 'strv'],
  requisite: ['Requisite', 'strv'],
  onFailure: ['OnFailure', 'strv'],
  startLimitIntervalSec: ['StartLimitIntervalSec', 'string'],
  startLimitBurst: ['StartLimitBurst', 'string'],
};

export interface ServiceSection {
  type?: string;
  restart?: string;
  restartSec?: string;
  timeoutStartSec?: string;
  timeoutStopSec?: string;
  execStartPre?: string[];
  execStartPost?: string[];
  execStop?: string[];
  execStopPost?: string[];
  execReload?: string[];
  environment?: Record<string, string>;
  environmentFile?: string[];
  workingDirectory?: string;
  killMode?: string;
  remainAfterExit?: boolean;
  slice?: string;
  successExitStatus?: string[];
}

export const SERVICE_FIELDS: FieldTable<ServiceSection> = {
  type: ['Type', 'string'],
  restart: ['Restart', 'string'],
  restartSec: ['RestartSec', 'string'],
  timeoutStartSec: ['TimeoutStartSec', 'string'],
  timeoutStopSec: ['TimeoutStopSec', 'string'],
  execStartPre: ['ExecStartPre', 'list'],
  execStartPost: ['ExecStartPost', 'list'],
  execStop: ['ExecStop', 'list'],
  execStopPost: ['ExecStopPost', 'list'],
  execReload: ['ExecReload', 'list'],
  environment: ['Environment', 'kv'],
  environmentFile: ['EnvironmentFile', 'list'],
  workingDirectory: ['WorkingDirectory', 'string'],
  killMode: ['KillMode', 'string'],
  remainAfterExit: ['RemainAfterExit', 'bool'],
  slice: ['Slice', 'string'],
  successExitStatus: ['SuccessExitStatus', 'strv'],
};

export interface InstallSection {
  wantedBy?: string[];
  requiredBy?: string[];
  upheldBy?: string[];
  alias?: string[];
  also?: string[];
  defaultInstance?: string;
}

export const INSTALL_FIELDS: FieldTable<InstallSection> = {
  wantedBy: ['WantedBy', 'strv'],
  requiredBy: ['RequiredBy', 'strv'],
  upheldBy: ['UpheldBy', 'strv'],
  alias: ['Alias', 'strv'],
  also: ['Also', 'strv'],
  defaultInstance: ['DefaultInstance', 'string'],
};

export interface QuadletSection {
  defaultDependencies?: boolean;
}

export const QUADLET_FIELDS: FieldTable<QuadletSection> = {
  defaultDependencies: ['DefaultDependencies', 'bool'],
};
