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
import { type RenderOptions, render } from '../render.js';
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
}

export class UpdateService {
  constructor(private readonly deps: UpdateServiceDeps) {}

  /** The last check of each of the compartment's images (none before its first check). */
  list(id: string): ImageCheckRow[] {
    return this.deps.checks.list(this.deps.compartments.get(id).id);
  }

  /** The images the compartment's units pull from a registry, each with the units that use it. */
  images(id: string): Map<string, string[]> {
    const state = this.deps.compartments.stateOrEmpty(id);
    const rendered = render(state, this.deps.render ?? {});
    const quadlets = new Map<string, string>();
    for (const [path, text] of rendered.files)
      if (path.startsWith(`${QUADLET_DIR}/`)) quadlets.set(path.slice(QUADLET_DIR.length + 1), text);
    const out = new Map<string, string[]>();
    for (const need of unitImages(quadlets)) {
      const ref = need.image === undefined ? undefined : tryParseReference(need.image);
      // a localhost/ image, a short name (refused at apply) or an unreadable reference has no registry to ask
      if (!ref?.registry || ref.registry === 'localhost') continue;
      out.set(need.image!, [...(out.get(need.image!) ?? []), need.unit]);
    }
    return out;
  }

  /** Checks every image of the compartment now, keeps the results and returns them. */
  async check(id: string): Promise<ImageCheckRow[]> {
    const cid = this.deps.compartments.get(id).id;
    const images = this.images(cid);
    const names = [...images.keys()];
    const [stored, results] = await Promise.all([
      names.length > 0 ? this.deps.host.imagesJson(cid).then(parseImagesJson) : Promise.resolve([]),
      this.deps.host.registryCheck(cid, names),
    ]);
    const at = (this.deps.now?.() ?? new Date()).toISOString();
    const rows = results.map((r): ImageCheckRow => {
      const local = stored.find((img) => imageServes(r.image, img));
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
    this.deps.checks.replace(cid, rows);
    return rows;
  }
}
