/**
 * Where the installed server keeps things: `quadletman install` records its data folder, compartment homes and
 * volumes in /etc/quadletman/layout.json, so the CLI run by hand (as root, without options) works on the same
 * database and folders as the service. Options given on the command line win; a `--data-dir` naming another data
 * folder ignores the record altogether (a second instance, a test).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InvalidError } from '../core/errors.js';

export const LAYOUT_FILE = '/etc/quadletman/layout.json';

const absolute = z.string().refine((p) => isAbsolute(p) && !/[\0\n]/.test(p), 'must be an absolute path');

const InstalledLayout = z
  .object({
    dataDir: absolute,
    homesDir: absolute,
    volumesDir: absolute,
    /** The data folder before `install` moved the database out of it (an install from before the server ran
     * without root): `--data-dir` naming it still means this installation. */
    formerDataDir: absolute.optional(),
  })
  .strict();
export type InstalledLayout = z.infer<typeof InstalledLayout>;

/** The record, or undefined when quadletman was not installed here. A record that cannot be read is an error: a
 * silent fallback would make a new, empty database. */
export function readInstalledLayout(file = LAYOUT_FILE): InstalledLayout | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InvalidError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidError(`${file} is not JSON (${(e as Error).message}); \`quadletman install\` rewrites it`);
  }
  const parsed = InstalledLayout.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidError(
      `${file}: ${issue.path.join('.') || '(top level)'} ${issue.message}; \`quadletman install\` rewrites it`,
    );
  }
  return parsed.data;
}

export function layoutText(layout: InstalledLayout): string {
  return `${JSON.stringify(InstalledLayout.parse(layout), null, 2)}\n`;
}

interface FolderOptions {
  dataDir?: string;
  homesDir?: string;
  volumesDir?: string;
}

/** The options with the installed layout filled in where it applies. */
export function withInstalledLayout<T extends FolderOptions>(o: T, layout: InstalledLayout | undefined): T {
  if (!layout) return o;
  if (o.dataDir !== undefined) {
    const given = resolve(o.dataDir);
    if (given !== layout.dataDir && given !== layout.formerDataDir) return o;
  }
  return {
    ...o,
    dataDir: layout.dataDir,
    homesDir: o.homesDir ?? layout.homesDir,
    volumesDir: o.volumesDir ?? layout.volumesDir,
  };
}
