/**
 * The web client's API types, made from the server's own OpenAPI document: the server app is assembled in this
 * process (http/server.ts over the route tests' faked host, an in-memory store; nothing listens), its document
 * taken with `app.swagger()`, and openapi-typescript writes `paths` and `components` into
 * packages/web/src/api/openapi.gen.ts. The web calls the API through openapi-fetch over these types, so a path,
 * method or body the server does not have is a type error.
 *
 *   npm run api:types            write the file
 *   npm run api:types -- --check exit 1 when the committed file is not what the server makes now
 *
 * Also the list of routes the document leaves out: @fastify/websocket hides WebSocket routes from it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { createTestContext } from '../packages/server/src/http/routes/compartments-test-support';
import { buildServer } from '../packages/server/src/http/server';

export const TYPES_FILE = join(dirname(fileURLToPath(import.meta.url)), '../packages/web/src/api/openapi.gen.ts');

const HEADER = `/**
 * The server's API as types: paths, methods, parameters, bodies and answers. Generated from the OpenAPI document
 * the server builds (scripts/api-types.ts); do not edit. Run \`npm run api:types\` after changing a route.
 */
`;

/** Runs `f` with the server assembled with every route module: its OpenAPI document, as GET /api/openapi.json
 * answers it, and whether it has a route (the document leaves some out). */
export async function withServer<T>(
  f: (s: { doc: Record<string, unknown>; hasRoute(method: string, url: string): boolean }) => T,
): Promise<Awaited<T>> {
  const ctx = createTestContext();
  const server = await buildServer(ctx.app, { rateLimit: false });
  try {
    await server.ready();
    const doc = server.swagger() as unknown as Record<string, unknown>;
    return await f({ doc, hasRoute: (method, url) => server.hasRoute({ method: method as 'GET', url }) });
  } finally {
    await server.close();
    ctx.close();
  }
}

/** The text of openapi.gen.ts for a document. */
export async function typesOf(doc: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]);
  return HEADER + astToString(ast);
}

export async function generateApiTypes(): Promise<string> {
  return typesOf(await withServer((s) => s.doc));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await generateApiTypes();
  if (process.argv.includes('--check')) {
    const current = readFileSync(TYPES_FILE, 'utf8');
    if (current !== text) {
      console.error(`${TYPES_FILE} is not what the server makes now: run npm run api:types`);
      process.exit(1);
    }
    console.log('API types are current.');
  } else {
    writeFileSync(TYPES_FILE, text);
    console.log(`wrote ${TYPES_FILE}`);
  }
}
