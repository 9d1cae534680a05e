// A compartment's images as `podman images --format json` lists them, each with the units that use it (read from
// the unit files with unitImages) and `unused` for those nothing uses; and the images units need that the store
// lacks. References match as Podman looks them up locally: a qualified name by repository and tag (`latest` when
// none) or digest; a short name through its alias, or any repository ending in `/<name>`. Pure.

import { InvalidError } from '../errors.js';
import { type ImageReference, repository, tryParseReference } from './reference.js';
import type { RegistriesConf } from './registries-conf.js';
import { type UnitImage, unitImages } from './unit-images.js';

/** One image of the store (listed once even where Podman repeats it per name). */
export interface StoredImage {
  id: string;
  /** Its names (`repository:tag`, sometimes `repository@digest`); none for a dangling image. */
  names: string[];
  /** `repository@digest` for each repository it was pulled from. */
  repoDigests: string[];
  /** The manifest digest. */
  digest: string | undefined;
  size: number;
  created: Date | undefined;
  /** No name and no child image (Podman's Dangling; a nameless parent of another image is not dangling). */
  dangling: boolean;
  /** How many containers (running or not) use it (Podman's Containers). */
  containers: number;
  /** The image it was built on, when Podman knows it (ParentId; empty for pulled images). */
  parentId: string | undefined;
}

export interface InventoryImage extends StoredImage {
  /** The repository of the first name; undefined for a dangling image. */
  repository: string | undefined;
  /** The tags that repository has on this image. */
  tags: string[];
  /** The unit files that use the image, sorted. */
  usedBy: string[];
  unused: boolean;
}

export interface ImageInventory {
  images: InventoryImage[];
  /** What units need pulled that no stored image serves (builds excluded: their images are built). */
  missing: UnitImage[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The images of `podman images --format json` (Podman 4.4+: Names, RepoDigests, Digest, Size, Created…). */
export function parseImagesJson(json: string): StoredImage[] {
  if (json.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new InvalidError(`podman images: the output is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new InvalidError('podman images: the output is not a JSON array');
  const byId = new Map<string, StoredImage>();
  for (const o of data) {
    if (!isObj(o) || typeof o.Id !== 'string') continue;
    const names = [...strings(o.Names), ...strings(o.RepoTags)].filter((n) => n !== '<none>:<none>');
    const seen = byId.get(o.Id);
    if (seen) {
      seen.names = unique([...seen.names, ...names]);
      seen.repoDigests = unique([...seen.repoDigests, ...strings(o.RepoDigests)]);
      seen.containers = Math.max(seen.containers, containersOf(o));
      continue;
    }
    byId.set(o.Id, {
      id: o.Id,
      names: unique(names),
      repoDigests: unique(strings(o.RepoDigests)),
      digest: typeof o.Digest === 'string' && o.Digest !== '' ? o.Digest : undefined,
      size: typeof o.Size === 'number' ? o.Size : 0,
      created: createdOf(o),
      dangling: o.Dangling === true,
      containers: containersOf(o),
      parentId: typeof o.ParentId === 'string' && o.ParentId !== '' ? o.ParentId : undefined,
    });
  }
  return [...byId.values()];
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
const containersOf = (o: Obj): number => (typeof o.Containers === 'number' ? o.Containers : 0);

function createdOf(o: Obj): Date | undefined {
  if (typeof o.Created === 'number' && o.Created > 0) return new Date(o.Created * 1000);
  if (typeof o.CreatedAt === 'string' && !o.CreatedAt.startsWith('0001-')) {
    const d = new Date(o.CreatedAt);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return undefined;
}

/** True when Podman would find `reference` (a unit's Image=, `docker://` allowed) in `image`. */
export function imageServes(reference: string, image: StoredImage, conf?: RegistriesConf): boolean {
  const ref = tryParseReference(reference.replace(/^docker:\/\//, ''));
  if (!ref) return false;
  const repoMatches = repositoryMatcher(ref, conf);
  if (ref.digest !== undefined) {
    const digests = new Set([image.digest, ...image.repoDigests.map((d) => d.slice(d.indexOf('@') + 1))]);
    const repos = [...image.names, ...image.repoDigests]
      .map((n) => tryParseReference(n))
      .filter((r) => r !== undefined);
    return digests.has(ref.digest) && repos.some((r) => repoMatches(repository(r)));
  }
  const tag = ref.tag ?? 'latest';
  return image.names.some((n) => {
    const r = tryParseReference(n);
    return r !== undefined && r.tag === tag && repoMatches(repository(r));
  });
}

function repositoryMatcher(ref: ImageReference, conf: RegistriesConf | undefined): (repo: string) => boolean {
  if (ref.registry !== undefined) {
    const want = repository(ref);
    return (repo) => repo === want;
  }
  const alias = conf?.aliases.get(ref.path)?.value;
  return (repo) => repo === alias || repo.endsWith(`/${ref.path}`);
}

/** The store's images with the units that use them, and what units need that the store lacks. */
export function imageInventory(
  imagesJson: string,
  files: ReadonlyMap<string, string>,
  options: { conf?: RegistriesConf } = {},
): ImageInventory {
  const stored = parseImagesJson(imagesJson);
  const needs = unitImages(files);
  const users = new Map<string, Set<string>>(stored.map((i) => [i.id, new Set()]));
  const missing: UnitImage[] = [];
  for (const need of needs) {
    const refs = [need.image, need.localName].filter((r): r is string => r !== undefined);
    const serving = stored.filter((i) => refs.some((r) => imageServes(r, i, options.conf)));
    for (const i of serving) users.get(i.id)!.add(need.unit);
    if (serving.length === 0 && need.image !== undefined) missing.push(need);
  }
  const images = stored.map((i): InventoryImage => {
    const usedBy = [...users.get(i.id)!].sort();
    const first = i.names.map((n) => tryParseReference(n)).find((r) => r !== undefined);
    const repo = first && repository(first);
    const tags = i.names
      .map((n) => tryParseReference(n))
      .filter((r) => r !== undefined && r.tag !== undefined && repository(r) === repo)
      .map((r) => r!.tag!);
    return { ...i, repository: repo, tags, usedBy, unused: usedBy.length === 0 };
  });
  return { images, missing };
}
