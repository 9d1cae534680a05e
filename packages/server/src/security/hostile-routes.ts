// Hostile values in the routes beside the spec: config files (path in the URL, content, mode), secrets and
// registry logins (names, registry host, user name: they reach podman's argv), volume, secret and registry
// names in URLs, unit names for start/stop/restart, compartment ids in every kind of URL, and compartment
// creation. Names in URLs are sent over a real loopback connection, percent-encoded byte by byte, so no client
// normalizes them (`..`) or cuts them (`?`, `#`) on the way.
//
// Refused: a 4xx whose error names the field (a validation error at its path, a spec issue at its path, or a
// message that quotes the value), and nothing ran and nothing changed. Accepted: the host holds exactly that
// file, or the argv recorded is exactly the command the adapter documents with the value as one argument, after
// `--` (a value in front of `--` must not start with `-`), and secrets and passwords only on stdin.
import { isDeepStrictEqual } from 'node:util';
import { type CompartmentId, CompartmentIdSchema, compartmentUser, LinuxUserSchema } from '../core/ids.js';
import { FILES_DIR, QUADLET_DIR } from '../core/layout.js';
import { formatPath } from '../core/spec-sections.js';
import type { FakeCall } from '../host/fake-exec.js';
import { authFile } from '../host/podman.js';
import { COMPARTMENT, names } from './hostile-fields.js';
import {
  type Answer,
  call,
  encodeSegment,
  rawCall,
  SESSION,
  type Stage,
  type Tally,
  USER_PREFIX,
} from './hostile-harness.js';
import { show } from './hostile-values.js';

interface ApiError {
  code?: string;
  message?: string;
  details?: {
    issues?: { path: string }[];
    validation?: { instancePath?: string }[];
    path?: string;
    diagnostics?: unknown[];
    lint?: unknown[];
    problems?: string[];
  };
}

/** The error of an answer in either shape (the one error shape, or Fastify's own for a bad URL). */
export function errorOf(res: Answer): ApiError {
  const j = res.json() as { error?: ApiError | string; message?: string; code?: string };
  if (typeof j.error === 'object' && j.error) return j.error;
  return { code: j.code ?? '', message: j.message ?? '' };
}

/**
 * A refusal of the URL itself, before any route: a percent-encoding no decoder takes (a lone surrogate), a
 * parameter over the router's length limit, or a request line over Node's header limit. The URL is the value.
 * (These answers come from Fastify and Node, not in the API's one error shape.)
 */
export function routerRefusal(res: Answer): boolean {
  if (res.status === 414 || res.status === 431) return true;
  const e = errorOf(res);
  return e.code === 'FST_ERR_BAD_URL' || e.code === 'FST_ERR_MAX_PARAM_LENGTH';
}

/**
 * Whether a refusal names the value: a validation error at one of `instancePaths`, a spec issue at `specPath`,
 * a URL the router could not decode (the value is the URL), or a message that quotes the value.
 */
