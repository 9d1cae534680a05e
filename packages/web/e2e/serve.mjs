// A tiny static server for the browser tests without a quadletman server: serves dist/ with the single-page
// fallback and fakes just enough of the API for the login page, one compartment's unit editor (and the plan of its
// drafts: text units, Quadlet and systemd timers, sockets, services and targets) and backups, the
// catalog (one app, installed once in an older version), the templates (one saved template) and the edge (two
// routes of the demo compartment, one answering, one not), the demo's resource use (one container), the admin's
// users, grants and tokens and the host's doctor report (one warning) (log in as
// demo / demo, an admin, or viewer / viewer). The end-to-end journey runs against the real `quadletman serve` (E2E_BASE_URL).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../dist');
const port = Number(process.env.E2E_PORT ?? 4173);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

const session = { username: 'demo', kind: 'session', grants: [{ compartment: '*', role: 'admin' }], csrfToken: 'x' };
/** Who else may log in (viewer / viewer): no administrator, for the pages that are for admins only. */
const viewerSession = {
  username: 'viewer',
  kind: 'session',
  grants: [{ compartment: '*', role: 'viewer' }],
  csrfToken: 'x',
};
/** GET /api/doctor: a host with one warning whose text has long words (paths, a command), as real ones do. */
const doctor = {
  ok: true,
  summary: { ok: 2, warn: 1, fail: 0 },
  checks: [
    { id: 'systemd-pid1', status: 'ok', message: 'systemd 257 is PID 1.' },
    { id: 'podman', status: 'ok', message: 'podman 5.4.2' },
    {
      id: 'cgroup-delegation',
      status: 'warn',
      message:
        'Controllers delegated to user slices: cpu memory pids (from /sys/fs/cgroup/user.slice/cgroup.subtree_control); without cpuset, io, Memory=/PidsLimit=/CPU limits of rootless containers fail.',
      fix: "mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf && systemctl daemon-reload (re-login or restart user@UID.service).",
    },
  ],
};
const webContainer = `# The demo web server
[Unit]
Description=Demo web server

[Container]
Image=localhost/busybox:latest
# serve /www on 8080
Exec=busybox httpd -f -p 8080 -h /www
PublishPort=127.0.0.1:18080:8080

[Install]
WantedBy=default.target
`;
const now = '2026-11-23T08:00:00.000Z';
const compartment = {
  id: 'demo',
  description: 'Demo compartment',
  podmanVersion: null,
  createdAt: now,
  updatedAt: now,
};
const units = [
  {
    unit: 'web.service',
    source: 'web.container',
    status: { unit: 'web.service', activeState: 'active', subState: 'running', result: 'success' },
  },
];

/** GET /api/compartments/demo/dependencies: the graph core/unit-graph.ts gives for the demo's one unit (it is
 * WantedBy=default.target, outside the compartment, so it waits for nothing). */
const dependencies = {
  nodes: [
    { id: 'web.container', path: '.config/containers/systemd/web.container', kind: 'container', unit: 'web.service' },
  ],
  edges: [],
  order: ['web.container'],
  layers: [['web.container']],
  cycles: [],
  missing: [],
};

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const loggedIn = (req) => /fake-session=(1|viewer)/.test(req.headers.cookie ?? '');
const sessionOf = (req) => ((req.headers.cookie ?? '').includes('fake-session=viewer') ? viewerSession : session);

// ------------------------------------------------------------------ templates and catalog (kept in memory)

const COMPARTMENT_ID = /^[a-z](?:[a-z0-9]|-(?!-)){0,31}$/;
const validId = (id) => typeof id === 'string' && COMPARTMENT_ID.test(id) && !id.endsWith('-');
/** The one generated value of the fake (a real server makes a random one). */
const GENERATED = 'Vq7RkT2mWx9pLc4VbN8sHd3F';

const blogParameters = [
  { name: 'port', description: 'The port of the page on the host', default: '8080', pattern: '[0-9]{2,5}' },
  { name: 'admin_email', description: 'Who gets the alerts' },
  { name: 'db_password', generate: 'password', secret: 'db-password' },
];
/** The fake's starting state (POST /__reset restores it: each test starts from it). */
const initialTemplates = () =>
  new Map([
    [
      'blog',
      {
        name: 'blog',
        description: 'nginx in front of postgres',
        version: '1.0.0',
        parameters: blogParameters,
        units: ['web.container', 'db.container'],
        createdBy: 'demo',
        source: 'demo',
        createdAt: now,
        updatedAt: now,
        yaml: `template: 1
name: blog
description: nginx in front of postgres
version: "1.0.0"
parameters:
  - { name: port, description: The port of the page on the host, default: "8080", pattern: "[0-9]{2,5}" }
  - { name: admin_email, description: Who gets the alerts }
  - { name: db_password, generate: password, secret: db-password }
spec:
  units:
    web.container: { container: { image: docker.io/library/nginx:1.27, publishPort: "\${port}:80" } }
    db.container: { container: { image: docker.io/library/postgres:17, secret: [db-password] } }
`,
      },
    ],
  ]);

