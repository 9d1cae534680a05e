/**
 * Upgrades: a compartment's container units onto newer images, behind the engine's health gate, with the
 * automatic roll back it brings (ApplyEngine.upgrade). Which units, and to what:
 * - no target: each unit's image name is pulled anew (a tag that moved at the registry); a unit pinned to a
 *   digest gets the digest its tag points to now;
 * - `to: TAG`: the unit runs that tag of its repository (pinned: the tag's digest);
 * - `to: sha256:…`: the unit is pinned to that digest.
 * The desired state keeps the new tag or pin only when the upgrade held. Raw units (`text:`) are upgraded by
 * pulling their Image= anew; a new tag or pin is an edit of their text. A compartment with a backup repository is
 * backed up first when the units mount its volumes (backupBefore); a failed backup refuses the upgrade.
 */
import type { ApplyOptions, UpgradeResult } from '../apply/engine.js';
import { ConflictError, InvalidError, NotFoundError } from '../errors.js';
import type { CompartmentId } from '../ids.js';
import { repository, tryParseReference } from '../images/reference.js';
import { unitImages } from '../images/unit-images.js';
import { QUADLET_DIR } from '../layout.js';
import { type RenderOptions, render } from '../render.js';
import { type DesiredState, type ModelUnitSpec, PINNED_DIGEST, type UpdatesMode } from '../spec.js';
import type { CompartmentService } from './compartments.js';

/** A container unit whose image comes from a registry. */
export interface UpgradableUnit {
  /** The `.container` file. */
  unit: string;
  /** Its image as the spec names it (the tag a pin follows). */
  image: string;
  /** The digest it is pinned to. */
  pin?: string;
  updates: UpdatesMode;
  /** A raw unit: only a pull of the same name upgrades it. */
  raw: boolean;
}

export interface UpgradeServiceDeps {
  compartments: CompartmentService;
  /** The digest an image's name points to at its registry now, asked with the compartment's logins. */
  resolveDigest: (id: CompartmentId, image: string) => Promise<string>;
  render?: RenderOptions;
  /** The health gate's settle window and timeout (defaults: the engine's, 5 s and 120 s). */
  settleMs?: number;
  healthTimeoutMs?: number;
  /** Runs after an upgrade that changed the host (applied or rolled back): the update check of the
   * compartment, so that "update available" tells what runs now. Its failure is not the upgrade's. */
  afterUpgrade?: (id: CompartmentId) => Promise<unknown>;
  /** A backup of the compartment before an upgrade of `units` (BackupService.beforeUpgrade): null, none was
   * needed; a failure refuses the upgrade. */
  backupBefore?: (id: CompartmentId, units: readonly string[]) => Promise<{ snapshot: string; mode: string } | null>;
}

/** An upgrade's result, with the snapshot taken before it (when one was). */
export type UpgradeOutcome = UpgradeResult & { backup?: { snapshot: string; mode: string } };

export interface UpgradeInput {
  /** Units by file, service or base name (`web.container`, `web.service`, `web`); none: every upgradable unit. */
  units?: readonly string[];
  /** A tag or a digest (`sha256:…`) of the unit's repository; needs the units to share one repository. */
  to?: string;
  /** false: no backup before the upgrade, even when the compartment has a repository. */
  backup?: boolean;
}

const TAG = /^[\w][\w.-]{0,127}$/;

export class UpgradeService {
  constructor(private readonly deps: UpgradeServiceDeps) {}

  /** The compartment's units whose image comes from a registry, with their pins and update modes. */
  upgradable(id: string): UpgradableUnit[] {
    return upgradableUnits(this.deps.compartments.stateOrEmpty(id), this.deps.render);
  }

