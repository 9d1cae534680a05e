// The dependencies between a compartment's units and the order systemd starts them in. Pure: the rendered files
// (home-relative path → text, as render() gives them) in, a graph out.
//
// Where edges come from (an edge reads "`from` depends on `to`"):
// - [Unit] Requires=, Requisite=, Wants=, BindsTo=, PartOf=, After=, Before= of every unit (drop-ins in the
//   Quadlet folder merged as the generator merges them). A Quadlet file name in them (`Requires=db.container`)
//   is its generated service, as the generator translates it (quadlet.go, translateUnitDependencies).
// - what the Quadlet generator adds itself (podman pkg/systemd/quadlet/quadlet.go), each a Requires= + After=
//   on the referenced unit's service unless said otherwise:
//   - Image=x.image / Image=x.build of a .container (ConvertContainer → handleImageSource) and of a .volume with
//     Driver=image (ConvertVolume → handleImageSource);
//   - Network=x.network or Network=x.container of a .container, .pod, .kube and .build (addNetworks);
//   - Volume=x.volume:/dest (and x.artifact) of a .container, .pod and .build (addVolumes → handleStorageSource);
//   - Mount=…,source=x.volume|x.image|x.artifact of a .container (resolveContainerMountParams →
//     handleStorageSource);
//   - Pod=x.pod of a .container: BindsTo= + After= (handlePod); the pod in turn Wants= and is Before= the
//     container (its ContainersToStart), so starting the pod starts its containers.
//   The generator also makes every unit want and follow podman-user-wait-network-online.service
//   (addDefaultDependencies); that edge is the same for every unit and is left out.
// - [Install] WantedBy=/RequiredBy= naming a unit of the set (the compartment's target): the target wants the
//   unit, and a target is ordered after what it wants (systemd's default dependencies of targets).
// - a .timer triggers its service (`Unit=`, else `<name>.service`) and is ordered before it; so does a .socket
//   (`Service=`, else `<name>.service`, `<name>@.service` with `Accept=yes`).
// Ordering is systemd's: only After=/Before= (and the implicit ones above, which carry an After=) order units;
// Requires= or Wants= alone start both at once. A unit ordered after a container with `Notify=healthy` waits
// until that container's health check passes (its service turns active only then): such edges are health gates.
//
// A reference to a Quadlet file the set lacks is missing (the generator refuses the unit); other unit names the
// set does not have (`network-online.target`, a service of the user's own) are external. A reference to an
// instance of a template (`web@blue.service`, `web@blue.container`) adds the instance as a node, with the
// template's dependencies (`%i` replaced by the instance); templates themselves are never started.
// Cycles in the ordering are reported, each once, with the units in them placed together.

import {
  applyDropIns,
  type DropInConf,
  getAll,
  getAllWords,
  isDropIn,
  lookup,
  MAIN_SECTION,
  parseUnitFile,
  splitWords,
  type UnitFile,
  type UnitType,
  unitTypeOfFile,
} from '@quadletman/quadlet';
import { QUADLET_DIR } from './layout.js';
import { socketTarget } from './plan.js';

export type UnitNodeKind = UnitType | 'timer' | 'socket' | 'service' | 'target';

export type UnitEdgeKind =
  | 'requires'
  | 'wants'
  | 'after'
  | 'before'
  | 'binds'
  | 'partOf'
  | 'network'
  | 'volume'
  | 'image'
  | 'build'
  | 'artifact'
  | 'pod'
  | 'triggers';

export interface UnitGraphNode {
  /** The unit's file name (`web.container`, `backup.timer`, `shop.target`); for an instance of a template, the
   * instance's name (`web@blue.container`). */
  id: string;
  /** Home-relative path of its file (an instance: its template's). */
  path: string;
  kind: UnitNodeKind;
  /** The systemd unit it is: the generated service (`web.service`, `data-volume.service`), or the timer/target. */
  unit: string;
  /** A template (`web@.container`): started only through its instances. */
  template?: true;
  /** An instance: the template's id. */
  instanceOf?: string;
  /** A container with `Notify=healthy`: it is active (and units after it start) once its health check passes. */
  notifyHealthy?: true;
}

