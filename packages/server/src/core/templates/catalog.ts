// The app catalog's entries: one folder per app under `catalog/` (read by host/catalog-source.ts), each with
// `app.yaml` — a template (template.ts) with what the catalog adds — and a `README.md`.
//
//   template: 1
//   name: radicale                 # the folder's name
//   title: Radicale
//   version: "1.0.0"               # the entry's version: installed compartments remember it, a newer one upgrades
//   category: calendar
//   description: Calendars and contacts (CalDAV, CardDAV)
//   requires: ["the tun kernel module"]        # what the host must give, for the reader (doctor checks some)
//   backup: { data: stop }          # per volume: files (copied running), stop (copied stopped), skip (a cache)
//   parameters: [...]
//   spec: {...}
//
// Images are named by tag with `pin: digest` on their units: the first apply pins each to the digest its tag
// names then, so a compartment keeps running exactly what it was installed with until it is upgraded.
// Pure: parsing and checking only.

import { parseDocument } from 'yaml';
import { z } from 'zod';
import { InvalidError } from '../errors.js';
import { formatPath, type PathPart } from '../spec-sections.js';
import { plainTextProblem } from '../values.js';
import { parseTemplate, type Template } from './template.js';

export type BackupMode = 'files' | 'stop' | 'skip';

export interface CatalogEntry {
  name: string;
  title: string;
  version: string;
  category: string;
  description: string;
  requires: string[];
  backup: Record<string, BackupMode>;
  template: Template;
  readme: string;
}

const line = (max: number) =>
  z.string({ error: 'must be a string' }).superRefine((s, ctx) => {
    const p = plainTextProblem(s, max);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

const catalogFields = z.object({
  title: line(100),
  version: z
    .string({ error: 'must be a string' })
    .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/, 'must be a version like 1.2.0'),
  category: z.string().regex(/^[a-z][a-z-]{0,31}$/, 'must be a lower-case word'),
  description: line(1024),
  requires: z.array(line(200)).max(20).default([]),
  backup: z.record(z.string(), z.enum(['files', 'stop', 'skip'], { error: 'must be files, stop or skip' })).default({}),
});

/** Parses and checks one entry: its app.yaml text, README and folder name. */
export function parseCatalogEntry(text: string, readme: string, folder: string): CatalogEntry {
  const source = `catalog/${folder}/app.yaml`;
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new InvalidError(`${source}${at} is not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InvalidError(`${source}: must be a mapping`);
  const { title, category, requires, backup, ...rest } = raw as Record<string, unknown>;
  const fields = catalogFields.safeParse({
    title,
    version: rest.version,
    category,
    description: rest.description,
    requires,
    backup,
  });
  const problems: string[] = [];
  if (!fields.success) {
    for (const i of fields.error.issues) problems.push(`${formatPath(i.path as PathPart[])}: ${i.message}`);
  }
  let template: Template | undefined;
  try {
    template = parseTemplate(rest, source);
    if (template.name !== folder) problems.push(`name: must be the folder's name, ${folder}`);
  } catch (e) {
    problems.push(...(e as Error).message.split('\n').slice(1));
  }
  if (fields.success && template) {
    const volumes = Object.keys((template.spec.volumes as Record<string, unknown> | undefined) ?? {});
    for (const v of Object.keys(fields.data.backup)) {
      if (!volumes.includes(v)) problems.push(`backup.${v}: the spec declares no volume ${v}`);
    }
    for (const v of volumes) if (!(v in fields.data.backup)) problems.push(`backup: says nothing of the volume ${v}`);
  }
  if (!readme.trim()) problems.push('README.md: missing or empty');
  if (problems.length > 0 || !fields.success || !template) {
    throw new InvalidError(`invalid catalog entry ${source}:\n${problems.join('\n')}`, { details: { problems } });
  }
  return { ...fields.data, name: folder, template, readme };
}
