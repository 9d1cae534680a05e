// The app catalog quadletman ships: every entry reads, installs with its defaults into a valid spec whose
// rendered units lint clean, and declares what a backup does with each volume. Plus the entry checks.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalogFolders } from '../../host/catalog-source.js';
import { parseCompartmentId } from '../ids.js';
import { lintRendered } from '../lint.js';
import { render } from '../render.js';
import { parseCatalogEntry } from './catalog.js';
import { instantiate } from './template.js';

export const CATALOG_DIR = resolve(__dirname, '../../../../../catalog');

describe('the shipped catalog', () => {
  it('has an entry for every app folder, each installable with its defaults and lint-clean', async () => {
    const folders = await readCatalogFolders(CATALOG_DIR);
    const dirs = readdirSync(CATALOG_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.map((f) => f.folder)).toEqual(dirs.map((d) => d.name).sort());
    expect(folders.length).toBeGreaterThanOrEqual(1);
    for (const f of folders) {
      const e = parseCatalogEntry(f.text, f.readme, f.folder);
      const made = instantiate(e.template, parseCompartmentId(`cat-${f.folder}`.slice(0, 32)), {});
      const set = render(made.state);
      // against the oldest Podman the apps are for (the sandbox's); the oracle test runs that generator
      const lint = lintRendered(set.files, { podmanVersion: made.state.podmanVersion ?? '5.4' });
      const errors = lint.reports.flatMap((r) =>
        r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${r.path}: ${d.message}`),
      );
      expect(errors, f.folder).toEqual([]);
      // every secret a parameter fills is declared, and no secret's value is in the spec
      for (const s of made.secrets) {
        expect(
          made.state.secrets.map((x) => x.name),
          f.folder,
        ).toContain(s.name);
        expect(JSON.stringify(made.state), f.folder).not.toContain(s.value);
      }
    }
  });
});

const ENTRY = `template: 1
name: notes
title: Notes
version: "1.0.0"
category: notes
description: A notes app
backup: { data: files }
spec:
  units: { app.container: { container: { image: localhost/notes:1 } } }
  volumes: { data: {} }
`;

describe('a catalog entry', () => {
  it('reads with its catalog fields', () => {
    const e = parseCatalogEntry(ENTRY, '# Notes\n', 'notes');
    expect(e).toMatchObject({
      name: 'notes',
      title: 'Notes',
      version: '1.0.0',
      category: 'notes',
      backup: { data: 'files' },
      requires: [],
    });
    expect(e.template.version).toBe('1.0.0');
  });

  it('says every problem: the folder name, version, backup of each volume, the README', () => {
    const bad = ENTRY.replace('name: notes', 'name: other')
      .replace('"1.0.0"', '"one"')
      .replace('backup: { data: files }', 'backup: { cache: skip }');
    let message = '';
    try {
      parseCatalogEntry(bad, '', 'notes');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('invalid catalog entry catalog/notes/app.yaml');
    expect(message).toContain("name: must be the folder's name, notes");
    expect(message).toContain('version: must be a version like 1.2.0');
    expect(message).toContain('README.md: missing or empty');
    expect(() =>
      parseCatalogEntry(ENTRY.replace('backup: { data: files }', 'backup: { cache: skip }'), 'x', 'notes'),
    ).toThrow(/backup\.cache: the spec declares no volume cache\nbackup: says nothing of the volume data/);
    expect(() => parseCatalogEntry('template: [', 'x', 'notes')).toThrow(
      /catalog\/notes\/app\.yaml:\d+:\d+ is not valid YAML/,
    );
  });
});
