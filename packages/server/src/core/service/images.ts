/**
 * The image service: a compartment's images, each with its tags, digest, size, created date and the units of the
 * desired state that use it (core/images/inventory.ts over `podman images` and the rendered unit files), and the
 * pruning of those nothing uses. An image is pruned only when no unit of the desired state uses it (drop-ins that
 * set Image= included), no container (running or stopped) uses it, and it is not the parent of an image that is
 * kept; the removal itself is Podman's, without force, so an image a container took meanwhile is refused there.
 * A real prune holds the compartment's apply lock: an apply's freshly pulled image is not yet in the desired state.
 */
import { getAllValues, isDropIn, parseUnitFile } from '@quadletman/quadlet';
import type { ApplyLocks } from '../apply/ports.js';
import { NotFoundError } from '../errors.js';
import type { CompartmentId } from '../ids.js';
import { type ImageInventory, type InventoryImage, imageInventory, imageServes } from '../images/inventory.js';
import type { RegistriesConf } from '../images/registries-conf.js';
import { QUADLET_DIR } from '../layout.js';
import { type RenderOptions, render } from '../render.js';
import type { DesiredState } from '../spec.js';
import type { CompartmentInfo } from './compartments.js';

/** What this service needs from the host, per compartment (app.ts wires host/podman.ts into it). */
export interface ImageHostPort {
  /** `podman images --format json` of the compartment's storage, as Podman prints it. */
  imagesJson(id: CompartmentId): Promise<string>;
  /** `podman rmi` of one name or id as the compartment user, without force. */
  removeImage(id: CompartmentId, ref: string): Promise<void>;
  /** The host's registries.conf (short-name aliases), to match short names as Podman does. */
  registriesConf(): Promise<RegistriesConf | undefined>;
}

export interface ImageServiceDeps {
  compartments: { get(id: string): CompartmentInfo; state(id: string): DesiredState };
  host: ImageHostPort;
  /** The apply locks of the engine (a prune waits for no apply: it is refused while one runs). */
  locks: ApplyLocks;
  render?: RenderOptions;
}

/** One image as the API and the CLI show it. */
export interface ImageEntry {
  id: string;
  /** The repository of its first name; null for a dangling image. */
  repository: string | null;
  tags: string[];
  /** Every name it has (`repository:tag`), as Podman lists them. */
  names: string[];
  digest: string | null;
  size: number;
  /** ISO 8601, or null when Podman does not know it. */
  created: string | null;
  /** The unit files of the desired state that use it, sorted. */
  usedBy: string[];
  unused: boolean;
  /** Containers (running or stopped) that use it. */
  containers: number;
  dangling: boolean;
}

export interface ImageList {
  images: ImageEntry[];
  /** What units need that the compartment's storage lacks (pulled by the next apply or start). */
  missing: { unit: string; image: string }[];
}

export interface PruneResult {
  dryRun: boolean;
  /** The images removed (with dryRun: those that would be). */
  removed: ImageEntry[];
  /** Images Podman refused to remove, with its reason; the others went on. */
  failed: { image: ImageEntry; error: string }[];
  /** The size of the images removed (layers shared with a kept image stay on disk). */
  bytes: number;
}

const entry = (i: InventoryImage): ImageEntry => ({
  id: i.id,
  repository: i.repository ?? null,
  tags: i.tags,
  names: i.names,
  digest: i.digest ?? null,
  size: i.size,
  created: i.created?.toISOString() ?? null,
  usedBy: i.usedBy,
  unused: i.unused,
  containers: i.containers,
  dangling: i.dangling,
});

export class ImageService {
  constructor(private readonly deps: ImageServiceDeps) {}

  /** The compartment's images with the units that use them, and what units need that is missing. */
  async images(id: string): Promise<ImageList> {
    const { inventory } = await this.read(id);
    return {
      images: inventory.images.map(entry),
      missing: inventory.missing.flatMap((m) => (m.image ? [{ unit: m.unit, image: m.image }] : [])),
    };
  }

  /** Removes the images nothing uses (see the module comment); with dryRun, only says which. */
  async prune(id: string, options: { dryRun?: boolean } = {}): Promise<PruneResult> {
    const cid = this.deps.compartments.get(id).id;
    if (options.dryRun) return { dryRun: true, ...plannedOnly(await this.candidates(cid)) };
    const release = await this.deps.locks.acquire(cid, false);
    try {
      const chosen = await this.candidates(cid);
      const result: PruneResult = { dryRun: false, removed: [], failed: [], bytes: 0 };
      for (const image of chosen) {
        try {
          // By id when it has one name or none; by each name when several (Podman refuses an id with several
          // names without force, and removing the last name removes the image).
          for (const ref of image.names.length > 1 ? image.names : [image.id]) {
            await this.deps.host.removeImage(cid, ref);
          }
          result.removed.push(image);
          result.bytes += image.size;
        } catch (e) {
          result.failed.push({ image, error: e instanceof Error ? e.message : String(e) });
        }
      }
      return result;
    } finally {
      release();
    }
  }

  private async candidates(id: CompartmentId): Promise<ImageEntry[]> {
    const { inventory, dropInImages, conf } = await this.read(id);
    const keep = (i: InventoryImage) =>
      !i.unused || i.containers > 0 || dropInImages.some((ref) => imageServes(ref, i, conf));
    const kept = inventory.images.filter(keep);
    const parents = new Set(kept.map((i) => i.parentId).filter((p) => p !== undefined));
    return inventory.images.filter((i) => !keep(i) && !parents.has(i.id)).map(entry);
  }

  private async read(id: string): Promise<{
    inventory: ImageInventory;
    dropInImages: string[];
    conf: RegistriesConf | undefined;
  }> {
    const cid = this.deps.compartments.get(id).id;
    const files = this.unitFiles(cid);
    const [json, conf] = await Promise.all([this.deps.host.imagesJson(cid), this.deps.host.registriesConf()]);
    const inventory = imageInventory(json, files, conf ? { conf } : {});
    return { inventory, dropInImages: dropInImages(files), conf };
  }

  /** The desired state's files in the Quadlet folder (relative to it); none for a compartment never applied. */
  private unitFiles(id: CompartmentId): Map<string, string> {
    let state: DesiredState;
    try {
      state = this.deps.compartments.state(id);
    } catch (e) {
      if (e instanceof NotFoundError) return new Map();
      throw e;
    }
    const prefix = `${QUADLET_DIR}/`;
    const out = new Map<string, string>();
    for (const [path, text] of render(state, this.deps.render).files) {
      if (path.startsWith(prefix)) out.set(path.slice(prefix.length), text);
    }
    return out;
  }
}

function plannedOnly(chosen: ImageEntry[]): Omit<PruneResult, 'dryRun'> {
  return { removed: chosen, failed: [], bytes: chosen.reduce((n, i) => n + i.size, 0) };
}

/** Every Image= a drop-in sets (inventory.ts reads unit files without their drop-ins): kept, to be safe. */
function dropInImages(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [name, text] of files) {
    if (!isDropIn(name)) continue;
    const u = parseUnitFile(text);
    for (const section of ['Container', 'Image', 'Volume']) out.push(...getAllValues(u, section, 'Image'));
  }
  return out.filter((v) => v !== '');
}
