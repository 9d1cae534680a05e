/**
 * A compartment's image storage in memory, for the image service's tests and the route tests: `podman images`
 * objects per compartment, and a `podman rmi` that behaves as Podman's without force (a name of an image with
 * several is untagged, the last name or the id removes it; an image a container uses is refused, as is an id
 * with several names; a ref in `refuse` fails with the reason given).
 */

import { CommandError } from '../errors.js';
import type { CompartmentId } from '../ids.js';
import type { RegistriesConf } from '../images/registries-conf.js';
import type { RegistryCheckResult } from '../images/update-check.js';
import type { ImageHostPort } from './images.js';

/** One object of `podman images --format json` (the fields the inventory reads). */
export interface FakeImage {
  Id: string;
  Names: string[];
  Digest?: string;
  RepoDigests?: string[];
  Size: number;
  Created: number;
  Containers: number;
  ParentId?: string;
}

export class FakeImageHost implements ImageHostPort {
  images = new Map<string, FakeImage[]>();
  /** ref → Podman's reason, for a removal that fails. */
  refuse = new Map<string, string>();
  conf: RegistriesConf | undefined;
  calls: string[] = [];

  async imagesJson(id: CompartmentId): Promise<string> {
    return JSON.stringify(this.images.get(id) ?? []);
  }

  async removeImage(id: CompartmentId, ref: string): Promise<void> {
    this.calls.push(`rmi ${id} ${ref}`);
    const list = this.images.get(id) ?? [];
    const fail = (why: string) => {
      throw new CommandError(
        {
          argv: ['podman', 'rmi', ref],
          exitCode: 2,
          signal: null,
          stdout: '',
          stderr: `Error: ${why}`,
          timedOut: false,
        },
        { message: `podman rmi ${ref} as qm-${id} failed: ${why}` },
      );
    };
    const reason = this.refuse.get(ref);
    if (reason) fail(reason);
    const image = list.find((i) => i.Id === ref || i.Names.includes(ref));
    if (!image) return; // --ignore
    if (image.Containers > 0) fail(`image used by ${image.Containers} container(s)`);
    if (image.Id === ref && image.Names.length > 1)
      fail(`unable to delete image "${ref}" by ID with more than one tag`);
    if (image.Names.length > 1) image.Names = image.Names.filter((n) => n !== ref);
    else
      this.images.set(
        id,
        list.filter((i) => i !== image),
      );
  }

  async registriesConf(): Promise<RegistriesConf | undefined> {
    return this.conf;
  }
}

/** A registry as the update check sees it: image reference → the digest its manifest HEAD answers (none: 404). */
export class FakeRegistry {
  digests = new Map<string, string>();
  calls: string[] = [];

  async check(id: CompartmentId, images: readonly string[]): Promise<RegistryCheckResult[]> {
    this.calls.push(`check ${id} ${images.join(',')}`);
    return images.map((image) => {
      const digest = this.digests.get(image);
      return digest
        ? { image, ok: true as const, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' }
        : { image, ok: false as const, code: 'not-found' as const, message: `${image}: manifest unknown` };
    });
  }
}