const initialCatalog = () =>
  new Map([
    [
      'whoami',
      {
        name: 'whoami',
        title: 'Whoami',
        version: '1.1.0',
        category: 'tools',
        description: 'A tiny web server that answers with what it knows about the request.',
        parameters: [
          { name: 'port', description: 'The port on the host', default: '18090', pattern: '[0-9]{2,5}' },
          { name: 'api_token', description: 'A token for the /api page', generate: 'token', secret: 'whoami-token' },
        ],
        units: ['whoami.container'],
        backup: { 'whoami-data': 'files', 'whoami-cache': 'skip' },
        requires: ['a free TCP port on the host'],
        installed: [{ compartment: 'whoami-old', version: '1.0.0' }],
        readme: `# Whoami

A tiny web server: it answers every request with what it sees (headers, address, host name).

## Use

- open \`http://127.0.0.1:<port>/\`
- the **api_token** protects \`/api\`; see [the upstream docs](https://github.com/traefik/whoami)

\`\`\`
curl http://127.0.0.1:18090/
\`\`\`
`,
        yaml: 'template: 1\nname: whoami\n',
      },
    ],
  ]);

let templates = initialTemplates();
let catalog = initialCatalog();

const info = ({ yaml: _y, ...rest }) => rest;
const listOf = ({ readme: _r, yaml: _y, ...rest }) => rest;

/** POST …/create and …/install: checks the values as the server does, then says what it would make (or made). */
function create(res, name, t, body, origin) {
  const { compartment, values = {}, apply = false, upgrade = false } = body;
  const issues = [];
  if (!validId(compartment)) issues.push({ path: 'compartment', message: 'is not a compartment name' });
  const out = [];
  for (const p of t.parameters) {
    const given = Object.hasOwn(values, p.name);
    const value = given ? values[p.name] : (p.default ?? (p.generate ? GENERATED : undefined));
    if (value === undefined && !upgrade) issues.push({ path: `values.${p.name}`, message: 'a value is needed' });
    else if (value !== undefined && p.pattern && !new RegExp(`^(?:${p.pattern})$`, 'u').test(value))
      issues.push({ path: `values.${p.name}`, message: `${JSON.stringify(value)} does not match ${p.pattern}` });
    const source = given ? 'given' : p.default !== undefined ? 'default' : 'generated';
    const makesSecret = p.secret && apply && !upgrade;
    out.push({
      name: p.name,
      value: p.secret ? (makesSecret && source === 'generated' ? (value ?? '') : '') : (value ?? ''),
      source,
      ...(p.secret ? { secret: p.secret } : {}),
    });
  }
  if (issues.length > 0)
    return json(res, 400, {
      error: {
        code: 'invalid',
        message: `invalid template ${name}:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`,
        details: { issues },
      },
    });
  const secrets = t.parameters.flatMap((p) => (p.secret ? [p.secret] : []));
  const units = Object.fromEntries(t.units.map((u) => [u, { container: {} }]));
  const plan = {
    changes: t.units.map((u) => ({ path: u, kind: upgrade ? 'changed' : 'added', diff: `+# ${origin} ${name}` })),
    unchanged: [],
    units: { start: upgrade ? [] : t.units.map((u) => u.replace(/\.container$/, '.service')), restart: [], stop: [] },
    reload: true,
    noop: false,
  };
  const result = {
    compartment,
    created: !upgrade,
    spec: { compartment, units },
    values: out,
    secrets: apply ? (upgrade ? { made: [], kept: secrets } : { made: secrets, kept: [] }) : { made: [], kept: [] },
    lint: [],
    lintErrors: 0,
    ...(upgrade ? { plan } : {}),
  };
  if (apply) {
    result.apply = {
      outcome: 'applied',
      revision: upgrade ? 2 : 1,
      message: `Revision ${upgrade ? 2 : 1} applied.`,
      plan,
      diagnostics: [],
      dryRun: [],
      units: [],
    };
    if (origin === 'catalog') {
      const app = catalog.get(name);
      app.installed = [
        ...app.installed.filter((i) => i.compartment !== compartment),
        { compartment, version: app.version },
      ];
    }
  }
  return json(res, 200, result);
}

