// @ts-check
// quadletman's registry agent: asks registries which manifest digest a tag points to now, without pulling. It
// runs AS a compartment user (host/registry-check.ts starts it through session.ts's asUser), because the
// registry logins live in that user's authfile, which the server may not read.
// Changes on the machine: nothing. It reads the user's authfiles and CA folders and makes HTTPS requests: per
// image ONE manifest HEAD (`/v2/<path>/manifests/<tag>`), plus, when the registry asks for a login, a token
// request and ONE retry of that HEAD. Nothing is pulled, nothing is written, no credential is ever printed.
//
// Protocol: one JSON request on stdin, `{"images": [ref, …], "platform"?: {"os", "architecture", "variant"?}}`;
// one JSON answer on stdout, `{"results": [r, …]}`, one per image in order: `{image, ok: true, digest,
// mediaType}` or `{image, ok: false, code, message}` with code unauthorized, not-found, unreachable, tls,
// invalid, local (a `localhost/` image, never checked) or registry-error (any other answer of the registry).
// The platform is checked and kept for the caller: a HEAD answers the digest of what the tag points to, an
// index for a multi-platform image, so the caller compares that with the index digest Podman recorded.
// Exit 0 when the request could be read, 2 when it could not.
//
// Logins: the first authfile with an entry for the image (containers-auth.json(5) order: $XDG_RUNTIME_DIR/
// containers/auth.json, $XDG_CONFIG_HOME (~/.config)/containers/auth.json, ~/.docker/config.json), the most
// specific key first (host/ns/app, host/ns, host). TLS: Node's roots, the system's bundle (what Podman trusts),
// and every *.crt in /etc/containers/certs.d/<host[:port]>/ and ~/.config/containers/certs.d/<host[:port]>/.
// Plain CommonJS with no dependencies, copied as it is to dist/cli/agent/ by the CLI's build.
'use strict';

const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const tls = require('node:tls');

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const TIMEOUT_MS = 10_000;
const MAX_IMAGES = 1000;
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];
// Docker Hub's name in references and logins, and the host that serves its registry API (containers/image).
const HUB = 'docker.io';
const HUB_API = 'registry-1.docker.io';

class Failure extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;

/**
 * A reference as the check needs it: `registry` (host[:port] as written, the key of logins and CA folders),
 * `host` (where to connect), `path`, `tag`. Throws a Failure for a short name, a local image or a bad reference.
 * @param {string} image
 */
function parseImage(image) {
  const ref = image.startsWith('docker://') ? image.slice('docker://'.length) : image;
  const bad = (/** @type {string} */ why) => new Failure('invalid', `${JSON.stringify(image)}: ${why}`);
  if (ref === '' || /\s/.test(ref)) throw bad('not an image reference');
  let rest = ref;
  const at = rest.indexOf('@');
  const digest = at >= 0 ? rest.slice(at + 1) : undefined;
  if (at >= 0) rest = rest.slice(0, at);
  let tag;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (!(first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    throw bad(
      'a short name (it names no registry); the check needs a qualified reference such as registry.example.org/ns/app:tag',
    );
  }
  if (first === 'localhost') throw new Failure('local', `${image} is a local image (localhost/): no registry to check`);
  if (!HOST.test(first)) throw bad(`"${first}" is not a registry host[:port]`);
  let repo = rest.slice(slash + 1);
  if (!repo.split('/').every((c) => PATH_COMPONENT.test(c))) throw bad(`"${repo}" is not a repository path`);
  if (tag !== undefined && !TAG.test(tag)) throw bad(`"${tag}" is not a tag`);
  if (tag === undefined && digest !== undefined) {
    throw bad('it is pinned to a digest and has no tag: a pinned image never changes, there is nothing to check');
  }
  const registry = first === `index.${HUB}` ? HUB : first;
  if (registry === HUB && !repo.includes('/')) repo = `library/${repo}`;
  return { registry, host: registry === HUB ? HUB_API : registry, path: repo, tag: tag ?? 'latest' };
}

/** The authfiles in containers-auth.json(5)'s order. @param {NodeJS.ProcessEnv} env */
function authFiles(env) {
  const home = env.HOME ?? '';
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return [
    ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'containers/auth.json')] : []),
    path.join(config, 'containers/auth.json'),
    path.join(home, '.docker/config.json'),
  ];
}

/** A key of `auths` as registry[/path]: no scheme, no trailing slash; Docker's legacy keys by host only.
 * @param {string} key @param {boolean} docker */
