/**
 * The resource service: a compartment's volumes, secrets, registry logins and config files, and one revision
 * in full — what the HTTP API offers beside the compartment service. Volumes, secrets and logins live in the
 * compartment's Podman and on disk (reached through the `ResourceHostPort`, wired in app.ts); config files are
 * part of the desired state, so changing one is an apply of the changed state (the store keeps a state only
 * when the host matches it). Secret values and passwords pass through to the port and are never kept,
 * logged or returned.
 */
import type { ApplyOptions, ApplyResult } from '../apply/engine.js';
import type { CompartmentHost, UnitStatus } from '../apply/ports.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { CompartmentId } from '../ids.js';
import { hostVolumePath } from '../layout.js';
import { type DesiredState, type FileSpec, toSpec, type VolumeSpec, validateSpec } from '../spec.js';
import type { CompartmentService } from './compartments.js';

/** What this service needs from the host, per compartment (app.ts wires host/ adapters into it). */
export interface ResourceHostPort {
  /** The compartment's Podman volumes. */
  podmanVolumes(id: CompartmentId): Promise<{ name: string; mountpoint: string }[]>;
  removePodmanVolume(id: CompartmentId, name: string): Promise<void>;
  /** Removes one managed host volume directory (`<root>/<id>/<name>`) and what is in it. */
  removeHostVolume(id: CompartmentId, name: string): Promise<void>;
  /** Names of the compartment's managed host volume folders on the machine, declared or not. */
  hostVolumes(id: CompartmentId): Promise<string[]>;
  /** Size in bytes and owner of each of the compartment's volume paths that exists (missing paths are left out). */
  usage(id: CompartmentId, paths: readonly string[]): Promise<Map<string, { bytes: number; owner: string }>>;
  /** Names of the compartment's Podman secrets. */
  secrets(id: CompartmentId): Promise<string[]>;
  /** Creates (or with `replace`, replaces) a secret; the value goes to Podman on stdin. */
  createSecret(id: CompartmentId, name: string, value: string, replace: boolean): Promise<void>;
  removeSecret(id: CompartmentId, name: string): Promise<void>;
  /** `podman login` with the compartment's authfile; the password goes on stdin. */
  login(id: CompartmentId, registry: string, username: string, password: string): Promise<void>;
  logout(id: CompartmentId, registry: string): Promise<void>;
  /** The user name the compartment's authfile logs in to a registry with; undefined when it has none. */
  loginName(id: CompartmentId, registry: string): Promise<string | undefined>;
}

/** The store, as this service reads it: one revision in full. */
export interface RevisionReadPort {
  get(
    id: CompartmentId,
    number: number,
  ):
    | {
        number: number;
        actor: string;
        startedAt: string;
        finishedAt: string | null;
        result: string;
        message: string;
        state: DesiredState | null;
        files: Record<string, { text: string; mode: number }>;
        diff: string;
      }
    | undefined;
}

export interface ResourceServiceDeps {
  compartments: CompartmentService;
  /** The compartment on its host (for unit states). */
  hostFor: (id: CompartmentId) => Promise<Pick<CompartmentHost, 'unitStatuses'>>;
  revisions: RevisionReadPort;
  host: ResourceHostPort;
  volumesRoot: string;
}

export interface VolumeInfo {
  name: string;
  kind: 'host' | 'podman';
  path: string | null;
  owner: string | null;
  sizeBytes: number | null;
  declared: boolean;
  exists: boolean;
  /** Its name in the desired state; null when undeclared. */
  declaredAs: string | null;
  /** What a unit's `Volume=` names as the source (host path, `<name>.volume`, Podman volume name). */
  mountSource: string;
}

export interface SecretEntry {
  name: string;
  declared: boolean;
  exists: boolean;
  description?: string;
}

export interface ConfigFileEntry {
  path: string;
  in: FileSpec['in'];
  mode: number;
  size: number;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

export class ResourceService {
  constructor(private readonly deps: ResourceServiceDeps) {}

  /** The state, or an empty one for a compartment that has none yet (created, never applied). */
  private stateOrEmpty(id: string): DesiredState {
    return this.deps.compartments.stateOrEmpty(id);
  }

  // ---------------------------------------------------------------------------------------------- units

  /** The states of some of a compartment's units (one systemd query for all of them). */
  async unitStatuses(id: CompartmentId, units: readonly string[]): Promise<UnitStatus[]> {
    const host = await this.deps.hostFor(id);
    return host.unitStatuses(units);
  }

  // ---------------------------------------------------------------------------------------------- revisions

  revision(id: string, number: number) {
    const c = this.deps.compartments.get(id);
    const r = this.deps.revisions.get(c.id, number);
    if (!r) throw new NotFoundError(`Compartment '${c.id}' has no revision ${number}.`);
    return {
      number: r.number,
      actor: r.actor,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      result: r.result,
      message: r.message,
      spec: r.state ? toSpec(r.state) : null,
      files: r.files,
      diff: r.diff,
    };
  }