export interface UnitGraphEdge {
  /** The unit that depends (node id). */
  from: string;
  /** What it depends on: a node id, or the unit name as written when it is missing or external. */
  to: string;
  kind: UnitEdgeKind;
  /** The key it comes from (`Requires`, `Network`, `Mount`, `WantedBy`…). */
  key: string;
  /** How it orders the two: `after` — `from` starts after `to`; `before` — `from` starts before `to`; null — no
   * ordering (both start at once). */
  order: 'after' | 'before' | null;
  /** The unit that starts second waits until the first (a `Notify=healthy` container) is healthy. */
  healthGate: boolean;
  /** A Quadlet file the set does not have: the generator refuses `from`. */
  missing?: true;
  /** A unit outside the compartment's files (a system or user unit). */
  external?: true;
}

export interface UnitGraph {
  /** Every unit, by id. */
  nodes: UnitGraphNode[];
  edges: UnitGraphEdge[];
  /** Node ids in an order systemd may start them (dependencies first); templates are left out. */
  order: string[];
  /** The same units by depth: layer 0 waits for nothing, layer n for something in layer n-1. */
  layers: string[][];
  /** Units that order each other in a circle (systemd breaks such a cycle by dropping a job). */
  cycles: string[][];
  /** References to Quadlet files the set does not have. */
  missing: { from: string; to: string; key: string }[];
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const dirName = (p: string): string => p.slice(0, Math.max(p.lastIndexOf('/'), 0));
const extOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1);
};
const stemOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
};

/** `web@blue.container` → { template: `web@.container`, instance: `blue` }. */
function splitInstance(name: string): { template: string; instance: string } | undefined {
  const stem = stemOf(name);
  const at = stem.indexOf('@');
  if (at === -1 || at === stem.length - 1) return undefined;
  return { template: `${stem.slice(0, at + 1)}.${extOf(name)}`, instance: stem.slice(at + 1) };
}

/** The generated service's name without `.service`, as the generator's getServiceName makes it. */
function serviceStem(fileName: string, type: UnitType, u: UnitFile): string {
  const custom = lookup(u, MAIN_SECTION[type], 'ServiceName');
  if (custom) return custom;
  const suffix = type === 'container' || type === 'kube' ? '' : `-${type}`;
  const stem = stemOf(fileName);
  return stem.endsWith('@') ? `${stem.slice(0, -1)}${suffix}@` : `${stem}${suffix}`;
}

interface Source {
  id: string;
  path: string;
  kind: UnitNodeKind;
  file: UnitFile;
  /** `web@.service` for a template, `web.service` otherwise. */
  unit: string;
}

interface RawDep {
  to: string;
  kind: UnitEdgeKind;
  key: string;
  order: 'after' | 'before' | null;
  /** Reversed: the named unit depends on this one (WantedBy=). */
  reverse?: boolean;
  /** Named by Quadlet file name only (implicit references), so anything else is missing. */
  quadlet?: boolean;
}

const UNIT_KEYS: [key: string, kind: UnitEdgeKind, order: 'after' | 'before' | null][] = [
  ['Requires', 'requires', null],
  ['Requisite', 'requires', null],
  ['Wants', 'wants', null],
  ['BindsTo', 'binds', null],
  ['PartOf', 'partOf', null],
  ['After', 'after', 'after'],
  ['Before', 'before', 'before'],
];

/** The Quadlet file a value names, when it names one by one of `suffixes`. */
const quadletRef = (value: string, suffixes: readonly string[]): string | undefined =>
  suffixes.some((s) => value.endsWith(`.${s}`)) ? value : undefined;

