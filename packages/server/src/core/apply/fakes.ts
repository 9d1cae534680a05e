/**
 * In-memory fakes of the apply engine's ports, for its service tests: a host whose files, units and
 * probes are plain maps, and a revision store in arrays. Behaviour is scripted per test (which units fail to
 * start, what the generator rejects, what a probe sees).
 */
import { getLast, parseUnitFile } from '@quadletman/quadlet';
import type { ProbeSpec } from '../spec.js';
import type {
  ApplyPhase,
  CompartmentHost,
  DryRunVerdict,
  FileSet,
  ImageIdentity,
  PendingApply,
  ProbeResult,
  RevisionRecord,
  RevisionResult,
  RevisionStore,
  UnitStatus,
} from './ports.js';

/** The service of a Quadlet network, volume, image or build unit (`db-network.service`): a oneshot. */
const ONESHOT = /-(network|volume|image|build)\.service$/;
export class FakeHost implements CompartmentHost {
  /** The Podman version the host reports (none by default: the linter then judges against the newest). */
  version: string | undefined;
  files = new Map<string, string>();
  modes = new Map<string, number>();
  active = new Set<string>();
  calls: string[] = [];

  async podmanVersion(): Promise<string | undefined> {
    return this.version;
  }
  /** Units whose start fails (by service name), decided from the files at start time. */
  failsToStart: (unit: string, files: ReadonlyMap<string, string>) => boolean = (unit, files) => {
    const source = [...files].find(([p]) => p.endsWith(`/${unit.replace(/\.service$/, '')}.container`));
    const image = source && getLast(parseUnitFile(source[1]), 'Container', 'Image')?.value;
    return image?.includes('broken') ?? false;
  };
  rejects: (file: string, text: string) => string | undefined = () => undefined;
  probeResult: (probe: ProbeSpec) => ProbeResult = () => ({ ok: true, detail: 'HTTP 200' });
  /** systemd's start rate limit (StartLimitBurst within the interval; the fake never forgets): a unit started
   * more often than this since its last reset-failed ends `failed (start-limit-hit)`. */
  startLimitBurst = Number.POSITIVE_INFINITY;
  private starts = new Map<string, number>();
  limited = new Set<string>();

  async readManaged(): Promise<FileSet> {
    return { files: new Map(this.files), modes: new Map(this.modes) };
  }

  async dryRun(quadletFiles: ReadonlyMap<string, string>): Promise<DryRunVerdict[]> {
    this.calls.push('dry-run');
    return [...quadletFiles].map(([file, text]) => {
      const reason = this.rejects(file, text);
      return reason === undefined ? { file, ok: true } : { file, ok: false, reason };
    });
  }

  async writeFiles(
    write: ReadonlyMap<string, { text: string; mode: number }>,
    remove: readonly string[],
  ): Promise<void> {
    this.calls.push(`write ${[...write.keys()].join(',')}${remove.length ? ` remove ${remove.join(',')}` : ''}`);
    for (const [path, { text, mode }] of write) {
      this.files.set(path, text);
      this.modes.set(path, mode);
    }
    for (const path of remove) {
      this.files.delete(path);
      this.modes.delete(path);
    }
  }

  /** The helper user ids as the last apply left them. */
  helperIds: number[] = [];

  async syncHelperUsers(ids: readonly number[]): Promise<void> {
    this.helperIds = [...ids];
  }

  async ensureHostVolumes(): Promise<void> {}

  async daemonReload(): Promise<void> {
    this.calls.push('reload');
  }

  async restartUnits(units: readonly string[], options: { wait?: boolean } = {}): Promise<void> {
    // without waiting, a start that fails shows in the unit's state only, as systemd's --no-block
    if (options.wait === false) return this.restartUnits(units).catch(() => undefined);
    this.calls.push(`restart ${units.join(',')}`);
    const failed: string[] = [];
    for (const u of units) {
      const n = (this.starts.get(u) ?? 0) + 1;
      this.starts.set(u, n);
      if (n > this.startLimitBurst) {
        this.active.delete(u);
        this.limited.add(u);
        failed.push(u);
      } else if (this.failsToStart(u, this.files)) {
        this.active.delete(u);
        failed.push(u);
      } else this.active.add(u);
    }
    if (failed.length > 0) throw new Error(`Job for ${failed.join(', ')} failed`);
  }

  enabled = new Set<string>();

  async enableUnits(units: readonly string[]): Promise<void> {
    this.calls.push(`enable ${units.join(',')}`);
    for (const u of units) this.enabled.add(u);
  }

  async disableUnits(units: readonly string[]): Promise<void> {
    this.calls.push(`disable ${units.join(',')}`);
    for (const u of units) this.enabled.delete(u);
  }

  async startUnits(units: readonly string[]): Promise<void> {
    const inactive = units.filter((u) => !this.active.has(u));
    if (inactive.length > 0) await this.restartUnits(inactive);
  }

  async stopUnits(units: readonly string[]): Promise<void> {
    this.calls.push(`stop ${units.join(',')}`);
    for (const u of units) this.active.delete(u);
  }

  async resetFailed(units: readonly string[]): Promise<void> {
    this.calls.push(`reset-failed ${units.join(',')}`);
    for (const u of units) {
      this.starts.delete(u);
      this.limited.delete(u);
    }
  }