  async upgrade(id: string, input: UpgradeInput, options: ApplyOptions): Promise<UpgradeOutcome> {
    // a target that is neither a tag nor a digest is refused first, by its value
    if (input.to !== undefined && !PINNED_DIGEST.test(input.to) && !TAG.test(input.to))
      throw new InvalidError(`to: ${JSON.stringify(input.to)} is neither a tag nor a digest sha256:<64 hex digits>`);
    const state = this.deps.compartments.state(id);
    const all = upgradableUnits(state, this.deps.render);
    const chosen = (input.units?.length ? input.units : all.map((u) => u.unit)).map((name) => pick(all, name, state));
    if (chosen.length === 0) {
      throw new InvalidError(
        `Compartment '${state.id}' has no unit whose image comes from a registry: nothing to upgrade.`,
      );
    }
    const units = { ...state.units };
    let to: { tag?: string; digest?: string } = {};
    if (input.to !== undefined) {
      to = PINNED_DIGEST.test(input.to) ? { digest: input.to } : { tag: input.to };
      const repos = new Set(chosen.map((u) => repository(u.image)));
      if (repos.size > 1)
        throw new InvalidError(
          `to: the units named run images of ${repos.size} repositories (${[...repos].join(', ')}); name the unit to move to ${input.to}`,
        );
      const raw = chosen.find((u) => u.raw);
      if (raw) throw new InvalidError(`to: ${raw.unit} is a raw unit; edit its Image= line to change what it runs`);
    }
    for (const u of chosen) {
      if (u.raw) continue;
      const spec = units[u.unit] as ModelUnitSpec;
      let image = u.image;
      if (to.tag) image = `${repository(image)}:${to.tag}`;
      let pin = u.pin;
      if (to.digest) pin = to.digest;
      else if (pin) {
        try {
          pin = await this.deps.resolveDigest(state.id, image);
        } catch (e) {
          throw new ConflictError(
            `The digest ${image} points to cannot be read from its registry: ${e instanceof Error ? e.message : String(e)}. Nothing was changed.`,
          );
        }
      }
      const container = { ...(spec.model as unknown as { container: Record<string, unknown> }).container, image };
      units[u.unit] = {
        ...spec,
        model: { ...spec.model, container } as ModelUnitSpec['model'],
        ...(pin ? { pin } : {}),
      };
    }
    const next: DesiredState = { ...state, units };
    // the data first: a backup of the volumes these units mount (when the compartment has a repository)
    let backup: { snapshot: string; mode: string } | null = null;
    if (input.backup !== false && this.deps.backupBefore) {
      try {
        backup = await this.deps.backupBefore(
          state.id,
          chosen.map((u) => u.unit),
        );
      } catch (e) {
        throw new ConflictError(
          `The backup before the upgrade failed: ${e instanceof Error ? e.message : String(e)}. Nothing was upgraded; to upgrade without it, say so (--no-backup, backup: false).`,
        );
      }
    }
    const result: UpgradeOutcome = await this.deps.compartments.upgradeState(
      next,
      {
        units: chosen.map((u) => u.unit),
        ...(this.deps.settleMs !== undefined ? { settleMs: this.deps.settleMs } : {}),
        ...(this.deps.healthTimeoutMs !== undefined ? { healthTimeoutMs: this.deps.healthTimeoutMs } : {}),
      },
      { ...options, message: options.message ?? `upgrade${input.to ? ` to ${input.to}` : ''}` },
    );
    if (result.outcome !== 'noop' && result.outcome !== 'refused')
      await this.deps.afterUpgrade?.(state.id).catch(() => undefined);
    return backup ? { ...result, backup } : result;
  }
}

/** What the unattended upgrades of one scheduled check did, per unit. */
export interface UnattendedOutcome {
  unit: string;
  image: string;
  digest: string;
  result?: UpgradeResult;
  error?: string;
}

/** The last check of an image, as the unattended mode reads it. */
export interface CheckedImage {
  image: string;
  units: readonly string[];
  status: string;
  remoteDigest: string | null;
}