/** The implicit dependencies the generator adds for a Quadlet unit (see the module comment). */
function implicitDeps(type: UnitType, u: UnitFile): RawDep[] {
  const out: RawDep[] = [];
  const main = MAIN_SECTION[type];
  const add = (to: string, kind: UnitEdgeKind, key: string) =>
    out.push({ to, kind, key, order: 'after', quadlet: true });
  const image = (value: string | undefined, key: string) => {
    const ref = value === undefined ? undefined : quadletRef(value, ['image', 'build']);
    if (ref) add(ref, ref.endsWith('.build') ? 'build' : 'image', key);
  };
  const storage = (source: string, key: string, withImage: boolean) => {
    if (source === '' || source.startsWith('/') || source.startsWith('.')) return;
    const ref = quadletRef(source, withImage ? ['volume', 'image', 'artifact'] : ['volume', 'artifact']);
    if (ref) add(ref, ref.endsWith('.volume') ? 'volume' : ref.endsWith('.image') ? 'image' : 'artifact', key);
  };
  if (type === 'container') image(lookup(u, main, 'Image'), 'Image');
  if (type === 'volume' && lookup(u, main, 'Driver') === 'image') image(lookup(u, main, 'Image'), 'Image');
  if (type === 'container' || type === 'pod' || type === 'kube' || type === 'build') {
    for (const e of getAll(u, main, 'Network')) {
      const ref = quadletRef(e.value.split(':')[0]!, ['network', 'container']);
      if (ref) add(ref, 'network', 'Network');
    }
  }
  if (type === 'container' || type === 'pod' || type === 'build') {
    for (const e of getAll(u, main, 'Volume')) {
      const parts = e.value.split(':');
      if (parts.length >= 2) storage(parts[0]!, 'Volume', false);
    }
  }
  if (type === 'container') {
    for (const mount of getAllWords(u, main, 'Mount')) {
      const tokens = mount.split(',');
      const typeToken = tokens.find((t) => t.startsWith('type='));
      const mountType = typeToken ? typeToken.slice('type='.length) : 'volume';
      if (!['volume', 'bind', 'glob', 'image', 'artifact'].includes(mountType)) continue;
      const src = tokens.find((t) => t.startsWith('source=') || t.startsWith('src='));
      if (src) storage(src.slice(src.indexOf('=') + 1), 'Mount', true);
    }
    const pod = lookup(u, main, 'Pod');
    if (pod?.endsWith('.pod')) out.push({ to: pod, kind: 'pod', key: 'Pod', order: 'after', quadlet: true });
  }
  return out;
}

/** The dependencies a unit file states, `%i` replaced by `instance` when given. */
function depsOf(src: Source, instance: string | undefined): RawDep[] {
  const words = (section: string, key: string) =>
    getAll(src.file, section, key)
      .flatMap((e) => splitWords(e.value, 'strv').words)
      .map((w) => (instance === undefined ? w : w.replaceAll('%i', instance)));
  const out: RawDep[] = [];
  for (const [key, kind, order] of UNIT_KEYS) for (const to of words('Unit', key)) out.push({ to, kind, key, order });
  for (const [key, kind] of [
    ['WantedBy', 'wants'],
    ['RequiredBy', 'requires'],
  ] as const) {
    for (const to of words('Install', key)) out.push({ to, kind, key, order: null, reverse: true });
  }
  if (src.kind === 'timer') {
    const unit = lookup(src.file, 'Timer', 'Unit') ?? `${stemOf(src.id)}.service`;
    out.push({ to: unit, kind: 'triggers', key: 'Unit', order: 'before' });
  } else if (src.kind === 'socket') {
    out.push({ to: socketTarget(src.id, src.file), kind: 'triggers', key: 'Service', order: 'before' });
  } else if (src.kind !== 'target' && src.kind !== 'service') {
    out.push(...implicitDeps(src.kind, src.file));
  }
  return out;
}

function quadletDropIns(files: ReadonlyMap<string, string>): DropInConf[] {
  const out: DropInConf[] = [];
  for (const [path, text] of files) {
    if (!path.startsWith(`${QUADLET_DIR}/`) || !isDropIn(path)) continue;
    out.push({ dir: baseName(dirName(path)), name: baseName(path), file: parseUnitFile(text), path });
  }
  return out;
}