export function namesValue(
  res: Answer,
  value: string,
  opts: { instancePaths?: string[]; specPath?: string; words?: string[] } = {},
): boolean {
  const e = errorOf(res);
  const msg = e.message ?? '';
  if (routerRefusal(res)) return true;
  const v = e.details?.validation ?? [];
  if (opts.instancePaths && v.some((x) => opts.instancePaths!.includes(x.instancePath ?? ''))) return true;
  if (opts.instancePaths?.some((p) => msg.includes(`${p.slice(1)} `) || msg.includes(`/${p.slice(1)}`))) {
    if (v.length > 0) return true;
  }
  if (opts.specPath && (e.details?.issues ?? []).some((i) => names(i.path, opts.specPath!))) return true;
  if (value !== '' && (msg.includes(value) || msg.includes(JSON.stringify(value).slice(1, -1)))) return true;
  if (opts.words?.some((w) => msg.includes(w))) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// argv

const PREFIX = USER_PREFIX;
const AUTH = authFile(SESSION);

/** Problems of one recorded call: NUL anywhere, a hostile-looking option in front of `--`. */
function argvProblems(c: FakeCall, values: readonly string[]): string[] {
  const out: string[] = [];
  if (c.argv.some((a) => a.includes('\0'))) out.push(`argv holds NUL: ${show(c.argv)}`);
  const end = c.argv.lastIndexOf('--');
  c.argv.forEach((a, i) => {
    if (end >= 0 && i > end) return; // an operand
    if (a.startsWith('-') && values.includes(a)) {
      out.push(`${show(a)} stands where an option is read (argument ${i}, before --): ${show(c.argv)}`);
    }
  });
  return out;
}

/** The calls since `mark` whose podman subcommand is `sub` (e.g. ['secret', 'create']). */
const podmanCalls = (stage: Stage, mark: number, sub: readonly string[]) =>
  stage.exec.since(mark).filter((c) => {
    const i = c.argv.indexOf('podman');
    return i >= 0 && sub.every((s, j) => c.argv[i + 1 + j] === s);
  });

function checkCalls(
  tally: Tally,
  family: string,
  field: string,
  value: unknown,
  calls: FakeCall[],
  expected: string[],
  stdin?: string,
  hostileValues: string[] = [],
): void {
  if (calls.length !== 1) {
    tally.injection(family, field, value, `${calls.length} matching commands ran, expected 1`);
    return;
  }
  const c = calls[0]!;
  if (!isDeepStrictEqual(c.argv, expected)) {
    tally.injection(family, field, value, `argv ${show(c.argv, 400)}, expected ${show(expected, 400)}`);
  }
  for (const p of argvProblems(c, hostileValues)) tally.injection(family, field, value, p);
  if (stdin !== undefined && c.options.input !== stdin) tally.injection(family, field, value, 'stdin is not the value');
  if (stdin !== undefined && c.argv.some((a) => a.includes(stdin) && stdin.length > 3)) {
    tally.injection(family, field, value, 'the secret is on the command line');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Config files

const snapshotFiles = (stage: Stage) => {
  const h = stage.hosts.get(COMPARTMENT)!;
  return {
    files: new Map(h.files),
    modes: new Map(h.modes),
    writes: h.writes,
    state: JSON.stringify(stage.ctx.app.store.compartments.loadState(COMPARTMENT as CompartmentId) ?? null),
  };
};

function diffFiles(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, t] of b) if (a.get(p) !== t) out.push(p);
  for (const p of a.keys()) if (!b.has(p)) out.push(p);
  return out;
}

export interface FileValue {
  path: string;
  content: string;
  mode?: unknown;
  in?: unknown;
}

/** PUT, GET and DELETE of one config file. */
export async function configFile(stage: Stage, tally: Tally, v: FileValue): Promise<void> {
  const family = 'route-files';
  const url = `/api/compartments/${COMPARTMENT}/files/${encodeSegment(v.path)}`;
  const specPath = formatPath(['files', v.path]);
  const before = snapshotFiles(stage);
  tally.sent(family, 2);
  const body: Record<string, unknown> = { content: v.content };
  if (v.mode !== undefined) body.mode = v.mode;
  if (v.in !== undefined) body.in = v.in;
  const res = await rawCall(stage, 'PUT', url, body);
  const after = snapshotFiles(stage);
  const changed = diffFiles(before.files, after.files);
  const field = `files/* (mode ${show(v.mode)}, in ${show(v.in)})`;
  const outcome = res.status === 200 ? String(res.json().outcome) : '';
  if (res.status >= 400 || outcome === 'refused') {
    tally.refuse(family);
    const named =
      outcome === 'refused'
        ? (res.json().diagnostics as { path: string }[]).some((r) => r.path.endsWith(`/${v.path}`))
        : namesValue(res, v.path, { instancePaths: ['/*', '/content', '/mode', '/in'], specPath });
    if (!named) tally.unclearRefusal(family, field, v, `refused without naming it: ${show(errorOf(res).message, 300)}`);
    if (changed.length > 0 || after.state !== before.state) {
      tally.unclearRefusal(family, field, v, `refused, but changed ${changed.join(', ') || 'the stored state'}`);
    }
    return;
  }
  if (res.status !== 200 || (outcome !== 'applied' && outcome !== 'noop')) {
    tally.unclearRefusal(family, field, v, `status ${res.status} ${outcome}: ${show(res.body, 300)}`);
    return;
  }
  tally.accept(family);
  const state = stage.ctx.app.compartments.state(COMPARTMENT);
  const f = state.files[v.path];
  const target = `${f?.in === 'quadlet' ? QUADLET_DIR : FILES_DIR}/${v.path}`;
  if (!f) tally.injection(family, field, v, 'accepted, but the stored state has no such file');
  if (v.path.split('/').some((s) => s === '..' || s === '.' || s === '') || v.path.startsWith('/')) {
    tally.injection(family, field, v, `accepted a path that leaves its folder: ${target}`);
  }
  if (after.files.get(target) !== v.content) tally.injection(family, field, v, `${target} does not hold the content`);
  for (const p of changed) if (p !== target) tally.injection(family, field, v, `another file changed: ${p}`);
  if (typeof v.mode === 'number' && after.modes.get(target) !== v.mode) {
    tally.injection(family, field, v, `mode ${after.modes.get(target)?.toString(8)}, sent ${v.mode.toString(8)}`);
  }
  // read it back, then remove it
  tally.sent(family);
  const got = await rawCall(stage, 'GET', url);
  if (got.status !== 200 || got.json().content !== v.content || got.json().path !== v.path) {
    tally.injection(family, `GET ${field}`, v, `reads back ${show(got.body, 200)}`);
  }
  const del = await rawCall(stage, 'DELETE', url);
  const gone = snapshotFiles(stage);
  if (del.status !== 200 || gone.files.has(target) || diffFiles(after.files, gone.files).some((p) => p !== target)) {
    tally.injection(
      family,
      `DELETE ${field}`,
      v,
      `delete answered ${del.status}; changed ${diffFiles(after.files, gone.files)}`,
    );
  }
}

/** GET and DELETE of a config file that does not exist. */
export async function missingFile(stage: Stage, tally: Tally, p: string): Promise<void> {
  const family = 'route-files';
  const url = `/api/compartments/${COMPARTMENT}/files/${encodeSegment(p)}`;
  const before = snapshotFiles(stage);
  for (const method of ['GET', 'DELETE']) {
    if (stage.ctx.app.compartments.state(COMPARTMENT).files[p]) return;
    tally.sent(family);
    const res = await rawCall(stage, method, url);
    if (res.status < 400) {
      tally.injection(family, `${method} files/*`, p, `answered ${res.status} for a file that is not there`);
      continue;
    }
    tally.refuse(family);
    if (!namesValue(res, p, { instancePaths: ['/*'] }) && !/^No route/.test(errorOf(res).message ?? '')) {
      tally.unclearRefusal(family, `${method} files/*`, p, `refused without naming it: ${show(errorOf(res).message)}`);
    }
  }
  const after = snapshotFiles(stage);
  if (diffFiles(before.files, after.files).length > 0 || after.state !== before.state) {
    tally.injection(family, 'files/*', p, 'a refused request changed the files');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Secrets

export async function secret(stage: Stage, tally: Tally, name: string, value: string, replace: boolean): Promise<void> {
  const family = 'route-secrets';
  tally.sent(family, 2);
  const exists = stage.exec.secretNames.has(name);
  const mark = stage.exec.mark();
  const res = await call(stage, 'POST', `/api/compartments/${COMPARTMENT}/secrets`, { name, value, replace });
  const created = podmanCalls(stage, mark, ['secret', 'create']);
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesValue(res, name, { instancePaths: ['/name', '/value'] })) {
      tally.unclearRefusal(family, 'secrets.name/value', { name, value }, show(errorOf(res).message));
    }
    if (created.length > 0) tally.injection(family, 'secrets.name', name, `refused, but ran ${show(created[0]!.argv)}`);
    return;
  }
  tally.accept(family);
  checkCalls(
    tally,
    family,
    'secrets.name',
    name,
    created,
    [...PREFIX, 'podman', 'secret', 'create', ...(exists ? ['--replace'] : []), '--', name, '-'],
    value,
    [name],
  );
  stage.exec.secretNames.add(name);
}

export async function deleteSecret(stage: Stage, tally: Tally, name: string): Promise<void> {
  const family = 'route-secrets';
  tally.sent(family);
  // the host claims such a secret exists, whatever its name: the route alone must keep the name out of argv
  stage.exec.secretNames.add(name);
  const mark = stage.exec.mark();
  const res = await rawCall(stage, 'DELETE', `/api/compartments/${COMPARTMENT}/secrets/${encodeSegment(name)}`);
  stage.exec.secretNames.delete(name);
  const removed = podmanCalls(stage, mark, ['secret', 'rm']);
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesValue(res, name, { instancePaths: ['/name'] })) {
      tally.unclearRefusal(family, 'DELETE secrets/:name', name, show(errorOf(res).message));
    }
    if (removed.length > 0)
      tally.injection(family, 'DELETE secrets/:name', name, `refused, but ran ${show(removed[0]!.argv)}`);
    return;
  }
  tally.accept(family);
  checkCalls(
    tally,
    family,
    'DELETE secrets/:name',
    name,
    removed,
    [...PREFIX, 'podman', 'secret', 'rm', '--ignore', '--', name],
    undefined,
    [name],
  );
}

