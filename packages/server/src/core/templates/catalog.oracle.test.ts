// Every app of the shipped catalog, installed with its defaults, renders units the real Quadlet generator
// accepts (and the linter agrees).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalogFolders } from '../../host/catalog-source.js';
import { parseCompartmentId } from '../ids.js';
import { render } from '../render.js';
import { expectGeneratorAccepts } from '../test-support/generator.js';
import { parseCatalogEntry } from './catalog.js';
import { instantiate } from './template.js';

const CATALOG_DIR = resolve(__dirname, '../../../../../catalog');

describe('the shipped catalog, through the real generator', async () => {
  const folders = await readCatalogFolders(CATALOG_DIR);
  it('has apps', () => expect(folders.length).toBeGreaterThan(0));
  for (const f of folders) {
    it(`${f.folder}: the generator accepts every unit`, () => {
      const e = parseCatalogEntry(f.text, f.readme, f.folder);
      const made = instantiate(e.template, parseCompartmentId(`cat-${f.folder}`.slice(0, 32)), {});
      const { gen } = expectGeneratorAccepts(render(made.state), made.state.podmanVersion);
      expect(gen.units.size).toBeGreaterThan(0);
    });
  }
});