/** systemd's own unit types a compartment's user unit folder holds. */
const USER_KINDS = new Set(['timer', 'socket', 'service', 'target']);

/** The units of a rendered set: Quadlet sources (drop-ins merged), and systemd's own timers, sockets, services and
 * targets. */
function sourcesOf(files: ReadonlyMap<string, string>): Source[] {
  const confs = quadletDropIns(files);
  const out: Source[] = [];
  for (const [path, text] of files) {
    const name = baseName(path);
    const ext = extOf(name);
    if (USER_KINDS.has(ext) && !path.startsWith(`${QUADLET_DIR}/`)) {
      out.push({ id: name, path, kind: ext as UnitNodeKind, file: parseUnitFile(text), unit: name });
      continue;
    }
    if (!path.startsWith(`${QUADLET_DIR}/`) || isDropIn(path)) continue;
    const type = unitTypeOfFile(name);
    if (type === undefined) continue;
    const file = applyDropIns(parseUnitFile(text), confs, { unitName: name });
    out.push({ id: name, path, kind: type, file, unit: `${serviceStem(name, type, file)}.service` });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const isHealthyNotify = (s: Source): boolean =>
  s.kind === 'container' &&
  lookup(s.file, 'Container', 'Notify')?.toLowerCase() === 'healthy' &&
  lookup(s.file, 'Service', 'Type') !== 'oneshot';

/** The graph of a compartment's rendered files (see the module comment). */
export function unitGraph(files: ReadonlyMap<string, string>): UnitGraph {
  const sources = sourcesOf(files);
  const byId = new Map(sources.map((s) => [s.id, s]));
  const byUnit = new Map(sources.map((s) => [s.unit, s]));
  const nodes = new Map<string, UnitGraphNode>();
  const edges: UnitGraphEdge[] = [];
  const queue: { src: Source; id: string; instance?: string }[] = [];

  const addNode = (src: Source, id: string, instance?: string): void => {
    if (nodes.has(id)) return;
    const template = stemOf(src.id).endsWith('@');
    const node: UnitGraphNode = {
      id,
      path: src.path,
      kind: src.kind,
      unit: instance === undefined ? src.unit : src.unit.replace('@.', `@${instance}.`),
      ...(template && instance === undefined ? { template: true as const } : {}),
      ...(instance !== undefined ? { instanceOf: src.id } : {}),
      ...(isHealthyNotify(src) ? { notifyHealthy: true as const } : {}),
    };
    nodes.set(id, node);
    queue.push({ src, id, ...(instance !== undefined ? { instance } : {}) });
  };

  /** The node a unit name stands for (adding an instance node when it names one), or why there is none. */
  const resolve = (name: string, quadletOnly: boolean): string | 'missing' | 'external' => {
    const ext = extOf(name);
    const quadlet = unitTypeOfFile(name) !== undefined && !name.includes('/');
    // a service is a plain service's own file, else (below) a Quadlet unit's generated service
    if (ext === 'service' && byId.has(name)) return name;
    if (quadlet || (USER_KINDS.has(ext) && ext !== 'service')) {
      const src = byId.get(name);
      if (src) return name;
      const inst = splitInstance(name);
      const template = inst && byId.get(inst.template);
      if (template && inst) {
        addNode(template, name, inst.instance);
        return name;
      }
      return quadlet ? 'missing' : 'external';
    }
    if (quadletOnly) return 'external';
    const src = byUnit.get(name);
    if (src) return src.id;
    const inst = splitInstance(name);
    const template = inst && byUnit.get(inst.template);
    if (template && inst) {
      const id = template.id.replace('@.', `@${inst.instance}.`);
      addNode(template, id, inst.instance);
      return id;
    }
    return 'external';
  };

  for (const s of sources) addNode(s, s.id);
  while (queue.length > 0) {
    const { src, id, instance } = queue.shift()!;
    const template = instance === undefined && nodes.get(id)?.template === true;
    for (const d of depsOf(src, instance)) {
      // a template's own `cfg@%i.service` stands for the other template (no instance to add)
      const name = template ? d.to.replace(/@[^.@]*%[^.@]*\./, '@.') : d.to;
      const target = resolve(name, d.quadlet === true);
      const known = target !== 'missing' && target !== 'external';
      // WantedBy= a unit outside the set (default.target) says nothing about this compartment's order
      if (d.reverse && !known) continue;
      const from = d.reverse ? (target as string) : id;
      const to = d.reverse ? id : known ? target : name;
      // a target is ordered after the units it wants or requires (systemd's default dependencies of targets)
      const order = d.reverse && nodes.get(from)?.kind === 'target' ? 'after' : d.order;
      edges.push({
        from,
        to,
        kind: d.kind,
        key: d.key,
        order,
        healthGate: false,
        ...(target === 'missing' ? { missing: true as const } : {}),
        ...(target === 'external' ? { external: true as const } : {}),
      });
    }
  }

  for (const e of edges) {
    if (e.order === null || e.missing || e.external) continue;
    const first = e.order === 'after' ? e.to : e.from;
    e.healthGate = nodes.get(first)?.notifyHealthy === true;
  }

  const nodeList = [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { order, layers, cycles } = startOrder(nodeList, edges);
  const missing = edges.filter((e) => e.missing).map((e) => ({ from: e.from, to: e.to, key: e.key }));
  return { nodes: nodeList, edges, order, layers, cycles, missing };
}

/** Layers and order over the ordering edges (Tarjan's strongly connected components, then longest path). */
function startOrder(
  nodes: readonly UnitGraphNode[],
  edges: readonly UnitGraphEdge[],
): { order: string[]; layers: string[][]; cycles: string[][] } {
  const started = nodes.filter((n) => !n.template).map((n) => n.id);
  const inSet = new Set(started);
  // first → then: `then` starts after `first`
  const next = new Map<string, Set<string>>(started.map((id) => [id, new Set()]));
  for (const e of edges) {
    if (e.order === null || e.missing || e.external) continue;
    const [first, then] = e.order === 'after' ? [e.to, e.from] : [e.from, e.to];
    if (inSet.has(first) && inSet.has(then)) next.get(first)!.add(then);
  }

  // Tarjan, iteratively (no recursion depth limit); components come out in reverse topological order
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of started) {
    if (index.has(root)) continue;
    const work: { id: string; it: Iterator<string> }[] = [];
    const enter = (id: string) => {
      index.set(id, counter);
      low.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, it: next.get(id)!.values() });
    };
    enter(root);
    while (work.length > 0) {
      const top = work.at(-1)!;
      const step = top.it.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(top.id)!));
      if (low.get(top.id) === index.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.id);
        components.push(comp.sort());
      }
    }
  }

  const compOf = new Map<string, number>();
  components.forEach((c, i) => {
    for (const id of c) compOf.set(id, i);
  });
  const cycles = components.filter((c) => c.length > 1 || next.get(c[0]!)!.has(c[0]!));
  // depth of each component: reverse topological order means successors come first, so walk backwards
  const depth = new Array<number>(components.length).fill(0);
  for (let i = components.length - 1; i >= 0; i--) {
    for (const id of components[i]!) {
      for (const then of next.get(id)!) {
        const j = compOf.get(then)!;
        if (j !== i) depth[j] = Math.max(depth[j]!, depth[i]! + 1);
      }
    }
  }
  const layers: string[][] = [];
  for (const id of started) {
    const d = depth[compOf.get(id)!]!;
    const layer = layers[d] ?? [];
    layer.push(id);
    layers[d] = layer;
  }
  const dense = layers.filter((l) => l !== undefined).map((l) => l.sort());
  return { order: dense.flat(), layers: dense, cycles: cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1)) };
}
