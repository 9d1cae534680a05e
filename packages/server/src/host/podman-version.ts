// The host's Podman version (major.minor), from `podman --version`: the binary only, no storage, no user needed.
// Changes nothing on the machine.
import { spawnSync } from 'node:child_process';
import { type PodmanVersion, parseVersion } from '@quadletman/quadlet';
import type { Exec } from './exec.js';

/** `podman version 5.4.2` → `5.4`. */
export function podmanVersionOf(output: string): PodmanVersion | undefined {
  const m = /(\d+\.\d+)(?:\.\d+)?/.exec(output);
  return m ? parseVersion(m[1]!) : undefined;
}

/** For one-shot CLI commands (lint, convert): asked once, synchronously; undefined without a podman. */
export function hostPodmanVersionSync(): PodmanVersion | undefined {
  const r = spawnSync('podman', ['--version'], { encoding: 'utf8', timeout: 5_000 });
  return r.error || r.status !== 0 ? undefined : podmanVersionOf(r.stdout);
}

let known: { at: number; version: Promise<string | undefined> } | undefined;

/** For the server: asked again after a minute, so an upgrade of Podman needs no restart. */
export function hostPodmanVersion(exec: Exec, now = Date.now()): Promise<string | undefined> {
  if (!known || now - known.at > 60_000) {
    const version = exec
      .run(['podman', '--version'], { timeoutMs: 10_000 })
      .then((r) => podmanVersionOf(r.stdout))
      .catch(() => undefined);
    known = { at: now, version };
  }
  return known.version;
}