/** Answers a templates or catalog route; false: no such route. */
function templatesApi(req, res, path, body) {
  if (path === '/api/templates' && req.method === 'GET')
    return json(res, 200, { templates: [...templates.values()].map(info) });
  if (path === '/api/templates' && req.method === 'POST') {
    const text = String(body.text ?? '');
    const issues = [];
    const name = /^name:\s*(\S+)\s*$/m.exec(text)?.[1];
    if (!/^template:\s*1\s*$/m.test(text))
      issues.push({ path: 'template', message: 'must be 1 (the template format)' });
    if (!name) issues.push({ path: 'name', message: 'must be a string' });
    if (!/^spec:/m.test(text)) issues.push({ path: 'spec', message: 'must be a compartment spec (a mapping)' });
    if (issues.length > 0)
      return json(res, 400, {
        error: {
          code: 'invalid',
          message: `invalid template request body:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`,
          details: { issues },
        },
      });
    if (templates.has(name) && !body.replace)
      return json(res, 409, { error: { code: 'conflict', message: `A template '${name}' exists.` } });
    const t = {
      name,
      description: '',
      version: null,
      parameters: [],
      units: [],
      createdBy: 'demo',
      source: null,
      createdAt: now,
      updatedAt: now,
      yaml: text,
    };
    templates.set(name, t);
    return json(res, 201, info(t));
  }
  let m = /^\/api\/templates\/([^/]+)(\/create)?$/.exec(path);
  if (m) {
    const t = templates.get(decodeURIComponent(m[1]));
    if (!t) return json(res, 404, { error: { code: 'not_found', message: `There is no template '${m[1]}'.` } });
    if (m[2] && req.method === 'POST') return create(res, t.name, t, body, 'template');
    if (req.method === 'DELETE') {
      templates.delete(t.name);
      res.writeHead(204);
      return res.end();
    }
    return json(res, 200, t);
  }
  if (path === '/api/catalog')
    return json(res, 200, {
      apps: [...catalog.values()].map(listOf),
      problems: { 'broken-app': 'catalog/broken-app/template.yaml: spec.units: must be a mapping' },
    });
  m = /^\/api\/catalog\/([^/]+)(\/install)?$/.exec(path);
  if (m) {
    const app = catalog.get(decodeURIComponent(m[1]));
    if (!app) return json(res, 404, { error: { code: 'not_found', message: `There is no catalog app '${m[1]}'.` } });
    if (m[2] && req.method === 'POST') return create(res, app.name, app, body, 'catalog');
    return json(res, 200, app);
  }
  if (path === '/api/compartments/demo/origin')
    return json(res, 200, {
      origin: { origin: 'template', name: 'blog', version: '1.0.0', values: {}, installedAt: now, updatedAt: now },
    });
  if (path === '/api/compartments/demo/template' && req.method === 'POST') {
    const t = {
      name: body.name,
      description: body.description ?? '',
      version: null,
      parameters: Object.entries(body.parameters ?? {}).map(([name, d]) => ({ name, default: d })),
      units: ['web.container'],
      createdBy: 'demo',
      source: 'demo',
      createdAt: now,
      updatedAt: now,
      yaml: `template: 1\nname: ${body.name}\n`,
    };
    templates.set(t.name, t);
    return json(res, 201, info(t));
  }
  return false;
}

// ------------------------------------------------------------------ backups of the demo compartment (in memory)

/** The fake repository's password (a real server makes a random one). */
const REPO_PASSWORD = 'Hs8dK2pXq7LmV4cN9tRw3BzF';
const REPO_LOCATION = '/home/qm-demo/.local/share/quadletman/backups';
const DEMO_VOLUME = '/home/qm-demo/.local/share/containers/storage/volumes/demo-www/_data';
const DEMO_QUADLETS = '/home/qm-demo/.config/containers/systemd';
/** The fake's starting state: no repository yet, nothing under way, no check. */
const initialBackups = () => ({ repository: null, snapshots: [], revision: 1, running: null, lastCheck: null });
/** How long the fake's backup takes: its progress is answered meanwhile. */
const BACKUP_MS = 2500;
let backups = initialBackups();

/** quadletman's own backups: an SFTP repository root set, one snapshot, the last scheduled run failed (the NAS was
 * down); "Back up now" runs for SELF_MS, then adds a snapshot and a run that went through. */
const SELF_MS = 2000;
const selfSnapshot = (c, time, size, added, durationS) => ({
  id: c.repeat(64),
  shortId: c.repeat(8),
  time,
  paths: ['/var/lib/quadletman-self-backup/self-backup-stage', '/etc/quadletman'],
  tags: ['quadletman-self', 'schema=0012_backup_check'],
  size,
  added,
  durationS,
});
const initialSelfBackup = () => ({
  repository: {
    location: 'sftp:keeper@nas.home.arpa:quadletman',
    kind: 'sftp',
    createdAt: '2026-11-20T10:02:00.000Z',
    publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFq0dM1ydkD3pGmx6Y3oF2wq quadletman-self-backup',
    hostKeys: ['256 SHA256:Vh2n6cXo1pQm3Rz8Kd4yLw0sTj5uAe7gBf9HiNk nas.home.arpa (ED25519)'],
  },
  snapshots: [selfSnapshot('7', '2026-12-04T02:14:09.000Z', 3_412_000, 96_000, 1.8)],
  lastRun: {
    startedAt: '2026-12-05T02:19:00.000Z',
    finishedAt: '2026-12-05T02:19:21.000Z',
    ok: false,
    scheduled: true,
    error:
      'Fatal: unable to open repository at sftp:keeper@nas.home.arpa:quadletman: ssh: connect to host nas.home.arpa port 22: No route to host',
  },
  schedule: { installed: true, next: '2026-12-06T02:31:00.000Z', running: false },
  startedAt: null,
});
let selfBackup = initialSelfBackup();

/** A backup started SELF_MS ago or more has ended: its snapshot and run recorded. */
function settleSelfBackup() {
  const s = selfBackup;
  if (s.startedAt !== null && Date.now() - s.startedAt >= SELF_MS) {
    const finishedAt = new Date().toISOString();
    s.snapshots.unshift(selfSnapshot('8', finishedAt, 3_448_000, 41_000, 1.6));
    s.lastRun = {
      startedAt: new Date(s.startedAt).toISOString(),
      finishedAt,
      ok: true,
      scheduled: false,
      removed: 1,
      snapshot: '8'.repeat(64),
      summary: {
        snapshotId: '8'.repeat(64),
        filesNew: 2,
        filesChanged: 3,
        filesUnmodified: 41,
        dataAdded: 41_000,
        totalFiles: 46,
        totalBytes: 3_448_000,
        durationS: 1.6,
      },
    };
    s.startedAt = null;
  }
}