  // ---------------------------------------------------------------------------------------------- volumes

  /** Declared volumes and the ones the host has (host directories and Podman volumes), with size and owner. */
  async volumes(id: string): Promise<VolumeInfo[]> {
    const state = this.stateOrEmpty(id);
    const out: VolumeInfo[] = [];
    const podman = await this.deps.host.podmanVolumes(state.id);
    const podmanByName = new Map(podman.map((v) => [v.name, v]));
    const seenPodman = new Set<string>();
    for (const [name, v] of Object.entries(state.volumes)) {
      if (v.kind === 'host') {
        out.push(this.hostVolume(state.id, name, true));
      } else {
        // Quadlet names the Podman volume of `NAME.volume` `systemd-NAME` unless VolumeName= says otherwise.
        const podmanName = v.options.volumeName ?? `systemd-${name}`;
        const found = podmanByName.get(podmanName);
        seenPodman.add(podmanName);
        out.push({
          name: podmanName,
          kind: 'podman',
          path: found?.mountpoint ?? null,
          owner: null,
          sizeBytes: null,
          declared: true,
          exists: found !== undefined,
          declaredAs: name,
          mountSource: `${name}.volume`,
        });
      }
    }
    // folders a spec no longer declares stay until deleted: they are listed, so that they can be
    for (const name of await this.deps.host.hostVolumes(state.id)) {
      if (state.volumes[name]?.kind !== 'host') out.push(this.hostVolume(state.id, name, false));
    }
    for (const v of podman) {
      if (!seenPodman.has(v.name)) {
        out.push({
          name: v.name,
          kind: 'podman',
          path: v.mountpoint,
          owner: null,
          sizeBytes: null,
          declared: false,
          exists: true,
          declaredAs: null,
          mountSource: v.name,
        });
      }
    }
    const paths = out.map((v) => v.path).filter((p): p is string => p !== null);
    const usage = paths.length > 0 ? await this.deps.host.usage(state.id, paths) : new Map();
    for (const v of out) {
      const u = v.path ? usage.get(v.path) : undefined;
      if (u) {
        v.sizeBytes = u.bytes;
        v.owner = u.owner;
        v.exists = true;
      }
    }
    return out.sort(byName);
  }

  /** A managed host volume folder; `exists` is learnt from its usage (a declared one may not be made yet). */
  private hostVolume(id: CompartmentId, name: string, declared: boolean): VolumeInfo {
    const path = hostVolumePath(this.deps.volumesRoot, id, name);
    return {
      name,
      kind: 'host',
      path,
      owner: null,
      sizeBytes: null,
      declared,
      exists: !declared,
      declaredAs: declared ? name : null,
      mountSource: path,
    };
  }

  /**
   * Removes a volume and its data. A volume the desired state still declares is refused (the next apply
   * would create it again, empty): remove it from the spec first.
   */
  async deleteVolume(id: string, name: string, kind?: 'host' | 'podman'): Promise<VolumeInfo> {
    const list = await this.volumes(id);
    const matches = list.filter((v) => v.name === name && (kind === undefined || v.kind === kind));
    if (matches.length === 0) throw new NotFoundError(`Compartment '${id}' has no volume '${name}'.`);
    if (matches.length > 1) {
      throw new ConflictError(`Compartment '${id}' has a host and a Podman volume '${name}': say which (kind).`);
    }
    const v = matches[0]!;
    if (v.declared) {
      throw new ConflictError(
        `Volume '${name}' is declared in the desired state of '${id}'; take it out of the desired state (and apply) first.`,
      );
    }
    const cid = this.deps.compartments.get(id).id;
    if (v.kind === 'host') await this.deps.host.removeHostVolume(cid, name);
    else await this.deps.host.removePodmanVolume(cid, name);
    return v;
  }

  /**
   * Adds a volume to the desired state, or changes the one of that name, and applies the changed state. Data is
   * not touched: a host folder or Podman volume that exists is used as it is.
   */
  async putVolume(id: string, name: string, volume: VolumeSpec, options: ApplyOptions): Promise<ApplyResult> {
    const state = this.deps.compartments.state(id);
    const next = { ...state, volumes: { ...state.volumes, [name]: volume } };
    return this.applyChanged(next, options, `declare volume ${name}`);
  }

  /**
   * Takes a volume out of the desired state and applies it. Its data stays (a host folder, a Podman volume):
   * it is listed as undeclared, and deleting it is `deleteVolume`.
   */
  async undeclareVolume(id: string, name: string, options: ApplyOptions): Promise<ApplyResult> {
    const state = this.deps.compartments.state(id);
    if (!Object.hasOwn(state.volumes, name)) {
      throw new NotFoundError(`Compartment '${state.id}' declares no volume '${name}'.`);
    }
    const volumes = { ...state.volumes };
    delete volumes[name];
    return this.applyChanged({ ...state, volumes }, options, `undeclare volume ${name}`);
  }

  // ---------------------------------------------------------------------------------------------- secrets

