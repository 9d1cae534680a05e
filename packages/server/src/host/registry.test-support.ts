// The sandbox registry's address and account for host tests (scripts/sandbox/registry.sh writes them to a file
// only root reads), and what such tests do to the registry as root: copy a tag to another name, and read the
// requests it served since a moment (its access log, in the journal).

import * as fsp from 'node:fs/promises';
import type { Exec } from './exec.js';

export interface RegistryAccount {
  registry: string;
  user: string;
  password: string;
}

export async function registryAccount(): Promise<RegistryAccount> {
  const env = await fsp.readFile('/etc/quadletman-sandbox/registry.env', 'utf8');
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(env)?.[1] ?? '';
  return { registry: get('REGISTRY'), user: get('REGISTRY_USER'), password: get('REGISTRY_PASSWORD') };
}

/** Points `to` (a tag of the registry's repository `path`) at the image `from` names: a push of a new version. */
export async function copyTag(exec: Exec, a: RegistryAccount, path: string, from: string, to: string): Promise<void> {
  const creds = `${a.user}:${a.password}`;
  await exec.run(
    [
      'skopeo',
      'copy',
      '--quiet',
      '--src-creds',
      creds,
      '--dest-creds',
      creds,
      `docker://${a.registry}/${path}:${from}`,
      `docker://${a.registry}/${path}:${to}`,
    ],
    { timeoutMs: 60_000 },
  );
}

/** The requests the registry served from `since` until `until` (its access log lines), oldest first. */
export async function registryRequests(exec: Exec, since: Date, until = new Date()): Promise<string[]> {
  const r = await exec.run(['journalctl', '-u', 'docker-registry', '-o', 'json', '--no-pager', '--since', '-10min'], {
    timeoutMs: 30_000,
  });
  const after = since.getTime() * 1000;
  const before = until.getTime() * 1000;
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { __REALTIME_TIMESTAMP: string; MESSAGE: string })
    .filter((e) => {
      const at = Number(e.__REALTIME_TIMESTAMP);
      return at > after && at <= before && typeof e.MESSAGE === 'string' && e.MESSAGE.includes('"');
    })
    .map((e) => e.MESSAGE);
}