function selfBackupApi(req, res, path) {
  settleSelfBackup();
  const s = selfBackup;
  const { startedAt, ...status } = s;
  if (path === '/api/system/self-backup' && req.method === 'GET')
    return json(res, 200, { ...status, schedule: { ...s.schedule, running: startedAt !== null } });
  if (path === '/api/system/self-backup/run' && req.method === 'POST') {
    s.startedAt = Date.now();
    return json(res, 202, { started: true });
  }
  return false;
}

/** A repository as GET …/backups/repository answers it: SFTP ones with the demo's key and the host's. */
const repositoryView = (location) =>
  location.startsWith('sftp:')
    ? {
        location,
        kind: 'sftp',
        publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFake quadletman-qm-demo',
        hostKeys: ['256 SHA256:Fake0Fake1Fake2Fake3Fake4Fake5Fake6Fake7Fak nas.example (ED25519)'],
      }
    : { location, kind: /^(rest|s3):/.test(location) ? location.split(':')[0] : 'local' };

/** The fake's backup, done: its answer (the first one makes the repository and answers its password). */
function backUp(res, body) {
  const mode = body.mode ?? 'stop';
  const first = backups.repository === null;
  backups.repository = REPO_LOCATION;
  const n = backups.snapshots.length + 1;
  const id = `${String(n).repeat(8)}${'0f'.repeat(28)}`;
  backups.snapshots.push({
    id,
    shortId: id.slice(0, 8),
    time: new Date(Date.parse(now) + n * 3600_000).toISOString(),
    paths: [DEMO_VOLUME, DEMO_QUADLETS],
    tags: ['compartment=demo', `revision=${backups.revision}`, `mode=${mode}`],
    size: 18_874_368,
    added: first ? 18_874_368 : 40_960,
    durationS: first ? 3.2 : 0.9,
  });
  return json(res, 200, {
    compartment: 'demo',
    mode,
    summary: {
      snapshotId: id,
      filesNew: first ? 214 : 3,
      filesChanged: first ? 0 : 2,
      filesUnmodified: first ? 0 : 209,
      dataAdded: first ? 18_874_368 : 40_960,
      totalFiles: 214,
      totalBytes: 18_874_368,
      durationS: first ? 3.2 : 0.9,
    },
    paths: [DEMO_VOLUME, DEMO_QUADLETS],
    stopped: mode === 'stop' ? ['web.service'] : [],
    downtimeMs: mode === 'stop' ? 2100 : null,
    ...(first ? { repository: { location: REPO_LOCATION, password: REPO_PASSWORD } } : {}),
  });
}