function authKey(key, docker) {
  let k = key.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (docker && /^https?:\/\//.test(key)) k = k.split('/')[0] ?? k;
  return k === `index.${HUB}` ? HUB : k;
}

/**
 * The login for `registry`/`repoPath`: the first file with a matching entry, its most specific key first.
 * @param {NodeJS.ProcessEnv} env @param {string} registry @param {string} repoPath
 * @returns {{ username: string, password: string, file: string } | undefined}
 */
function findCredentials(env, registry, repoPath) {
  const parts = repoPath.split('/');
  const wanted = parts.map((_, i) => `${registry}/${parts.slice(0, parts.length - i).join('/')}`).concat(registry);
  for (const file of authFiles(env)) {
    let auths;
    try {
      auths = JSON.parse(fs.readFileSync(file, 'utf8')).auths;
    } catch {
      continue; // missing or unreadable: the next file, as containers/image skips a missing one
    }
    if (typeof auths !== 'object' || auths === null) continue;
    /** @type {Map<string, unknown>} */
    const byKey = new Map();
    for (const [k, v] of Object.entries(auths)) byKey.set(authKey(k, file.endsWith('.docker/config.json')), v);
    for (const key of wanted) {
      const entry = /** @type {{ auth?: unknown } | undefined} */ (byKey.get(key));
      if (!entry || typeof entry.auth !== 'string' || entry.auth === '') continue;
      const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
      const sep = plain.indexOf(':');
      if (sep <= 0) continue;
      return { username: plain.slice(0, sep), password: plain.slice(sep + 1), file };
    }
  }
  return undefined;
}

/** CA certificates for `hostport`: Node's, the system's bundle, and the *.crt files of its certs.d folders.
 * @param {NodeJS.ProcessEnv} env @param {string} hostport */
function caFor(env, hostport) {
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME ?? '', '.config');
  const ca = [...tls.rootCertificates];
  for (const bundle of SYSTEM_BUNDLES) {
    try {
      ca.push(fs.readFileSync(bundle, 'utf8'));
      break;
    } catch {}
  }
  for (const dir of [
    path.join('/etc/containers/certs.d', hostport),
    path.join(config, 'containers/certs.d', hostport),
  ]) {
    let names = [];
    try {
      names = fs
        .readdirSync(dir)
        .filter((n) => n.endsWith('.crt'))
        .sort();
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        ca.push(fs.readFileSync(path.join(dir, n), 'utf8'));
      } catch {}
    }
  }
  return ca;
}

/** `Scheme k="v", k=v` → `{scheme, params}` (the first challenge only). @param {string | undefined} header */
function parseChallenge(header) {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header ?? '');
  if (!m) return undefined;
  /** @type {Record<string, string>} */
  const params = {};
  for (const p of (m[2] ?? '').matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|CERT_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|EPROTO$)/;

/**
 * One request; resolves with status, headers and (for GET) up to 1 MiB of body. Network and TLS errors become
 * Failures naming the host, never the headers sent.
 * @param {string} url @param {{ method: string, headers: import('node:http').OutgoingHttpHeaders, agent: https.Agent, timeoutMs: number }} o
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
function request(url, o) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = https.request(u, { method: o.method, headers: o.headers, agent: o.agent }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        size += c.length;
        if (size <= 1 << 20) chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Failure('unreachable', `${u.host} did not answer within ${o.timeoutMs / 1000} s`));
    }, o.timeoutMs);
    function fail(/** @type {NodeJS.ErrnoException} */ e) {
      clearTimeout(timer);
      const code = e.code ?? '';
      if (TLS_ERROR.test(code)) {
        reject(
          new Failure(
            'tls',
            `${u.host}: the TLS connection failed (${code}: ${e.message}); a private CA belongs in ` +
              `/etc/containers/certs.d/${u.host}/ or ~/.config/containers/certs.d/${u.host}/ as a *.crt file`,
          ),
        );
      } else reject(new Failure('unreachable', `${u.host} is unreachable (${code || e.message})`));
    }
    req.on('error', fail);
    req.end();
  });
}

/**
 * The requests of one check: an https.Agent per host (its CAs, one kept-alive connection for the retry) and, per
 * registry, the challenge it answered last, so the next image of that registry is sent with its login at once.
 * @param {NodeJS.ProcessEnv} env @param {number} timeoutMs
 */
