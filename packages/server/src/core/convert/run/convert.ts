// `podman run` commands → compartment spec (issue 16), with a report that says what became of every option, as
// the compose converter's does. The text is split into commands and words (words.ts), each command read (parse.ts)
// and made a compose service (service.ts, handlers.ts, resources.ts), and the compose converter's model half
// (compose/model.ts) makes the spec of them: an option maps as the compose key that means the same does.
//
// - each command becomes `<name>.container`: its --name, else the image's name (`nginx` for …/nginx:1.27);
// - the containers join the compartment's default network, where each is reachable by its name, unless --network
//   says otherwise; named volumes, networks and secrets become the compartment's;
// - the compartment is named by the option, else after the first container.
//
// Pure: no I/O (nothing the command names is read: an --env-file needs input).

import { NEWEST_PODMAN, parseVersion } from '@quadletman/quadlet';
import type { DesiredState } from '../../spec.js';
import { type Obj, projectName, Report, type ReportEntry } from '../common.js';
import { convertModel } from '../compose/model.js';
import type { UnitBuilder } from '../unit-builder.js';
import { parseCommand, type RunCommand } from './parse.js';
import { type Converted, convertCommand, type Shared } from './service.js';
import { RunCommandError, splitCommands, where } from './words.js';

export interface RunConvertOptions {
  /** The Podman version to target (default: the newest the registry knows). */
  podmanVersion?: string;
  /** The compartment's name (default: the first container's). */
  compartment?: string;
  /** The full name the target host gives a short image name (its registries.conf), when it gives one. */
  qualifyImage?: (shortName: string) => string | undefined;
}

export interface RunConvertResult {
  /** The compartment spec, as `quadletman apply -f` reads it. */
  spec: Obj;
  /** The spec validated. */
  state: DesiredState;
  report: ReportEntry[];
}

/** The most text a conversion reads. */
export const MAX_COMMAND_TEXT = 256 * 1024;

/** Converts the commands of `text`. Throws RunCommandError (with the place) for what cannot be read at all. */
export function convertRun(text: string, opts: RunConvertOptions = {}): RunConvertResult {
  if (text.length > MAX_COMMAND_TEXT)
    throw new RunCommandError(`the text is longer than ${MAX_COMMAND_TEXT} characters`);
  const version = opts.podmanVersion === undefined ? NEWEST_PODMAN : parseVersion(opts.podmanVersion);
  if (!version) throw new RunCommandError(`${opts.podmanVersion}: not a Podman version like 5.4`);
  const multiline = /\n./.test(text.replace(/\r\n/g, '\n').trimEnd());
  const commands = splitCommands(text).map((c) => parseCommand(c, multiline));
  if (commands.length === 0) throw new RunCommandError('no podman run command in the text');
  const names = containerNames(commands, multiline);

  const project = projectName(opts.compartment ?? names[0]!.name);
  if (!project) {
    throw new RunCommandError(`${opts.compartment ?? names[0]!.name}: no usable compartment name (a-z, 0-9, -; ≤ 32)`);
  }
  const report = new Report();
  report.mapped(['compartment'], opts.compartment === undefined ? `${project} (after the first container)` : project);
  const shared: Shared = {
    report,
    multiline,
    names: new Set(names.map((n) => n.name)),
    volumes: {},
    networks: {},
    secrets: {},
    firstUse: new Map(),
    positions: new Map([['compartment', 0]]),
  };
  const converted = new Map<string, Converted>();
  commands.forEach((cmd, i) => {
    const { name, named } = names[i]!;
    const verb = `${cmd.tool} ${cmd.verb}`;
    const line = multiline ? ` (line ${cmd.at.line})` : '';
    const unnamed = named ? '' : ' (no --name: named after the image)';
    report.mapped([name], `${verb}${line} → ${name}.container${unnamed}`);
    converted.set(name, convertCommand(name, cmd, shared));
  });

  const model: Obj = { services: Object.fromEntries([...converted].map(([n, c]) => [n, c.service])) };
  for (const kind of ['volumes', 'networks', 'secrets'] as const) {
    if (Object.keys(shared[kind]).length > 0) model[kind] = shared[kind];
  }
  const { spec, state } = convertModel({
    model,
    project,
    version,
    report,
    readFile: () => undefined,
    lookup: () => undefined,
    services: model.services as Record<string, Obj>,
    pinVersion: opts.podmanVersion !== undefined,
    hooks: new Map<string, (c: UnitBuilder) => void>([...converted].map(([n, c]) => [n, c.hook])),
    podmanVolumeOptions: true,
    qualifyImage: opts.qualifyImage,
  });
  return { spec, state, report: inRunTerms(report.entries, converted, shared) };
}

/** Each command's container name: --name (the last one, as podman reads it), else the image's, made unique. */
function containerNames(commands: readonly RunCommand[], multiline: boolean): { name: string; named: boolean }[] {
  const taken = new Map<string, RunCommand>();
  const given = commands.map((cmd) => cmd.options.filter((o) => o.name === 'name').at(-1));
  for (const [i, o] of given.entries()) {
    if (!o) continue;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(o.value)) {
      throw new RunCommandError(
        `${where(o.at, multiline)}: --name ${o.value}: not a container name (letters, digits, _ . -)`,
      );
    }
    const other = taken.get(o.value);
    if (other) {
      throw new RunCommandError(
        `${where(o.at, multiline)}: --name ${o.value}: the command at ${where(other.at, multiline)} has that name too`,
      );
    }
    taken.set(o.value, commands[i]!);
  }
  return commands.map((cmd, i) => {
    if (given[i]) return { name: given[i].value, named: true };
    const base =
      cmd.image.text
        .replace(/@.*$/, '')
        .replace(/:[^/]*$/, '')
        .replace(/^.*\//, '')
        .toLowerCase()
        .replace(/[^a-z0-9_.-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '') || 'container';
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.set(name, cmd);
    return { name, named: false };
  });
}

/** The compose converter's entries in the command's terms (`services.web.ports.0` → `web.--publish.0`), in order. */
function inRunTerms(entries: ReportEntry[], converted: Map<string, Converted>, shared: Shared): ReportEntry[] {
  const placed = entries.map((e, i) => {
    let path = e.path;
    let pos = shared.positions.get(path) ?? shared.firstUse.get(path);
    for (const [name, c] of converted) {
      const prefix = `services.${name}.`;
      if (path !== `services.${name}` && !path.startsWith(prefix)) continue;
      const parts = path === `services.${name}` ? [] : path.slice(prefix.length).split('.');
      path = [name, ...parts].join('.');
      pos = shared.positions.get(name);
      for (let n = parts.length; n > 0; n--) {
        const o = c.origins.get(parts.slice(0, n).join('.'));
        if (o) {
          path = [o.label, ...parts.slice(n)].join('.');
          pos = o.pos;
          break;
        }
      }
      break;
    }
    return { entry: { ...e, path }, pos: pos ?? Number.MAX_SAFE_INTEGER, i };
  });
  placed.sort((a, b) => a.pos - b.pos || a.i - b.i);
  return placed.map((p) => p.entry);
}