  async secrets(id: string): Promise<SecretEntry[]> {
    const state = this.stateOrEmpty(id);
    const existing = new Set(await this.deps.host.secrets(state.id));
    const out: SecretEntry[] = state.secrets.map((s) => ({
      name: s.name,
      declared: true,
      exists: existing.has(s.name),
      ...(s.description ? { description: s.description } : {}),
    }));
    for (const name of existing)
      if (!state.secrets.some((s) => s.name === name)) out.push({ name, declared: false, exists: true });
    return out.sort(byName);
  }

  /** Creates a secret (ConflictError when it exists and `replace` is not set). Returns whether it replaced one. */
  async createSecret(id: string, name: string, value: string, replace = false): Promise<boolean> {
    const cid = this.deps.compartments.get(id).id;
    const exists = (await this.deps.host.secrets(cid)).includes(name);
    if (exists && !replace) {
      throw new ConflictError(`Compartment '${cid}' already has a secret '${name}'; set replace to overwrite it.`);
    }
    await this.deps.host.createSecret(cid, name, value, exists);
    return exists;
  }

  async deleteSecret(id: string, name: string): Promise<void> {
    const cid = this.deps.compartments.get(id).id;
    if (!(await this.deps.host.secrets(cid)).includes(name)) {
      throw new NotFoundError(`Compartment '${cid}' has no secret '${name}'.`);
    }
    await this.deps.host.removeSecret(cid, name);
  }

  // ---------------------------------------------------------------------------------------------- registries

  /** The registry logins the desired state declares (registry and user name; passwords live in Podman only), and
   * whether the compartment's authfile has a login for each with that user (null when Podman cannot say). */
  async registries(
    id: string,
  ): Promise<{ registry: string; username: string; declared: boolean; loggedIn: boolean | null }[]> {
    const state = this.stateOrEmpty(id);
    return Promise.all(
      state.registries.map(async (r) => {
        const name = await this.deps.host.loginName(state.id, r.registry).then(
          (n) => n ?? '',
          () => undefined,
        );
        return { ...r, declared: true, loggedIn: name === undefined ? null : name === r.username };
      }),
    );
  }

  /** Logs the compartment in (a refused login changes nothing) and records the registry in its desired state. */
  async login(id: string, registry: string, username: string, password: string): Promise<void> {
    const cid = this.deps.compartments.get(id).id;
    await this.deps.host.login(cid, registry, username, password);
    this.deps.compartments.setRegistry(cid, registry, username);
  }

  /** Logs the compartment out and takes the registry out of its desired state. */
  async logout(id: string, registry: string): Promise<void> {
    const cid = this.deps.compartments.get(id).id;
    await this.deps.host.logout(cid, registry);
    this.deps.compartments.setRegistry(cid, registry, undefined);
  }

  // ---------------------------------------------------------------------------------------------- config files

  files(id: string): ConfigFileEntry[] {
    const state = this.stateOrEmpty(id);
    return Object.entries(state.files).map(([path, f]) => ({
      path,
      in: f.in,
      mode: f.mode,
      size: utf8Length(f.content),
    }));
  }

  file(id: string, path: string): ConfigFileEntry & { content: string } {
    const state = this.stateOrEmpty(id);
    const f = Object.hasOwn(state.files, path) ? state.files[path] : undefined;
    if (!f) throw new NotFoundError(`Compartment '${state.id}' has no config file '${path}'.`);
    return { path, in: f.in, mode: f.mode, size: utf8Length(f.content), content: f.content };
  }

  /** Writes a config file into the desired state and applies it (the spec validator checks path and content). */
  async putFile(
    id: string,
    path: string,
    input: { content: string; mode?: number; in?: FileSpec['in'] },
    options: ApplyOptions,
  ): Promise<ApplyResult> {
    const state = this.deps.compartments.state(id);
    const prev = Object.hasOwn(state.files, path) ? state.files[path] : undefined;
    const file: FileSpec = {
      content: input.content,
      mode: input.mode ?? prev?.mode ?? 0o644,
      in: input.in ?? prev?.in ?? 'files',
    };
    return this.applyChanged({ ...state, files: { ...state.files, [path]: file } }, options, `put file ${path}`);
  }

  async deleteFile(id: string, path: string, options: ApplyOptions): Promise<ApplyResult> {
    const state = this.deps.compartments.state(id);
    if (!Object.hasOwn(state.files, path)) {
      throw new NotFoundError(`Compartment '${state.id}' has no config file '${path}'.`);
    }
    const files = { ...state.files };
    delete files[path];
    return this.applyChanged({ ...state, files }, options, `delete file ${path}`);
  }

  private applyChanged(state: DesiredState, options: ApplyOptions, message: string): Promise<ApplyResult> {
    // Through the spec form, so a changed file is checked exactly as one in a spec would be.
    const checked = validateSpec(toSpec(state));
    return this.deps.compartments.applyState(checked, { ...options, create: false, message });
  }
}
