// A small HTTPS registry for the registry agent's tests: manifests by HEAD (tag v1 a plain OCI manifest, tag
// multi an OCI index, anything else 404), Basic or Bearer auth (with a token service at /token), and a log of
// every request, so tests can count manifest requests per path. Its certificate is made with openssl for
// 127.0.0.1. Changes on the machine: listens on a random port of 127.0.0.1 and writes a key and a certificate
// into the folder it is given.

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface TestCert {
  key: string;
  cert: string;
}

/** A self-signed certificate for 127.0.0.1, made by openssl in `dir`. */
export function makeCert(dir: string): TestCert {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The user a Basic header or a token names; undefined for an anonymous request. */
  user: string | undefined;
  accept: string[];
}

export interface FakeRegistryOptions {
  auth: 'basic' | 'bearer' | 'none';
  /** user → password */
  users: Record<string, string>;
  /** Repositories the token service serves without a login. */
  anonymous?: readonly string[];
  /** A repository whose requests are never answered. */
  hang?: string;
}

const body = (o: unknown) => JSON.stringify(o);
export const MANIFESTS = {
  v1: { mediaType: 'application/vnd.oci.image.manifest.v1+json', text: body({ schemaVersion: 2, layers: [] }) },
  multi: { mediaType: 'application/vnd.oci.image.index.v1+json', text: body({ schemaVersion: 2, manifests: [] }) },
};
export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export class FakeRegistry {
  readonly log: LoggedRequest[] = [];
  private readonly tokens = new Map<string, { user: string | undefined; repo: string }>();
  private readonly hanging: ServerResponse[] = [];
  private server!: Server;
  port = 0;

  constructor(private readonly o: FakeRegistryOptions) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(cert: TestCert): Promise<this> {
    this.server = createServer(cert, (req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The manifest requests of `repo:tag` (HEADs to /v2/<repo>/manifests/<tag>). */
  manifestRequests(repo: string, tag: string): LoggedRequest[] {
    return this.log.filter((r) => r.path === `/v2/${repo}/manifests/${tag}`);
  }

  tokenRequests(): LoggedRequest[] {
    return this.log.filter((r) => r.path.startsWith('/token'));
  }

  private basicUser(req: IncomingMessage): string | undefined | false {
    const h = req.headers.authorization;
    if (!h?.startsWith('Basic ')) return undefined;
    const plain = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const [user, ...rest] = plain.split(':');
    return user !== undefined && this.o.users[user] === rest.join(':') ? user : false;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `https://${this.host}`);
    const accept = ([] as string[]).concat(req.headers.accept ?? []);
    if (url.pathname === '/token') {
      this.token(req, res, url, accept);
      return;
    }
    const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    const repo = m?.[1] ?? '';
    let user: string | undefined | false;
    if (this.o.auth === 'basic') user = this.basicUser(req);
    else if (this.o.auth === 'bearer') {
      const t = req.headers.authorization?.startsWith('Bearer ')
        ? this.tokens.get(req.headers.authorization.slice(7))
        : undefined;
      user = t && t.repo === repo ? (t.user ?? 'anonymous') : req.headers.authorization ? false : undefined;
    }
    this.log.push({ method: req.method ?? '', path: url.pathname, user: user || undefined, accept });
    if (repo === this.o.hang) {
      this.hanging.push(res);
      return;
    }
    if (this.o.auth !== 'none' && !user) {
      const challenge =
        this.o.auth === 'basic'
          ? 'Basic realm="fake"'
          : `Bearer realm="https://${this.host}/token",service="fake-registry",scope="repository:${repo}:pull"`;
      res.writeHead(401, { 'WWW-Authenticate': challenge }).end();
      return;
    }
    const manifest = m && req.method === 'HEAD' ? MANIFESTS[m[2] as keyof typeof MANIFESTS] : undefined;
    if (!manifest) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, {
        'Content-Type': manifest.mediaType,
        'Content-Length': String(Buffer.byteLength(manifest.text)),
        'Docker-Content-Digest': digestOf(manifest.text),
      })
      .end();
  }

  private token(req: IncomingMessage, res: ServerResponse, url: URL, accept: string[]): void {
    const user = this.basicUser(req);
    this.log.push({ method: req.method ?? '', path: `/token${url.search}`, user: user || undefined, accept });
    const repo = /^repository:(.+):pull$/.exec(url.searchParams.get('scope') ?? '')?.[1];
    const allowed = user !== false && repo !== undefined && (user !== undefined || this.o.anonymous?.includes(repo));
    if (url.searchParams.get('service') !== 'fake-registry' || !allowed) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end(body({ errors: [{ code: 'UNAUTHORIZED' }] }));
      return;
    }
    const token = randomBytes(12).toString('hex');
    this.tokens.set(token, { user: user || undefined, repo });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body({ token }));
  }
}