/** Answers a backups route of the demo compartment; false: no such route. */
function backupsApi(req, res, path, body) {
  const base = '/api/compartments/demo/backups';
  if (path === base && req.method === 'GET')
    return json(res, 200, {
      repository: backups.repository ? { location: backups.repository } : null,
      snapshots: backups.snapshots,
    });
  if (path === `${base}/progress` && req.method === 'GET') {
    const r = backups.running;
    if (!r) return json(res, 200, { progress: null });
    const done = Math.min(1, (Date.now() - r.since) / BACKUP_MS);
    return json(res, 200, {
      progress: {
        operation: 'backup',
        stage: 'restic',
        startedAt: new Date(r.since).toISOString(),
        status: {
          percent: Math.round(done * 1000) / 10,
          filesDone: Math.round(214 * done),
          totalFiles: 214,
          bytesDone: Math.round(18_874_368 * done),
          totalBytes: 18_874_368,
          secondsElapsed: Math.round((done * BACKUP_MS) / 1000),
          secondsRemaining: Math.round(((1 - done) * BACKUP_MS) / 1000),
          currentFiles: [`${DEMO_VOLUME}/assets/photo-${Math.round(done * 40)}.jpg`],
        },
      },
    });
  }
  if (path === `${base}/policy` && req.method === 'GET')
    return json(res, 200, {
      compartment: 'demo',
      // a repository brings daily backups
      policy: backups.repository
        ? { schedule: 'daily 02:17', mode: 'stop', keep: { last: 0, daily: 7, weekly: 4, monthly: 6 } }
        : { schedule: 'off', mode: 'stop', keep: null },
      nextRun: backups.repository ? '2026-11-24T02:17:00.000Z' : null,
      lastRun: null,
      lastCheck: backups.lastCheck,
    });
  if (path === base && req.method === 'POST') {
    if (backups.running)
      return json(res, 409, { error: { code: 'conflict', message: 'A backup of demo is under way.' } });
    // the backup takes a moment: its progress is answered meanwhile
    backups.running = { since: Date.now() };
    setTimeout(() => {
      backups.running = null;
      backUp(res, body);
    }, BACKUP_MS);
    return true;
  }
  if (path === `${base}/restore` && req.method === 'POST') {
    const snap = backups.snapshots.find((s) => s.id === body.snapshot);
    if (!snap)
      return json(res, 404, { error: { code: 'not_found', message: `There is no snapshot ${body.snapshot}.` } });
    return json(res, 200, {
      compartment: 'demo',
      snapshot: snap.id,
      restored: [DEMO_VOLUME],
      restarted: ['web.service'],
      probes: 1,
      durationMs: 4300,
    });
  }
  const files = path.match(/^\/api\/compartments\/demo\/backups\/([0-9a-f]+)\/files$/);
  if (files && req.method === 'GET') {
    const snap = backups.snapshots.find((s) => s.id.startsWith(files[1]));
    if (!snap) return json(res, 404, { error: { code: 'not_found', message: `There is no snapshot ${files[1]}.` } });
    const at = new URL(req.url ?? '/', 'http://localhost').searchParams.get('path') ?? '/';
    const node = (name, type, size) => ({
      name,
      type,
      path: `${at}/${name}`,
      size,
      mode: type === 'dir' ? '0755' : '0644',
      uid: 33,
      gid: 33,
      mtime: snap.time,
    });
    const entries =
      at === '/'
        ? snap.paths.map((p) => ({ ...node(p, 'dir', null), path: p, mode: null, uid: null, gid: null, mtime: null }))
        : at === DEMO_VOLUME
          ? [node('index.html', 'file', 1250), node('assets', 'dir', null)]
          : [];
    return json(res, 200, { snapshot: snap.id, path: at, entries, truncated: false });
  }
  if (path === `${base}/restore-file` && req.method === 'POST') {
    const snap = backups.snapshots.find((s) => s.id === body.snapshot);
    if (!snap)
      return json(res, 404, { error: { code: 'not_found', message: `There is no snapshot ${body.snapshot}.` } });
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    return json(res, 200, {
      snapshot: snap.id,
      path: body.path,
      restored: body.path,
      previous: `${body.path}.before-restore-${stamp}`,
    });
  }
  if (path === `${base}/repository` && req.method === 'GET')
    return json(res, 200, backups.repository ? repositoryView(backups.repository) : null);
  if (path === `${base}/repository` && req.method === 'PUT') {
    const location = String(body.location ?? '').trim();
    if (location.startsWith('s3:') && !body.credentials)
      return json(res, 400, {
        error: {
          code: 'invalid',
          message: 'credentials: an s3: location needs the access key id and secret access key',
          details: {
            issues: [{ path: 'credentials', message: 'an s3: location needs the access key id and secret access key' }],
          },
        },
      });
    if (!/^(\/|sftp:|rest:https?:\/\/|s3:https?:\/\/)/.test(location))
      return json(res, 400, {
        error: {
          code: 'invalid',
          message: 'location: must be an absolute folder (/srv/backups/x) or sftp:USER@HOST:PATH',
          details: {
            issues: [
              { path: 'location', message: 'must be an absolute folder (/srv/backups/x) or sftp:USER@HOST:PATH' },
            ],
          },
        },
      });
    const previous = backups.repository;
    if (previous && !body.replace)
      return json(res, 409, {
        error: { code: 'conflict', message: `demo has a repository at ${previous}; replace it to use ${location}.` },
      });
    backups.repository = location;
    return json(res, 200, {
      ...repositoryView(location),
      password: REPO_PASSWORD,
      ...(previous ? { previous: { location: previous, password: REPO_PASSWORD } } : {}),
    });
  }
  if (path === `${base}/check` && req.method === 'POST') {
    if (!backups.repository)
      return json(res, 409, { error: { code: 'conflict', message: 'demo has no backup repository yet.' } });
    const output =
      'using temporary cache in /tmp/restic-check-cache\nload indexes\ncheck all packs\nno errors were found';
    backups.lastCheck = { at: now, ok: true, output };
    return json(res, 200, { ok: true, output });
  }
  return false;
}

// ------------------------------------------------------------------ the edge and its routes (in memory)

const EDGE_ROOT = `-----BEGIN CERTIFICATE-----
MIIBozCCAUmgAwIBAgIQFakeFakeFakeFakeFakeFakeMAoGCCqGSM49BAMCMDAxLjAs
-----END CERTIFICATE-----
`;
/** The fake's starting state: Caddy runs the stored configuration, internal TLS. */
const initialEdge = () => ({
  adminSocket: '/run/quadletman-edge/admin.sock',
  httpPort: 80,
  httpsPort: 443,
  tls: { mode: 'internal' },
});
let edge = initialEdge();

function edgeRoutes() {
  const https = edge.httpsPort === 443 ? '' : `:${edge.httpsPort}`;
  const certificate =
    edge.tls.mode === 'internal'
      ? { issuer: 'Caddy Local Authority - ECC Intermediate', validTo: '2026-11-30T08:00:00.000Z' }
      : { issuer: edge.tls.staging ? '(STAGING) False Fennel E6' : 'E6', validTo: '2027-02-21T08:00:00.000Z' };
  return [
    {
      compartment: 'demo',
      host: 'demo.example.test',
      path: '/',
      to: 'web:8080',
      port: 20000,
      url: `https://demo.example.test${https}/`,
      answer: 'HTTP 200',
      ok: true,
      certificate,
    },
    {
      compartment: 'demo',
      host: 'demo.example.test',
      path: '/admin',
      to: 'web:9090',
      port: 20001,
      url: `https://demo.example.test${https}/admin`,
      answer: 'HTTP 502 (the edge got no answer from 127.0.0.1:20001)',
      ok: false,
      certificate,
    },
  ];
}

