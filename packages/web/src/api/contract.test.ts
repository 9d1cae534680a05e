// @vitest-environment node
/**
 * The client against the server's contract: the generated types are what the server's OpenAPI document makes
 * now (so the type check of packages/web, which runs first in `npm run test:web`, checks every call against the
 * routes the server has), and every API path written anywhere in the client's source is a route of the server.
 * Builds the server app in this process (nothing listens), as `npm run api:types` does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBSOCKET_PATHS } from './client';

const WEB_SRC = join(import.meta.dirname, '..');
const SCRIPT = join(import.meta.dirname, '../../../../scripts/api-types.ts');

interface Generator {
  TYPES_FILE: string;
  withServer<T>(
    f: (s: { doc: Record<string, unknown>; hasRoute: (method: string, url: string) => boolean }) => T,
  ): Promise<T>;
  typesOf(doc: Record<string, unknown>): Promise<string>;
}

let doc: { paths: Record<string, Record<string, unknown>> };
let generated: string;
let committed: string;
let hidden: Record<string, boolean>;

beforeAll(async () => {
  // (a computed path: the web's type check does not follow it into the server's sources)
  const g = (await import(/* @vite-ignore */ SCRIPT)) as Generator;
  await g.withServer(async (s) => {
    doc = s.doc as typeof doc;
    hidden = Object.fromEntries(
      Object.values(WEBSOCKET_PATHS).map((p) => [p, s.hasRoute('GET', p.replace(/\{([^{}]+)\}/g, ':$1'))]),
    );
  });
  generated = await g.typesOf(doc);
  committed = readFileSync(g.TYPES_FILE, 'utf8');
}, 60_000);
afterAll(() => {});

/** `/api/a/{id}/b` and `/api/a/:x/b` alike: parameters unnamed. */
const shape = (path: string) => path.replace(/\{[^{}]+\}|:[A-Za-z_*]+|\*$/g, '{}');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-support' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.gen.ts') ? [p] : [];
  });
}

/** Every quoted `/api/…` string in the client's source (tests and the generated file aside), with where. */
function pathsInSource(): { path: string; at: string }[] {
  const out: { path: string; at: string }[] = [];
  for (const file of sources(WEB_SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(['"`])(\/api\/[^'"`\s?]*)[^'"`]*\1/g)) {
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ path: m[2]!, at: `${relative(WEB_SRC, file)}:${line}` });
    }
  }
  return out;
}

describe('the client and the server contract', () => {
  it('openapi.gen.ts is what the server makes now (else: npm run api:types)', () => {
    expect(committed === generated, 'packages/web/src/api/openapi.gen.ts is stale: run `npm run api:types`').toBe(true);
  });

  it('every API path in the client is a route of the server', () => {
    const known = new Set([...Object.keys(doc.paths), ...Object.keys(hidden).filter((p) => hidden[p])].map(shape));
    const found = pathsInSource();
    expect(found.length).toBeGreaterThan(50);
    const missing = found.filter((f) => !known.has(shape(f.path))).map((f) => `${f.at}: ${f.path}`);
    expect(missing, 'paths the server does not have').toEqual([]);
  });

  it('the WebSocket routes the document leaves out are on the server', () => {
    expect(hidden).toEqual(Object.fromEntries(Object.values(WEBSOCKET_PATHS).map((p) => [p, true])));
  });
});
