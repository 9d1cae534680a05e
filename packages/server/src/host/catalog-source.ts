// Reads the app catalog's folder: `<dir>/<app>/app.yaml` and `README.md` per app. Changes nothing.
//
// The folder is the `catalog/` beside the program (the repository's, found by walking up from this file's
// folder, which is dist/cli in the bundle and packages/server/src/host in tests), or QUADLETMAN_CATALOG_DIR.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CatalogFolder {
  folder: string;
  text: string;
  readme: string;
}

/** The catalog folder quadletman ships (undefined when there is none). */
export function defaultCatalogDir(): string | undefined {
  const env = process.env.QUADLETMAN_CATALOG_DIR;
  if (env) return env;
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const c = join(d, 'catalog');
    if (existsSync(join(c, 'README.md'))) return c;
    d = dirname(d);
  }
  return undefined;
}

/** Every app folder of the catalog, sorted; a folder without app.yaml is not an app. */
export async function readCatalogFolders(dir: string): Promise<CatalogFolder[]> {
  const out: CatalogFolder[] = [];
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const folder of names.sort()) {
    let text: string;
    try {
      text = await readFile(join(dir, folder, 'app.yaml'), 'utf8');
    } catch {
      continue;
    }
    const readme = await readFile(join(dir, folder, 'README.md'), 'utf8').catch(() => '');
    out.push({ folder, text, readme });
  }
  return out;
}
