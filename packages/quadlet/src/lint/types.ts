/**
 * The linter's inputs and outputs.
 */
import type { Diagnostic } from '../diagnostics';
import type { PodmanVersion } from '../registry/types';

/** One file of a unit set: a Quadlet unit (`web.container`), a drop-in (`web.container.d/10-x.conf`), or any
 * other file that units may refer to (`app.yaml`, `env/web.env`). Paths are relative to the set's root. */
export interface LintFile {
  path: string;
  text: string;
}

/** `user`: units under a user's systemd manager (rootless Podman); `system`: under the system's (rootful). */
export type LintScope = 'user' | 'system';

export interface LintOptions {
  /** The Podman version to check against; the newest known when absent. */
  podmanVersion?: PodmanVersion;
  /** Whose systemd manager runs the set: `user` (rootless Podman, the default) or `system` (rootful). */
  scope?: LintScope;
  /** Paths of other files present in the set (checked by keys that name files: Yaml, EnvironmentFile…). */
  otherFiles?: readonly string[];
}

export interface FileReport {
  path: string;
  diagnostics: Diagnostic[];
}
