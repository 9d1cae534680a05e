/**
 * Update checks: for each image a compartment's units run (its desired state, rendered), one manifest HEAD at
 * its registry with the compartment's own logins (as its user, through the host port), compared with the
 * digests of the image in the compartment's storage. Nothing is pulled. The results are kept, with their time,
 * until the next check of the compartment; the server's scheduler runs the checks (serve), the API and the CLI
 * run one on demand and read the last.
 */
import type { CompartmentId } from '../ids.js';
import { imageServes, parseImagesJson } from '../images/inventory.js';
import { tryParseReference } from '../images/reference.js';
import { unitImages } from '../images/unit-images.js';
import {
  type ImageCheckRecord as ImageCheckRow,
  type RegistryCheckResult,
  updateStatus,
} from '../images/update-check.js';
import { QUADLET_DIR } from '../layout.js';
import type { NotifyEventInput } from '../notify/event.js';
import { type RenderOptions, render } from '../render.js';
import { PINNED_DIGEST } from '../spec.js';
import type { CompartmentService } from './compartments.js';

/** What an update check needs from the compartment's host, as its user. */
export interface UpdateHostPort {
  /** `podman images --format json` of the compartment's storage. */
  imagesJson(id: CompartmentId): Promise<string>;
  /** One manifest HEAD per image at its registry, with the compartment's logins. */
  registryCheck(id: CompartmentId, images: readonly string[]): Promise<RegistryCheckResult[]>;
}

export interface UpdateServiceDeps {
  compartments: CompartmentService;
  checks: {
    replace(compartment: string, rows: readonly ImageCheckRow[]): void;
    list(compartment: string): ImageCheckRow[];
  };
  host: UpdateHostPort;
  render?: RenderOptions;
  now?: () => Date;
  /** Reports an update found (once per digest the registry offers) to the notification channels. */
  notify?: (event: NotifyEventInput) => void;
}

export class UpdateService {
  constructor(private readonly deps: UpdateServiceDeps) {}

  /** The last check of each of the compartment's images (none before its first check). */
  list(id: string): ImageCheckRow[] {
    return this.deps.checks.list(this.deps.compartments.get(id).id);
  }

  /** The images the compartment's units pull from a registry, each with the units that use it. A unit pinned
   * to a digest is checked by the tag its pin follows. */
  images(id: string): Map<string, string[]> {
    return this.imagesAndPins(id).images;
  }

  private imagesAndPins(id: string): { images: Map<string, string[]>; pins: Map<string, string> } {
    const state = this.deps.compartments.stateOrEmpty(id);
    const rendered = render(state, this.deps.render ?? {});
    const quadlets = new Map<string, string>();
    for (const [path, text] of rendered.files)
      if (path.startsWith(`${QUADLET_DIR}/`)) quadlets.set(path.slice(QUADLET_DIR.length + 1), text);
    const pinned = new Map<string, { image: string; pin: string }>();
    for (const [name, u] of Object.entries(state.units)) {
      const image =
        u.format === 'model' ? (u.model as { container?: { image?: unknown } }).container?.image : undefined;
      if (u.format === 'model' && u.pin && PINNED_DIGEST.test(u.pin) && typeof image === 'string')
        pinned.set(name, { image, pin: u.pin });
    }
    const images = new Map<string, string[]>();
    const pins = new Map<string, string>();
    for (const need of unitImages(quadlets)) {
      const p = pinned.get(need.unit);
      const image = p?.image ?? need.image;
      const ref = image === undefined ? undefined : tryParseReference(image);
      // a localhost/ image, a short name (refused at apply) or an unreadable reference has no registry to ask
      if (!ref?.registry || ref.registry === 'localhost') continue;
      images.set(image!, [...(images.get(image!) ?? []), need.unit]);
      if (p) pins.set(image!, p.pin);
    }
    return { images, pins };
  }

  /** Checks every image of the compartment now, keeps the results and returns them. */
  async check(id: string): Promise<ImageCheckRow[]> {
    const cid = this.deps.compartments.get(id).id;
    const { images, pins } = this.imagesAndPins(cid);
    const names = [...images.keys()];
    const [stored, results] = await Promise.all([
      names.length > 0 ? this.deps.host.imagesJson(cid).then(parseImagesJson) : Promise.resolve([]),
      this.deps.host.registryCheck(cid, names),
    ]);
    const at = (this.deps.now?.() ?? new Date()).toISOString();
    const rows = results.map((r): ImageCheckRow => {
      // a pinned unit runs its pin, whatever the tag's name points to locally
      const pin = pins.get(r.image);
      const local = pin ? { digest: pin, repoDigests: [] } : stored.find((img) => imageServes(r.image, img));
      const u = updateStatus(r, local);
      return {
        image: r.image,
        units: images.get(r.image) ?? [],
        checkedAt: at,
        status: u.status,
        remoteDigest: u.remoteDigest ?? null,
        localDigests: u.localDigests,
        reason: u.reason ?? null,
      };
    });
    const before = new Map(this.deps.checks.list(cid).map((r) => [r.image, r]));
    this.deps.checks.replace(cid, rows);
    // an update is told once: when the registry offers a digest the last check did not report as an update
    for (const r of rows) {
      const last = before.get(r.image);
      if (r.status !== 'update-available') continue;
      if (last?.status === 'update-available' && last.remoteDigest === r.remoteDigest) continue;
      this.deps.notify?.({
        kind: 'update-available',
        compartment: cid,
        title: `${cid}: an update of ${r.image} is available`,
        message: `${r.units.join(', ')} run ${r.image}; the registry has ${r.remoteDigest}.`,
        details: { image: r.image, units: r.units, remoteDigest: r.remoteDigest, localDigests: r.localDigests },
      });
    }
    return rows;
  }
}