function makeContext(env, timeoutMs) {
  /** @type {Map<string, https.Agent>} */
  const agents = new Map();
  /** @type {Map<string, { scheme: string, params: Record<string, string> }>} */
  const challenges = new Map();
  return {
    env,
    timeoutMs,
    challenges,
    /** @param {string} hostport */
    agentFor(hostport) {
      let a = agents.get(hostport);
      if (!a) {
        a = new https.Agent({ keepAlive: true, maxSockets: 2, ca: caFor(env, hostport) });
        agents.set(hostport, a);
      }
      return a;
    },
    close() {
      for (const a of agents.values()) a.destroy();
    },
  };
}

/** @typedef {ReturnType<typeof makeContext>} Context */
/** @typedef {ReturnType<typeof parseImage>} Ref */
/** @typedef {{ username: string, password: string, file: string } | undefined} Login */

/** `podman login` advice for a registry. @param {Ref} ref */
const loginHint = (ref) => `podman login ${ref.registry}`;

/**
 * The Authorization header a challenge asks for: Basic from the login, or a Bearer token from the realm (GET
 * with the login, if any, and service and scope). `scope` is the challenge's own when it came for this image.
 * @param {Context} ctx @param {{ scheme: string, params: Record<string, string> }} ch @param {Ref} ref
 * @param {Login} login @param {boolean} ownScope
 * @returns {Promise<string>}
 */
async function authorize(ctx, ch, ref, login, ownScope) {
  const basic = login ? `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` : undefined;
  if (ch.scheme === 'basic') {
    if (!basic)
      throw new Failure('unauthorized', `${ref.registry} asks for a login and the user has none (${loginHint(ref)})`);
    return basic;
  }
  if (ch.scheme !== 'bearer') {
    throw new Failure(
      'registry-error',
      `${ref.registry} asks for an authentication scheme the check does not speak (${ch.scheme})`,
    );
  }
  let realm;
  try {
    realm = new URL(ch.params.realm ?? '');
  } catch {
    throw new Failure('registry-error', `${ref.registry} names no valid token realm`);
  }
  if (realm.protocol !== 'https:')
    throw new Failure('registry-error', `${ref.registry}'s token realm ${realm.host} is not HTTPS`);
  if (ch.params.service) realm.searchParams.set('service', ch.params.service);
  const scope = ownScope && ch.params.scope ? ch.params.scope : `repository:${ref.path}:pull`;
  realm.searchParams.set('scope', scope);
  const res = await request(realm.href, {
    method: 'GET',
    headers: { Accept: 'application/json', ...(basic ? { Authorization: basic } : {}) },
    agent: ctx.agentFor(realm.host),
    timeoutMs: ctx.timeoutMs,
  });
  if (res.status === 401 || res.status === 403) {
    throw new Failure(
      'unauthorized',
      login
        ? `the token service of ${ref.registry} (${realm.host}) refused the login stored in ${login.file} (HTTP ${res.status})`
        : `the token service of ${ref.registry} (${realm.host}) gives no anonymous access to ${ref.path} (${loginHint(ref)})`,
    );
  }
  if (res.status !== 200)
    throw new Failure('registry-error', `the token service ${realm.host} answered HTTP ${res.status}`);
  let token;
  try {
    const body = JSON.parse(res.body);
    token = body.token || body.access_token;
  } catch {}
  if (typeof token !== 'string' || token === '') {
    throw new Failure('registry-error', `the token service ${realm.host} answered without a token`);
  }
  return `Bearer ${token}`;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * One image: one manifest HEAD, and after a 401 the login the registry asks for and ONE retry.
 * @param {Context} ctx @param {string} image
 */
async function checkOne(ctx, image) {
  /** @type {string[]} */
  const secrets = [];
  try {
    const ref = parseImage(image);
    const login = findCredentials(ctx.env, ref.registry, ref.path);
    if (login) secrets.push(login.password, Buffer.from(`${login.username}:${login.password}`).toString('base64'));
    const url = `https://${ref.host}/v2/${ref.path}/manifests/${ref.tag}`;
    const agent = ctx.agentFor(ref.host);
    const head = (/** @type {string | undefined} */ auth) =>
      request(url, {
        method: 'HEAD',
        headers: { Accept: MANIFEST_TYPES, ...(auth ? { Authorization: auth } : {}) },
        agent,
        timeoutMs: ctx.timeoutMs,
      });
    /** @type {string | undefined} */
    let sent;
    const known = ctx.challenges.get(ref.registry);
    if (known && (login || known.scheme === 'bearer')) sent = await authorize(ctx, known, ref, login, false);
    if (sent) secrets.push(sent.slice(sent.indexOf(' ') + 1));
    let res = await head(sent);
    if (res.status === 401) {
      const header = res.headers['www-authenticate'];
      const ch = parseChallenge(Array.isArray(header) ? header[0] : header);
      if (!ch) throw new Failure('unauthorized', `${ref.registry} refused the request without saying how to log in`);
      ctx.challenges.set(ref.registry, ch);
      const auth = await authorize(ctx, ch, ref, login, true);
      secrets.push(auth.slice(auth.indexOf(' ') + 1));
      if (auth !== sent) res = await head(auth);
    }
    const where = `${ref.registry}/${ref.path}:${ref.tag}`;
    if (res.status === 401 || res.status === 403) {
      throw new Failure(
        'unauthorized',
        login
          ? `${ref.registry} refused the login stored in ${login.file} for ${ref.path} (HTTP ${res.status})`
          : `${ref.registry} needs a login for ${ref.path} and the user has none (${loginHint(ref)})`,
      );
    }
    if (res.status === 404)
      throw new Failure('not-found', `${where}: the registry has no such repository or tag (HTTP 404)`);
    if (res.status !== 200) throw new Failure('registry-error', `${where}: the registry answered HTTP ${res.status}`);
    const digest = res.headers['docker-content-digest'];
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new Failure('registry-error', `${where}: the registry answered without a valid Docker-Content-Digest`);
    }
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    return { image, ok: true, digest, mediaType };
  } catch (e) {
    const f = e instanceof Failure ? e : new Failure('registry-error', /** @type {Error} */ (e).message);
    return { image, ok: false, code: f.code, message: scrub(f.message, secrets) };
  }
}