// ---------------------------------------------------------------------------------------------------------
// Registry logins

export async function login(
  stage: Stage,
  tally: Tally,
  registry: string,
  username: string,
  password: string,
): Promise<void> {
  const family = 'route-registries';
  tally.sent(family, 3);
  const mark = stage.exec.mark();
  const res = await call(stage, 'POST', `/api/compartments/${COMPARTMENT}/registries`, {
    registry,
    username,
    password,
  });
  // after a login the answer lists the declared registries, each asked with `podman login --get-login`: those are
  // judged on their own (one operand after --, no hostile value where an option is read)
  const all = podmanCalls(stage, mark, ['login']);
  const ran = all.filter((c) => !c.argv.includes('--get-login'));
  const v = { registry, username };
  for (const c of all.filter((x) => x.argv.includes('--get-login'))) {
    const shape = [...PREFIX, 'podman', 'login', '--authfile', AUTH, '--get-login', '--'];
    const operand = c.argv.slice(shape.length);
    if (
      !isDeepStrictEqual(c.argv.slice(0, shape.length), shape) ||
      operand.length !== 1 ||
      operand[0]!.startsWith('-')
    ) {
      tally.injection(family, 'registries (list)', v, `argv ${show(c.argv, 400)}`);
    }
    for (const p of argvProblems(c, [registry, username])) tally.injection(family, 'registries (list)', v, p);
  }
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesValue(res, registry, { instancePaths: ['/registry', '/username', '/password'], words: [username] })) {
      tally.unclearRefusal(family, 'registries.{registry,username}', v, show(errorOf(res).message));
    }
    if (ran.length > 0) tally.injection(family, 'registries', v, `refused, but ran ${show(ran[0]!.argv)}`);
    return;
  }
  tally.accept(family);
  checkCalls(
    tally,
    family,
    'registries.{registry,username}',
    v,
    ran,
    [...PREFIX, 'podman', 'login', '--authfile', AUTH, '--username', username, '--password-stdin', '--', registry],
    password,
    [registry, username],
  );
}