  async unitStatuses(units: readonly string[]): Promise<UnitStatus[]> {
    return units.map((unit) => ({
      unit,
      activeState: this.active.has(unit) ? 'active' : 'failed',
      // a Quadlet network, volume, image or build unit is a oneshot that stays active once it ran: active/exited
      subState: this.active.has(unit) ? (ONESHOT.test(unit) ? 'exited' : 'running') : 'failed',
      result: this.active.has(unit) ? 'success' : this.limited.has(unit) ? 'start-limit-hit' : 'exit-code',
    }));
  }

  async failureReason(unit: string): Promise<string> {
    return `${unit} exited with status 125`;
  }

  async probe(probe: ProbeSpec): Promise<ProbeResult> {
    return this.probeResult(probe);
  }

  /** Images pulled into the compartment's storage; a pull of a name with `missing` in it fails as a registry
   * would. Local images (`localhost/…`) are present unless a test says otherwise. */
  images = new Set<string>();
  hasImage: (image: string) => boolean = (image) => image.startsWith('localhost/') || this.images.has(image);
  /** The host's short-name aliases (short name → full name). */
  aliases = new Map<string, string>();
  async qualifyImage(shortName: string): Promise<string | undefined> {
    return this.aliases
      .get(shortName.replace(/:.*$/, ''))
      ?.concat(shortName.includes(':') ? shortName.slice(shortName.indexOf(':')) : '');
  }
  async imageExists(image: string): Promise<boolean> {
    return this.hasImage(image);
  }
  async pullImage(image: string, onProgress: (message: string) => void): Promise<void> {
    this.calls.push(`pull ${image}`);
    if (image.includes('missing')) throw new Error(`reading manifest in ${image}: manifest unknown`);
    onProgress('1 blob');
    this.images.add(image);
    // a pull of a name the registry has moved: the name now points at the registry's image
    const moved = this.registry.get(image);
    if (moved) this.ids.set(image, moved);
  }
  /** What the registry serves per name now (name → image id), for upgrades of a moved tag. */
  registry = new Map<string, string>();
  /** Which image each local name points at (name → id); a name missing here but present has id `id-<name>`. */
  ids = new Map<string, string>();
  async imageIdentity(image: string): Promise<ImageIdentity | undefined> {
    const id = this.ids.get(image) ?? (this.hasImage(image) ? `id-${image}` : undefined);
    return id === undefined ? undefined : { id, digest: `sha256:${id}` };
  }
  async tagImage(source: string, target: string): Promise<void> {
    this.calls.push(`tag ${source} ${target}`);
    const id = this.ids.get(source) ?? ([...this.ids.values()].includes(source) ? source : `id-${source}`);
    this.ids.set(target, id);
    this.images.add(target);
  }
  /** The health of a unit's container (by container name; healthy unless a test says otherwise). */
  health: (container: string, files: ReadonlyMap<string, string>) => ProbeResult = () => ({
    ok: true,
    detail: 'healthy',
  });
  async healthCheck(container: string): Promise<ProbeResult> {
    this.calls.push(`healthcheck ${container}`);
    return this.health(container, this.files);
  }
}

export class FakeStore implements RevisionStore {
  revisions: RevisionRecord[] = [];
  pendings: PendingApply[] = [];

  nextRevision(compartment: string): number {
    return this.revisions.filter((r) => r.compartment === compartment).length + 1;
  }

  begin(record: RevisionRecord, pending: PendingApply): void {
    this.revisions.push({ ...record });
    this.pendings.push({ ...pending });
  }

  record(record: RevisionRecord): void {
    this.revisions.push({ ...record });
  }

  setPhase(compartment: string, revision: number, phase: ApplyPhase): void {
    const p = this.pendings.find((x) => x.compartment === compartment && x.revision === revision);
    if (p) p.phase = phase;
  }

  finish(compartment: string, revision: number, result: RevisionResult, message: string, finishedAt: Date): void {
    const r = this.revision(compartment, revision)!;
    Object.assign(r, { result, message, finishedAt });
    this.pendings = this.pendings.filter((x) => !(x.compartment === compartment && x.revision === revision));
  }

  pending(): PendingApply[] {
    return this.pendings.map((p) => ({ ...p }));
  }

  revision(compartment: string, number: number): RevisionRecord | undefined {
    return this.revisions.find((r) => r.compartment === compartment && r.number === number);
  }
}

/** Caddy's admin API and requests through it, in memory: what was loaded, and how each host answers (ok unless
 * `down` names it). */
export class FakeEdgeAdmin {
  loaded: unknown[] = [];
  running: unknown = null;
  /** Hosts whose app does not answer (502 from the edge). */
  down = new Set<string>();
  reachable = true;

  async load(config: unknown): Promise<void> {
    if (!this.reachable) throw new Error('the edge (Caddy) is not reachable');
    this.loaded.push(config);
    this.running = structuredClone(config);
  }

  async config(): Promise<unknown> {
    if (!this.reachable) throw new Error('the edge (Caddy) is not reachable');
    return this.running;
  }

  async rootCertificate(): Promise<string | undefined> {
    return this.reachable ? '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n' : undefined;
  }

  async request(route: { host: string }): Promise<ProbeResult & { status?: number }> {
    if (!this.reachable) return { ok: false, detail: 'connect ECONNREFUSED' };
    if (this.down.has(route.host))
      return { ok: false, detail: 'HTTP 502 from the edge: the app did not answer', status: 502 };
    return { ok: true, detail: 'HTTP 200', status: 200 };
  }
}