/** The message with every secret replaced (a guard: no message is built from a secret). @param {string} text @param {string[]} secrets */
function scrub(text, secrets) {
  let t = text;
  for (const s of secrets) if (s.length >= 4) t = t.split(s).join('***');
  return t;
}

/** The images of a request; throws when the request is malformed. @param {unknown} request */
function readRequest(request) {
  const r = /** @type {{ images?: unknown, platform?: unknown }} */ (request);
  if (typeof r !== 'object' || r === null || !Array.isArray(r.images))
    throw new Error('the request needs "images", a list');
  if (r.images.length > MAX_IMAGES) throw new Error(`at most ${MAX_IMAGES} images per check`);
  for (const i of r.images)
    if (typeof i !== 'string' || i.length > 512) throw new Error(`bad image ${JSON.stringify(i)}`);
  const p = /** @type {Record<string, unknown> | undefined} */ (r.platform);
  if (p !== undefined) {
    const ok =
      typeof p === 'object' &&
      p !== null &&
      typeof p.os === 'string' &&
      typeof p.architecture === 'string' &&
      (p.variant === undefined || typeof p.variant === 'string');
    if (!ok) throw new Error('"platform" is {os, architecture, variant?}');
  }
  return /** @type {string[]} */ (r.images);
}

/**
 * The answer to a request: the images of one registry one after the other (the first teaches the login the
 * rest send at once), registries side by side; an image named twice is asked once.
 * @param {unknown} request @param {NodeJS.ProcessEnv} env @param {{ timeoutMs?: number }} [options]
 */
async function check(request, env, options = {}) {
  const images = readRequest(request);
  const ctx = makeContext(env, options.timeoutMs ?? TIMEOUT_MS);
  try {
    /** @type {Map<string, Promise<object>>} */
    const answers = new Map();
    /** @type {Map<string, Promise<unknown>>} */
    const queues = new Map();
    for (const image of images) {
      if (answers.has(image)) continue;
      let key = '';
      try {
        key = parseImage(image).registry;
      } catch {}
      const p = (queues.get(key) ?? Promise.resolve()).then(() => checkOne(ctx, image));
      queues.set(key, p);
      answers.set(image, p);
    }
    const results = [];
    for (const image of images) results.push(await answers.get(image));
    return { results };
  } finally {
    ctx.close();
  }
}

module.exports = { check, parseImage, authFiles, findCredentials, parseChallenge, MANIFEST_TYPES };

if (require.main === module) {
  /** @type {Buffer[]} */
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      readRequest(request);
    } catch (e) {
      process.stderr.write(`registry agent: bad request: ${/** @type {Error} */ (e).message}\n`);
      process.exit(2);
    }
    check(request, process.env).then(
      (answer) => process.stdout.write(`${JSON.stringify(answer)}\n`, () => process.exit(0)),
      (e) => {
        process.stderr.write(`registry agent: ${/** @type {Error} */ (e).message}\n`);
        process.exit(2);
      },
    );
  });
}