/**
 * Unattended mode (`updates: apply`): after a scheduled update check, the units in that mode whose image has an
 * update run the same gated upgrade, one after another. A digest whose upgrade was rolled back is not tried
 * again (until the registry has a newer one); the server forgets that when it restarts.
 */
export class UnattendedUpgrades {
  private readonly failed = new Map<string, string>();

  constructor(private readonly upgrades: Pick<UpgradeService, 'upgradable' | 'upgrade'>) {}

  async run(id: string, checks: readonly CheckedImage[]): Promise<UnattendedOutcome[]> {
    const out: UnattendedOutcome[] = [];
    const modes = new Map(this.upgrades.upgradable(id).map((u) => [u.unit, u.updates]));
    for (const c of checks) {
      if (c.status !== 'update-available' || !c.remoteDigest) continue;
      for (const unit of c.units) {
        if (modes.get(unit) !== 'apply') continue;
        const key = `${id}/${unit}`;
        if (this.failed.get(key) === c.remoteDigest) continue;
        const done: UnattendedOutcome = { unit, image: c.image, digest: c.remoteDigest };
        try {
          done.result = await this.upgrades.upgrade(
            id,
            { units: [unit] },
            { actor: 'scheduler', message: 'unattended upgrade' },
          );
          if (done.result.outcome === 'applied' || done.result.outcome === 'noop') this.failed.delete(key);
          else this.failed.set(key, c.remoteDigest);
        } catch (e) {
          done.error = e instanceof Error ? e.message : String(e);
          this.failed.set(key, c.remoteDigest);
        }
        out.push(done);
      }
    }
    return out;
  }
}

/** The units of `state` whose image comes from a registry (model containers and raw `.container` units). */
export function upgradableUnits(state: DesiredState, options: RenderOptions = {}): UpgradableUnit[] {
  const out: UpgradableUnit[] = [];
  const raw = new Map<string, string>();
  for (const [name, u] of Object.entries(state.units)) {
    if (u.format === 'model' && u.model.type === 'container') {
      const image = (u.model as { container: { image?: unknown } }).container.image;
      if (typeof image !== 'string' || !fromRegistry(image)) continue;
      out.push({
        unit: name,
        image,
        ...(u.pin && u.pin !== 'digest' ? { pin: u.pin } : {}),
        updates: u.updates ?? 'notify',
        raw: false,
      });
    } else if (u.format === 'text' && name.endsWith('.container')) raw.set(name, u.text);
  }
  if (raw.size > 0) {
    const rendered = render(state, options);
    const quadlets = new Map<string, string>();
    for (const name of raw.keys()) quadlets.set(name, rendered.files.get(`${QUADLET_DIR}/${name}`) ?? raw.get(name)!);
    for (const need of unitImages(quadlets)) {
      if (need.reason !== 'container' || need.via || !need.image || !fromRegistry(need.image)) continue;
      out.push({ unit: need.unit, image: need.image, updates: 'notify', raw: true });
    }
  }
  return out.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
}

/** A reference to a registry's image (not localhost/, not a short name, not a `.image`/`.build` unit). */
function fromRegistry(image: string): boolean {
  if (image.endsWith('.image') || image.endsWith('.build')) return false;
  const ref = tryParseReference(image);
  return ref?.registry !== undefined && ref.registry !== 'localhost';
}

function pick(all: readonly UpgradableUnit[], name: string, state: DesiredState): UpgradableUnit {
  const base = name.replace(/\.(container|service)$/, '');
  const found = all.find((u) => u.unit === name || u.unit === `${base}.container`);
  if (found) return found;
  if (state.units[name] || state.units[`${base}.container`]) {
    throw new InvalidError(
      `${name} does not run an image from a registry (localhost/, a .image or .build unit, or a short name): there is nothing to upgrade it to.`,
    );
  }
  throw new NotFoundError(
    `Compartment '${state.id}' has no unit '${name}'. Units it can upgrade: ${all.map((u) => u.unit).join(', ') || 'none'}.`,
  );
}