const caddyfile = () => {
  const tls = edge.tls.mode === 'internal' ? 'tls internal' : `tls ${edge.tls.email}`;
  return `{
\tadmin unix/${edge.adminSocket}
\thttp_port ${edge.httpPort}
\thttps_port ${edge.httpsPort}
}

demo.example.test {
\t${tls}
\thandle /admin* {
\t\treverse_proxy 127.0.0.1:20001
\t}
\thandle {
\t\treverse_proxy 127.0.0.1:20000
\t}
}
${
  edge.self
    ? `
${edge.self.host} {
\t${tls}
\treverse_proxy 127.0.0.1:${edge.self.port}
}
`
    : ''
}`;
};

/** Answers an edge route; false: no such route. */
function edgeApi(req, res, path, body) {
  if (path === '/api/edge' && req.method === 'GET')
    return json(res, 200, {
      settings: edge,
      reachable: true,
      inSync: true,
      error: null,
      caddyfile: caddyfile(),
      hasRootCertificate: edge.tls.mode === 'internal',
      routes: edgeRoutes(),
      certificates: [
        {
          fingerprint:
            '66:8A:1C:9F:8F:BD:9A:54:0B:76:A9:D3:CA:72:FB:84:BD:8A:52:68:D3:65:DC:AA:5E:D8:D1:31:A8:A6:47:4A',
          hosts: ['app.example.test', '*.wild.example.test'],
          subject: 'CN=app.example.test',
          issuer: 'CN=quadletman test CA',
          validFrom: '2026-12-04T12:37:12.000Z',
          validTo: '2126-11-10T12:37:12.000Z',
          uploadedAt: '2026-12-04T12:40:00.000Z',
          serves: [],
        },
      ],
    });
  if (path === '/api/edge/ca.crt' && req.method === 'GET') {
    if (edge.tls.mode !== 'internal')
      return json(res, 404, { error: { code: 'not_found', message: 'The edge has no internal CA yet.' } });
    res.writeHead(200, {
      'content-type': 'application/x-pem-file',
      'content-disposition': 'attachment; filename="quadletman-edge-root.crt"',
    });
    return res.end(EDGE_ROOT);
  }
  if (path === '/api/edge/settings' && req.method === 'PUT') {
    // self: { host, port } sets the UI's own route (proxy self), null removes it, absent keeps it
    const { self, ...rest } = body ?? {};
    const next = { ...edge, ...rest };
    if (self === null) delete next.self;
    else if (self !== undefined) next.self = { host: self.host, port: self.port };
    if (next.self && edgeRoutes().some((r) => r.host === next.self.host))
      return json(res, 400, {
        error: { code: 'invalid', message: `${next.self.host} is routed by demo: the web UI needs a host of its own.` },
      });
    if (next.httpPort === next.httpsPort)
      return json(res, 400, {
        error: { code: 'invalid', message: `The HTTP and HTTPS ports must differ (both are ${next.httpPort}).` },
      });
    if (next.tls.mode === 'acme' && !/^[^@\s]+@[^@\s]+$/.test(next.tls.email ?? ''))
      return json(res, 400, { error: { code: 'invalid', message: 'tls.email: must be an e-mail address' } });
    edge = next;
    return json(res, 200, edge);
  }
  if (path === '/api/edge/sync' && req.method === 'POST') return json(res, 200, { outcome: 'in-sync' });
  return false;
}

// ------------------------------------------------------------------ stats and the admin's users and tokens

/** GET /api/compartments/demo/stats: the demo's one container, its CPU and memory moving from sample to sample. */
let statsSamples = 0;
function statsOf() {
  const n = statsSamples++;
  return {
    compartment: 'demo',
    at: new Date().toISOString(),
    memoryAvailable: true,
    containers: [
      {
        name: 'systemd-web',
        id: 'f'.repeat(64),
        cpuPercent: Math.round((2 + 1.5 * Math.sin(n) + (n % 3)) * 1000) / 1000,
        cpuNanos: 1_000_000_000 * (n + 1),
        memoryBytes: (24 + (n % 4)) * 1024 * 1024,
        memoryLimitBytes: 512 * 1024 * 1024,
        memoryPercent: ((24 + (n % 4)) / 512) * 100,
        pids: 3,
      },
    ],
  };
}

/** The users (demo, a global admin; viewer, a global viewer) with their grants, and the API tokens. */
const initialGrants = () => [
  { username: 'demo', compartment: '*', role: 'admin', createdAt: now },
  { username: 'viewer', compartment: '*', role: 'viewer', createdAt: now },
];
let grants = initialGrants();
let tokens = [];

