// Reads Podman's system-wide registries.conf: /etc/containers/registries.conf, then every *.conf file of
// /etc/containers/registries.conf.d in lexical order (containers-registries.conf.d(5)). Changes nothing on the
// machine. A missing file or folder is fine; a file Podman would refuse is reported with its path.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareCodePoints } from '@quadletman/quadlet';
import {
  mergeRegistriesConf,
  parseRegistriesConf,
  qualify,
  type RegistriesConf,
  type RegistriesConfFile,
} from '../core/images/registries-conf.js';

export const REGISTRIES_CONF = '/etc/containers/registries.conf';
export const REGISTRIES_CONF_D = '/etc/containers/registries.conf.d';

const missing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** The files in the order Podman reads them: the main file, then the drop-ins sorted by name. */
export async function registriesConfPaths(options: { file?: string; dropInDir?: string } = {}): Promise<string[]> {
  const file = options.file ?? REGISTRIES_CONF;
  const dir = options.dropInDir ?? REGISTRIES_CONF_D;
  let entries: { name: string; isFile(): boolean; isSymbolicLink(): boolean }[] = [];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (!missing(e) && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
  }
  const dropIns = entries
    .filter((d) => d.name.endsWith('.conf') && (d.isFile() || d.isSymbolicLink()))
    .map((d) => d.name)
    .sort(compareCodePoints)
    .map((name) => join(dir, name));
  return [file, ...dropIns];
}

/** Read and merge the configuration; throws RegistriesConfError (naming the file) for a file Podman would refuse. */
export async function readRegistriesConf(options: { file?: string; dropInDir?: string } = {}): Promise<RegistriesConf> {
  const files: RegistriesConfFile[] = [];
  for (const path of await registriesConfPaths(options)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (missing(e)) continue;
      throw new Error(`reading ${path}: ${(e as Error).message}`, { cause: e });
    }
    files.push(parseRegistriesConf(text, path));
  }
  return mergeRegistriesConf(files);
}

/**
 * The full names this host gives short image names (what `qualify` answers over its registries.conf), as a
 * function for the converters. A configuration that cannot be read qualifies nothing: the converters then keep
 * short names and their reports say to name the registry.
 */
export async function hostImageQualifier(): Promise<(shortName: string) => string | undefined> {
  const conf = await readRegistriesConf().catch(() => undefined);
  return (name) => {
    if (!conf) return undefined;
    try {
      return qualify(name, conf)?.fullName;
    } catch {
      return undefined;
    }
  };
}
