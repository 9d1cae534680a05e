// The ports a compartment's desired state publishes on the host: PublishPort of its containers, pods and kube
// units (typed fields, Quadlet spellings, raw units and drop-ins alike), read from the rendered files. Pure.

import {
  applyDropIns,
  type DropInConf,
  dropInDirs,
  getAllValues,
  isDropIn,
  MAIN_SECTION,
  parsePublishPort,
  parseUnitFile,
  unitTypeOf,
} from '@quadletman/quadlet';
import type { CompartmentId } from './ids.js';
import { QUADLET_DIR } from './layout.js';
import { render } from './render.js';
import type { DesiredState } from './spec.js';
import type { PublishedPort } from './ui-host.js';

const PUBLISHING_TYPES = new Set(['container', 'pod', 'kube']);

/** The ports a compartment's desired state publishes (PublishPort of its containers, pods and kube units, with
 * their drop-ins). A state that does not render publishes nothing here (apply would refuse it). */
export function publishedPorts(state: DesiredState): PublishedPort[] {
  let files: Map<string, string>;
  try {
    files = render(state).files;
  } catch {
    return [];
  }
  const inQuadletDir = [...files].filter(([p]) => p.startsWith(`${QUADLET_DIR}/`));
  const rel = (p: string) => p.slice(QUADLET_DIR.length + 1);
  const confs: DropInConf[] = inQuadletDir
    .filter(([p]) => isDropIn(p))
    .map(([p, text]) => {
      const parts = rel(p).split('/');
      return { dir: parts.at(-2)!, name: parts.at(-1)!, file: parseUnitFile(text) };
    });
  const out: PublishedPort[] = [];
  for (const [path, text] of inQuadletDir) {
    const unit = rel(path);
    const type = unit.includes('/') ? undefined : unitTypeOf(unit);
    if (!type || !PUBLISHING_TYPES.has(type)) continue;
    const dirs = new Set(dropInDirs(unit));
    const own = confs.filter((c) => dirs.has(c.dir));
    const file = own.length > 0 ? applyDropIns(parseUnitFile(text), own, { unitName: unit }) : parseUnitFile(text);
    for (const raw of getAllValues(file, MAIN_SECTION[type], 'PublishPort')) {
      const value = raw.trim();
      const m = parsePublishPort(value);
      if (typeof m === 'string') continue; // lint reports it; apply refuses it
      const any = m.ip === undefined || m.ip === '0.0.0.0' || m.ip === '::';
      out.push({
        compartment: state.id,
        unit,
        value,
        ...(any ? {} : { address: m.ip }),
        ...(m.host ? { hostPort: m.host } : {}),
      });
    }
  }
  return out;
}

/** Every compartment's published ports, from what lists compartments and loads their states (the store's
 * compartment repository). */
export function publishedPortsIn(compartments: {
  list(): readonly { id: CompartmentId }[];
  loadState(id: CompartmentId): DesiredState | undefined;
}): PublishedPort[] {
  return compartments.list().flatMap((c) => {
    const state = compartments.loadState(c.id);
    return state ? publishedPorts(state) : [];
  });
}