/** The admin routes of users, grants and tokens; false for any other. The last global admin stays. */
function adminApi(req, res, path, body) {
  if (path === '/api/admin/users' && req.method === 'GET')
    return json(
      res,
      200,
      ['demo', 'viewer'].map((username) => ({
        username,
        kind: 'local',
        createdAt: now,
        passwordChangedAt: null,
        grants: grants.filter((g) => g.username === username),
      })),
    );
  const m = /^\/api\/admin\/users\/([^/]+)\/grants\/([^/]+)$/.exec(path);
  if (m) {
    const [username, scope] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
    if (scope !== '*' && scope !== 'demo')
      return json(res, 404, { error: { code: 'not_found', message: `No compartment ${scope}.` } });
    const others = grants.filter((g) => !(g.username === username && g.compartment === scope));
    const lastAdmin = username === 'demo' && scope === '*' && (req.method === 'DELETE' || body.role !== 'admin');
    if (lastAdmin)
      return json(res, 409, {
        error: {
          code: 'conflict',
          message: 'This would leave no global administrator; make someone else admin first.',
        },
      });
    if (req.method === 'PUT') {
      const g = { username, compartment: scope, role: body.role, createdAt: now };
      grants = [...others, g];
      return json(res, 200, g);
    }
    if (req.method === 'DELETE') {
      grants = others;
      res.writeHead(204).end();
      return;
    }
  }
  if (path === '/api/admin/tokens' && req.method === 'GET') return json(res, 200, tokens);
  if (path === '/api/admin/tokens' && req.method === 'POST') {
    const id = `tok${tokens.length + 1}`;
    tokens = [
      ...tokens,
      {
        id,
        name: body.name,
        username: 'demo',
        role: body.role,
        compartment: body.compartment ?? '*',
        createdAt: now,
        lastUsedAt: null,
        revokedAt: null,
      },
    ];
    return json(res, 201, { id, token: `qm_${id}_${GENERATED}` });
  }
  const t = /^\/api\/admin\/tokens\/([^/]+)$/.exec(path);
  if (t && req.method === 'DELETE') {
    tokens = tokens.filter((x) => x.id !== t[1]);
    res.writeHead(204).end();
    return;
  }
  return false;
}

// ------------------------------------------------------------------ plan (of the unit editor's drafts)

/** The unit files a spec may hold as text: Quadlet units beside the systemd units quadletman renders as they are. */
const QUADLET_SUFFIXES = ['container', 'pod', 'network', 'volume', 'image', 'build', 'kube', 'artifact'];
const SYSTEMD_SUFFIXES = ['timer', 'socket', 'service', 'target'];
const UNIT_FILE = new RegExp(
  `^[A-Za-z0-9][A-Za-z0-9_.@-]*\\.(${[...QUADLET_SUFFIXES, ...SYSTEMD_SUFFIXES].join('|')})$`,
);
const demoUnits = () => ({ 'web.container': webContainer });
const unitPath = (name) =>
  SYSTEMD_SUFFIXES.includes(name.slice(name.lastIndexOf('.') + 1))
    ? `.config/systemd/user/${name}`
    : `.config/containers/systemd/${name}`;
const linesOf = (text) => (text === undefined ? [] : text.replace(/\n$/, '').split('\n'));
/** A whole-file diff: enough for the plan view (the real server gives a unified diff with context). */
const fileDiff = (path, before, after) =>
  [
    `--- ${before === undefined ? '/dev/null' : `a/${path}`}`,
    `+++ ${after === undefined ? '/dev/null' : `b/${path}`}`,
    ...linesOf(before).map((l) => `-${l}`),
    ...linesOf(after).map((l) => `+${l}`),
  ].join('\n');

/** POST /api/compartments/demo/plan: the files the spec's text units become against the demo's one unit. A timer
 * or a socket that is new is started, one that changes restarted; a name that is no unit file is refused. */
function planOf(spec) {
  const units = spec && typeof spec.units === 'object' && spec.units !== null ? spec.units : {};
  const issues = [];
  const desired = {};
  for (const [name, u] of Object.entries(units)) {
    if (!UNIT_FILE.test(name)) issues.push({ path: `units.${name}`, message: 'must be a unit file name' });
    else if (typeof u?.text !== 'string')
      issues.push({ path: `units.${name}`, message: 'the fake takes text units only' });
    else if (/[\0]/.test(u.text)) issues.push({ path: `units.${name}.text`, message: 'must not contain NUL' });
    else desired[name] = u.text;
  }
  if (issues.length > 0) return { error: { code: 'invalid', message: 'The spec is not valid.', details: { issues } } };
  const current = demoUnits();
  const changes = [];
  const unchanged = [];
  const start = [];
  const restart = [];
  const stop = [];
  const serviceOf = (name) => {
    const dot = name.lastIndexOf('.');
    const ext = name.slice(dot + 1);
    if (SYSTEMD_SUFFIXES.includes(ext)) return ext === 'timer' || ext === 'socket' ? name : undefined;
    return ext === 'container' || ext === 'kube' ? `${name.slice(0, dot)}.service` : undefined;
  };
  for (const name of [...new Set([...Object.keys(current), ...Object.keys(desired)])].sort()) {
    const path = unitPath(name);
    const [before, after] = [current[name], desired[name]];
    if (before === after) {
      unchanged.push(path);
      continue;
    }
    const kind = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    changes.push({ path, kind, diff: fileDiff(path, before, after) });
    const unit = serviceOf(name);
    if (unit) (kind === 'added' ? start : kind === 'removed' ? stop : restart).push(unit);
  }
  const noop = changes.length === 0;
  return {
    plan: { changes, unchanged, units: { start, restart, stop }, reload: !noop, noop },
    diagnostics: [],
    podmanVersion: null,
  };
}

/** Reads a JSON request body, then answers from `handle`. */
function withBody(req, res, handle) {
  let text = '';
  req.on('data', (c) => {
    text += c;
  });
  req.on('end', () => {
    let body = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return json(res, 400, { error: { code: 'invalid', message: 'the body is not JSON' } });
    }
    handle(body);
  });
}

