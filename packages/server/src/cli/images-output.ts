/**
 * What `quadletman images` prints: a table of a compartment's images (image, tag, digest (short), size, created,
 * the units that use it or `unused`) and the report of a prune. Pure: the command passes the service's answers.
 */
import type { ImageEntry, ImageList, PruneResult } from '../core/service/images.js';
import { table } from './context.js';

/** Bytes in binary units, one decimal above KiB (1536 → "1.5 KiB"). */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** The digest without its algorithm, cut to 12 hex digits as Podman shows ids; `-` when unknown. */
export const shortDigest = (digest: string | null): string =>
  digest ? digest.slice(digest.indexOf(':') + 1).slice(0, 12) : '-';

const label = (i: ImageEntry): string => i.repository ?? `<none> (${i.id.slice(0, 12)})`;

export function imagesText(list: ImageList): string {
  const lines: string[] = [];
  if (list.images.length === 0) lines.push('(no images)');
  else {
    lines.push(
      table([
        ['IMAGE', 'TAG', 'DIGEST', 'SIZE', 'CREATED', 'USED BY'],
        ...list.images.map((i) => [
          label(i),
          i.tags.join(',') || '-',
          shortDigest(i.digest),
          humanBytes(i.size),
          i.created ? i.created.slice(0, 10) : '-',
          i.unused ? (i.containers > 0 ? `unused (${i.containers} container(s))` : 'unused') : i.usedBy.join(','),
        ]),
      ]),
    );
  }
  for (const m of list.missing) lines.push(`missing: ${m.image} (needed by ${m.unit})`);
  return lines.join('\n');
}

export function pruneText(r: PruneResult): string {
  const name = (i: ImageEntry) => i.names[0] ?? label(i);
  const lines = r.removed.map((i) => `${r.dryRun ? 'would remove' : 'removed'} ${name(i)} (${humanBytes(i.size)})`);
  for (const f of r.failed) lines.push(`not removed ${name(f.image)}: ${f.error}`);
  if (r.removed.length === 0 && r.failed.length === 0) lines.push('Nothing to remove: every image is in use.');
  else if (r.dryRun)
    lines.push(`Up to ${humanBytes(r.bytes)} would be freed. Run again without --dry-run to remove them.`);
  else
    lines.push(
      `Up to ${humanBytes(r.bytes)} freed${r.failed.length > 0 ? `; ${r.failed.length} image(s) not removed` : ''}.`,
    );
  return lines.join('\n');
}
