/**
 * The host's Podman version, when a podman binary is on the PATH (used as the linter's default target).
 */
import { spawnSync } from 'node:child_process';
import { type PodmanVersion, parseVersion } from '@quadletman/quadlet';

export function hostPodmanVersion(): PodmanVersion | undefined {
  const r = spawnSync('podman', ['--version'], { encoding: 'utf8', timeout: 5_000 });
  if (r.error || r.status !== 0) return undefined;
  const m = /(\d+\.\d+)(\.\d+)?/.exec(r.stdout);
  return m ? parseVersion(m[1]!) : undefined;
}