function api(req, res, path) {
  if (path === '/api/auth/setup') return json(res, 200, { required: false });
  if (path === '/api/auth/login' && req.method === 'POST') {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const { username, password } = JSON.parse(body || '{}');
      const who =
        username === 'demo' && password === 'demo'
          ? '1'
          : username === 'viewer' && password === 'viewer'
            ? 'viewer'
            : undefined;
      if (!who) return json(res, 401, { error: { code: 'unauthorized', message: 'Wrong user name or password.' } });
      res.setHeader('set-cookie', `fake-session=${who}; Path=/; HttpOnly; SameSite=Strict`);
      json(res, 200, who === 'viewer' ? viewerSession : session);
    });
    return;
  }
  if (!loggedIn(req)) return json(res, 401, { error: { code: 'unauthorized', message: 'Nobody is logged in.' } });
  if (path === '/api/auth/session') return json(res, 200, sessionOf(req));
  if (path === '/api/doctor') return json(res, 200, doctor);
  if (path === '/api/compartments')
    return json(res, 200, {
      compartments: [
        {
          ...compartment,
          units: 1,
          unitStates: { active: 1 },
          containerStates: { running: 1 },
          otherStates: {},
          statusAt: now,
          updates: 0,
          backupFailed: null,
        },
      ],
    });
  if (path === '/api/compartments/demo') return json(res, 200, { ...compartment, units, history: [] });
  if (path === '/api/compartments/demo/spec')
    return json(res, 200, {
      spec: { compartment: 'demo', units: { 'web.container': { text: webContainer } } },
      yaml: '',
    });
  if (path === '/api/compartments/demo/revisions') return json(res, 200, { revisions: [] });
  if (path === '/api/compartments/demo/plan' && req.method === 'POST')
    return withBody(req, res, (body) => {
      const out = planOf(body.spec);
      json(res, out.error ? 400 : 200, out);
    });
  if (path === '/api/compartments/demo/dependencies') return json(res, 200, dependencies);
  if (path === '/api/compartments/demo/stats') return json(res, 200, statsOf());
  if (path.startsWith('/api/admin/'))
    return withBody(req, res, (body) => {
      if (adminApi(req, res, path, body) === false)
        json(res, 404, { error: { code: 'not_found', message: `Route ${req.method}:${path} not found` } });
    });
  if (path.startsWith('/api/system/self-backup') && selfBackupApi(req, res, path) !== false) return;
  // the audit log: only the newest backup of quadletman's own state (the dashboard asks for it)
  if (path === '/api/audit' && new URL(req.url, 'http://x').searchParams.get('action') === 'backup.self') {
    settleSelfBackup();
    const run = selfBackup.lastRun;
    return json(res, 200, {
      entries: [
        {
          id: 41,
          at: run.finishedAt,
          actor: 'root',
          actorKind: 'cli',
          address: 'local',
          action: 'backup.self',
          target: 'system:quadletman',
          compartment: null,
          result: run.ok ? 'ok' : 'failed',
          details: run.ok ? { snapshot: run.snapshot } : { error: run.error },
          hash: 'f'.repeat(64),
        },
      ],
    });
  }
  if (path.startsWith('/api/compartments/demo/backups'))
    return withBody(req, res, (body) => {
      if (backupsApi(req, res, path, body) === false)
        json(res, 404, { error: { code: 'not_found', message: `Route ${req.method}:${path} not found` } });
    });
  if (path === '/api/connections' && req.method === 'GET')
    return json(res, 200, {
      enforced: true,
      address: '169.254.1.3',
      connections: [
        { provider: 'demo', service: 'web', to: 'web:8080', port: 30001, consumers: [] },
        {
          provider: 'pg',
          service: 'db',
          to: 'postgres:5432',
          port: 30000,
          consumers: [{ compartment: 'demo', as: 'DB' }],
        },
        { provider: 'redis', service: 'cache', to: 'redis:6379', port: 30002, consumers: [] },
      ],
    });
  if (path.startsWith('/api/edge'))
    return withBody(req, res, (body) => {
      if (edgeApi(req, res, path, body) === false)
        json(res, 404, { error: { code: 'not_found', message: `Route ${req.method}:${path} not found` } });
    });
  if (
    path.startsWith('/api/templates') ||
    path.startsWith('/api/catalog') ||
    /^\/api\/compartments\/demo\/(origin|template)$/.test(path)
  )
    return withBody(req, res, (body) => {
      if (templatesApi(req, res, path, body) === false)
        json(res, 404, { error: { code: 'not_found', message: `Route ${req.method}:${path} not found` } });
    });
  return json(res, 404, { error: { code: 'not_found', message: `Route ${req.method}:${path} not found` } });
}

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return json(res, 200, { ok: true });
  if (url.pathname === '/__reset' && req.method === 'POST') {
    templates = initialTemplates();
    catalog = initialCatalog();
    backups = initialBackups();
    selfBackup = initialSelfBackup();
    edge = initialEdge();
    grants = initialGrants();
    tokens = [];
    statsSamples = 0;
    return json(res, 200, { ok: true });
  }
  if (url.pathname.startsWith('/api/')) return api(req, res, url.pathname);
  const file = normalize(join(root, decodeURIComponent(url.pathname)));
  const target = file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
  createReadStream(target).pipe(res);
}).listen(port, '127.0.0.1', () => console.log(`serving ${root} on http://127.0.0.1:${port}`));