export async function logout(stage: Stage, tally: Tally, registry: string): Promise<void> {
  const family = 'route-registries';
  tally.sent(family);
  const mark = stage.exec.mark();
  const res = await rawCall(stage, 'DELETE', `/api/compartments/${COMPARTMENT}/registries/${encodeSegment(registry)}`);
  const ran = podmanCalls(stage, mark, ['logout']);
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesValue(res, registry, { instancePaths: ['/registry'] })) {
      tally.unclearRefusal(family, 'DELETE registries/:registry', registry, show(errorOf(res).message));
    }
    if (ran.length > 0) tally.injection(family, 'DELETE registries/:registry', registry, `ran ${show(ran[0]!.argv)}`);
    return;
  }
  tally.accept(family);
  checkCalls(
    tally,
    family,
    'DELETE registries/:registry',
    registry,
    ran,
    [...PREFIX, 'podman', 'logout', '--authfile', AUTH, '--', registry],
    undefined,
    [registry],
  );
}

// ---------------------------------------------------------------------------------------------------------
// Volumes

export async function deleteVolume(stage: Stage, tally: Tally, name: string, kind?: 'host' | 'podman'): Promise<void> {
  const family = 'route-volumes';
  tally.sent(family);
  // the host lists a Podman volume of that name, whatever it is
  stage.exec.volumeNames = new Set([name]);
  const mark = stage.exec.mark();
  const q = kind ? `?kind=${kind}` : '';
  const res = await rawCall(stage, 'DELETE', `/api/compartments/${COMPARTMENT}/volumes/${encodeSegment(name)}${q}`);
  stage.exec.volumeNames = new Set();
  const removed = podmanCalls(stage, mark, ['volume', 'rm']);
  const field = `DELETE volumes/:name${q}`;
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesValue(res, name, { instancePaths: ['/name'] }))
      tally.unclearRefusal(family, field, name, show(errorOf(res).message));
    if (removed.length > 0) tally.injection(family, field, name, `refused, but ran ${show(removed[0]!.argv)}`);
    return;
  }
  tally.accept(family);
  checkCalls(tally, family, field, name, removed, [...PREFIX, 'podman', 'volume', 'rm', '--', name], undefined, [name]);
  for (const c of stage.exec.since(mark)) {
    // du and stat run as the compartment user (runuser … -- env … du …): the options are those after the tool
    const tool = c.argv.findIndex((a) => a === 'du' || a === 'stat');
    const end = c.argv.indexOf('--', tool);
    if (tool >= 0 && c.argv.slice(tool, end).some((a) => a.includes(`/m/${name}`))) {
      tally.injection(family, field, name, `the volume's path stands in front of -- in ${show(c.argv)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Units, compartment ids, compartments

export async function controlUnits(stage: Stage, tally: Tally, action: string, units: string[]): Promise<void> {
  const family = 'route-units';
  tally.sent(family, units.length + (['start', 'stop', 'restart'].includes(action) ? 0 : 1));
  const known = new Set((await stage.ctx.app.compartments.units(COMPARTMENT)).flatMap((u) => [u.unit, u.source]));
  const mark = stage.exec.mark();
  const res = await rawCall(stage, 'POST', `/api/compartments/${COMPARTMENT}/units/${encodeSegment(action)}`, {
    units,
  });
  const systemctl = stage.exec.since(mark).filter((c) => c.argv.includes('systemctl'));
  const v = { action, units };
  if (res.status >= 400) {
    tally.refuse(family);
    const named =
      namesValue(res, action, { instancePaths: ['/action', '/units'] }) ||
      units.some((u) => namesValue(res, u, { instancePaths: units.map((_, i) => `/units/${i}`) }));
    if (!named) tally.unclearRefusal(family, 'units/:action {units}', v, show(errorOf(res).message));
    const acted = systemctl.filter((c) => ['start', 'stop', 'restart'].some((verb) => c.argv.includes(verb)));
    if (acted.length > 0) tally.injection(family, 'units', v, `refused, but ran ${show(acted[0]!.argv)}`);
    return;
  }
  tally.accept(family);
  for (const c of systemctl) {
    const end = c.argv.lastIndexOf('--');
    for (const a of c.argv.slice(end + 1)) {
      if (!known.has(a) && !known.has(a.replace(/\.service$/, ''))) {
        tally.injection(family, 'units', v, `systemctl was given ${show(a)}, not a unit of the compartment`);
      }
    }
  }
}

/** A hostile compartment id in the URL of routes of every kind. */
export async function compartmentInUrl(
  stage: Stage,
  tally: Tally,
  id: string,
  existing: ReadonlySet<string>,
): Promise<void> {
  const family = 'route-ids';
  if (existing.has(id)) return;
  const e = encodeSegment(id);
  const requests: [string, string, unknown][] = [
    ['GET', `/api/compartments/${e}/spec`, undefined],
    ['PUT', `/api/compartments/${e}/spec`, { spec: { compartment: id } }],
    ['PUT', `/api/compartments/${e}/files/x.env`, { content: 'A=1\n' }],
    ['POST', `/api/compartments/${e}/secrets`, { name: 'x', value: 'v' }],
    ['GET', `/api/compartments/${e}/export`, undefined],
    ['POST', `/api/compartments/${e}/explain`, { unit: 'a.container', files: { 'a.container': '[Container]\n' } }],
    ['DELETE', `/api/compartments/${e}`, undefined],
  ];
  const pick = requests[(id.length * 31 + (id.charCodeAt(0) || 0)) % requests.length]!;
  tally.sent(family);
  const mark = stage.exec.mark();
  const before = snapshotFiles(stage);
  const res = await rawCall(stage, pick[0], pick[1], pick[2]);
  if (res.status < 400) {
    tally.injection(family, `${pick[0]} ${pick[1].replace(e, ':id')}`, id, `answered ${res.status}`);
    return;
  }
  tally.refuse(family);
  if (
    !namesValue(res, id, { instancePaths: ['/id'], words: ['compartment'] }) &&
    !/^No route/.test(errorOf(res).message ?? '')
  ) {
    tally.unclearRefusal(family, `${pick[0]} ${pick[1].replace(e, ':id')}`, id, show(errorOf(res).message));
  }
  const ran = stage.exec.since(mark).filter((c) => c.argv.some((a) => a.includes(id) && id.length > 2));
  if (ran.length > 0) tally.injection(family, ':id', id, `ran ${show(ran[0]!.argv)}`);
  const after = snapshotFiles(stage);
  if (diffFiles(before.files, after.files).length > 0) tally.injection(family, ':id', id, 'changed the files of h');
}

export async function createCompartment(
  stage: Stage,
  tally: Tally,
  body: { id: unknown; description?: unknown; podmanVersion?: unknown },
): Promise<void> {
  const family = 'route-create';
  tally.sent(family, 1 + (body.description !== undefined ? 1 : 0) + (body.podmanVersion !== undefined ? 1 : 0));
  const before = new Set(stage.ctx.accounts);
  const res = await call(stage, 'POST', '/api/compartments', body);
  const added = [...stage.ctx.accounts].filter((a) => !before.has(a));
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesValue(res, String(body.id), { instancePaths: ['/id', '/description', '/podmanVersion'] })) {
      tally.unclearRefusal(family, 'POST /api/compartments', body, show(errorOf(res).message));
    }
    if (added.length > 0) tally.injection(family, 'id', body, `refused, but made the account ${show(added)}`);
    return;
  }
  tally.accept(family);
  const id = String(body.id);
  if (
    !CompartmentIdSchema.safeParse(id).success ||
    !LinuxUserSchema.safeParse(compartmentUser(id as CompartmentId)).success
  ) {
    tally.injection(family, 'id', body, `created a compartment (and user) from an invalid id ${show(id)}`);
  }
  if (!isDeepStrictEqual(added, [id])) tally.injection(family, 'id', body, `made the accounts ${show(added)}`);
  const got = await call(stage, 'GET', `/api/compartments/${encodeSegment(id)}`);
  if (got.json().description !== (body.description ?? '')) {
    tally.injection(family, 'description', body, `reads back ${show(got.json().description)}`);
  }
  const del = await call(stage, 'DELETE', `/api/compartments/${encodeSegment(id)}`);
  if (del.status !== 200) tally.note(family, 'id', body, `could not delete it again: ${del.status}`);
}

/** A hostile revision number in the URL, or in a roll back. */
export async function revision(stage: Stage, tally: Tally, v: unknown): Promise<void> {
  const family = 'route-revisions';
  tally.sent(family);
  const before = snapshotFiles(stage);
  const rollback = typeof v !== 'string' || v.length % 2 === 0;
  const res = rollback
    ? await call(stage, 'POST', `/api/compartments/${COMPARTMENT}/rollback`, { revision: v })
    : await rawCall(stage, 'GET', `/api/compartments/${COMPARTMENT}/revisions/${encodeSegment(v)}`);
  const field = rollback ? 'rollback {revision}' : 'revisions/:number';
  if (res.status < 400) {
    // the number is read as a number (`z.coerce`: "0x1" and " 1" are 1): the revision it names must exist
    const n = Number(v);
    const exists = Number.isInteger(n) && n >= 1 && stage.ctx.app.store.revisions.get(COMPARTMENT as CompartmentId, n);
    if (!exists) tally.injection(family, field, v, `answered ${res.status} for no revision`);
    else tally.accept(family);
    return;
  }
  tally.refuse(family);
  if (!namesValue(res, String(v), { instancePaths: ['/number', '/revision'], words: ['revision'] })) {
    tally.unclearRefusal(family, field, v, show(errorOf(res).message));
  }
  const after = snapshotFiles(stage);
  if (diffFiles(before.files, after.files).length > 0 || after.state !== before.state) {
    tally.unclearRefusal(family, field, v, 'refused, but changed the files');
  }
}

/** A compartment's journal: the unit and the time in the query reach journalctl's argv. */
export async function logs(
  stage: Stage,
  tally: Tally,
  unit: string | undefined,
  since: string | undefined,
): Promise<void> {
  const family = 'route-logs';
  tally.sent(family, (unit !== undefined ? 1 : 0) + (since !== undefined ? 1 : 0));
  const q = [
    ...(unit !== undefined ? [`unit=${encodeSegment(unit)}`] : []),
    ...(since !== undefined ? [`since=${encodeSegment(since)}`] : []),
  ].join('&');
  const mark = stage.ctx.exec.calls.length;
  const res = await rawCall(stage, 'GET', `/api/compartments/${COMPARTMENT}/logs?${q}`);
  // the journal reads of the route (host/journal.ts's argv): not another journalctl that ran meanwhile, such as
  // a failed unit's failure reason (`-o cat`) looked up by a status that the requests before set going
  const ran = stage.ctx.exec.calls
    .slice(mark)
    .filter((c) => c.argv[0] === 'journalctl' && c.argv.some((a) => a.startsWith('--output-fields=MESSAGE,')));
  const v = { unit, since };
  if (res.status >= 400) {
    tally.refuse(family);
    if (!namesValue(res, unit ?? since ?? '', { instancePaths: ['/unit', '/since'], words: [since ?? '\0'] })) {
      tally.unclearRefusal(family, 'logs?unit&since', v, show(errorOf(res).message));
    }
    if (ran.length > 0) tally.injection(family, 'logs', v, `refused, but ran ${show(ran[0]!.argv)}`);
    return;
  }
  tally.accept(family);
  if (!res.body.includes('event: end')) tally.note(family, 'logs', v, `the stream did not end: ${show(res.body, 200)}`);
  if (ran.length !== 1) {
    tally.injection(
      family,
      'logs',
      v,
      `${ran.length} journalctl commands ran: ${ran.map((c) => show(c.argv)).join(' | ')}`,
    );
    return;
  }
  const argv = ran[0]!.argv;
  const u = unit === undefined ? undefined : /\.[a-z]+$/.test(unit) ? unit : `${unit}.service`;
  const want = [
    'journalctl',
    '--no-pager',
    '-q',
    '-o',
    'json',
    '--output-fields=MESSAGE,PRIORITY,_SYSTEMD_USER_UNIT,USER_UNIT,SYSLOG_IDENTIFIER,_PID',
    ...(u === undefined
      ? [`_UID=${SESSION.uid}`]
      : [`_UID=${SESSION.uid}`, `_SYSTEMD_USER_UNIT=${u}`, '+', `_UID=${SESSION.uid}`, `USER_UNIT=${u}`]),
    ...(since !== undefined ? [`--since=${since}`] : []),
    '--lines=100',
  ];
  if (!isDeepStrictEqual(argv, want)) tally.injection(family, 'logs', v, `ran ${show(argv, 400)}`);
}
