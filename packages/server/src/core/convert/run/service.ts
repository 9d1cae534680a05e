// One `podman run` → a compose service (the compose converter then maps it, key by key, as it maps compose files),
// plus what compose has no key for, written straight onto the unit by a hook. Every option gets a place in the
// report: a label `<container>.--<option>` (with the occurrence, `.0`, where each one has its own entry) and its
// position in the text, which orders the report as the command line reads.

import { lit, type Obj, type Path, type Report } from '../common.js';
import type { UnitBuilder } from '../unit-builder.js';
import { HANDLERS } from './handlers.js';
import { FLAG_OPTIONS, type RunCommand, type RunOption } from './parse.js';
import { RunCommandError, type Word, where } from './words.js';

export interface Origin {
  label: string;
  pos: number;
}

/** What all containers of the text share: the compose model's top-level resources and who uses them first. */
export interface Shared {
  report: Report;
  multiline: boolean;
  /** Every container's name (for --requires). */
  names: ReadonlySet<string>;
  volumes: Obj;
  networks: Obj;
  secrets: Obj;
  /** A top-level report path (`volumes.data`) → where it was first used. */
  firstUse: Map<string, number>;
  /** A report label → its position. */
  positions: Map<string, number>;
}

export interface Converted {
  service: Obj;
  /** A compose path inside the service (`ports.0`, `healthcheck.test`) → the option it came from. */
  origins: Map<string, Origin>;
  hook: (c: UnitBuilder) => void;
}

export const position = (w: Word) => w.line * 100_000 + w.col;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** What a handler may do with its option's value. */
export class Builder {
  readonly service: Obj = {};
  readonly origins = new Map<string, Origin>();
  readonly hooks: ((c: UnitBuilder) => void)[] = [];
  private readonly seen = new Map<string, number>();
  private opt!: RunOption;
  private label = '';
  private pos = 0;
  /** The option's label with its occurrence (`web.--publish.1`). */
  private item = '';

  constructor(
    readonly name: string,
    readonly shared: Shared,
  ) {}

  /** Runs the option's handler (an unknown option needs input). */
  take(o: RunOption): void {
    this.opt = o;
    this.pos = position(o.at);
    this.label = `${this.name}.${o.unknown ? o.spelled : `--${o.name}`}`;
    const n = this.seen.get(o.name) ?? 0;
    this.seen.set(o.name, n + 1);
    this.item = `${this.label}.${n}`;
    this.shared.positions.set(this.label, Math.min(this.shared.positions.get(this.label) ?? this.pos, this.pos));
    this.shared.positions.set(this.item, this.pos);
    if (FLAG_OPTIONS.has(o.name)) this.bool(o.value);
    const h = HANDLERS[o.name];
    if (o.unknown || !h) {
      const how = o.value === 'true' ? ' (read as a flag without a value)' : '';
      this.needs(`${o.spelled}: not an option of podman run that quadletman knows${how}; nothing was converted for it`);
    } else h(o.value, this);
  }

  fail(what: string): never {
    throw new RunCommandError(`${where(this.opt.at, this.shared.multiline)}: ${this.opt.spelled}: ${what}`);
  }
  bool(v: string): boolean {
    if (v === 'true' || v === 'false') return v === 'true';
    return this.fail(`${v}: expected true or false`);
  }
  /** Entries the compose converter makes at `path` are this option's (`suffix` appended to its label). */
  also(path: string, suffix = ''): void {
    this.origin(path, `${this.label}${suffix}`);
  }
  private origin(path: string, label: string): void {
    const prev = this.origins.get(path);
    this.origins.set(path, { label, pos: prev?.pos ?? this.pos });
  }

  /** A compose key with one value: the last option wins, as in podman; an earlier one is reported dropped. */
  scalar(key: string, value: unknown): void {
    const prev = this.origins.get(key);
    if (prev && this.service[key] !== undefined) {
      this.shared.report.dropped(
        [prev.label],
        `given again at ${where(this.opt.at, this.shared.multiline)}: the last one counts`,
      );
    }
    this.service[key] = value;
    this.origins.set(key, { label: this.label, pos: this.pos });
  }
  /** A compose list; `perItem`: the compose converter reports each entry (ports, volumes). */
  list(key: string, values: readonly string[], perItem = false): void {
    const list = (this.service[key] as string[] | undefined) ?? [];
    for (const v of values) {
      if (perItem) this.origin(`${key}.${list.length}`, this.item);
      list.push(v);
    }
    this.service[key] = list;
    this.origin(key, this.label);
  }
  /** A compose mapping (environment, labels, …): a later value of the same key wins, as in podman. */
  map(key: string, k: string, v: unknown): void {
    this.service[key] = { ...((this.service[key] as Obj | undefined) ?? {}), [k]: v };
    this.origin(key, this.label);
  }
  /** A key of a compose mapping that is converted key by key (healthcheck.interval, logging.driver). */
  sub(key: string, subkey: string, v: unknown): void {
    this.service[key] = { ...((this.service[key] as Obj | undefined) ?? {}), [subkey]: v };
    this.origin(`${key}.${subkey}`, this.label);
  }
  /** Written onto the unit after the compose keys (what compose has no key for). */
  direct(fn: (c: UnitBuilder, path: Path) => void, perItem = false): void {
    const path = [perItem ? this.item : this.label];
    this.hooks.push((c) => fn(c, path));
  }
  /** A Quadlet key (its flag in PodmanArgs= for a Podman without it). */
  quadlet(key: string, value: string | boolean, list = false): void {
    this.direct((c, p) => c.put(key, typeof value === 'boolean' ? value : list ? [lit(value)] : lit(value), p));
  }
  /** The option as it was, in PodmanArgs= (no Quadlet key has it). */
  args(v: string, flag: boolean): void {
    const word = flag
      ? v === 'true'
        ? `--${this.opt.name}`
        : `--${this.opt.name}=${v}`
      : `--${this.opt.name}=${lit(v)}`;
    this.direct((c, p) => c.args([word], p, 'no Quadlet key'));
  }
  mapped(note: string, perItem = false): void {
    this.shared.report.mapped([perItem ? this.item : this.label], note);
  }
  dropped(note: string): void {
    this.shared.report.dropped([this.label], note);
  }
  needs(note: string, perItem = false): void {
    this.shared.report.needs([perItem ? this.item : this.label], note);
  }
  /** A name of a top-level resource (volume, network, secret), declared for the compartment on first use. */
  resource(kind: 'volumes' | 'networks' | 'secrets', name: string, def: Obj = {}): void {
    if (!NAME.test(name)) this.fail(`${name}: not a ${kind.slice(0, -1)} name (letters, digits, _ . -)`);
    this.shared[kind][name] ??= def;
    const path = `${kind}.${name}`;
    if (!this.shared.firstUse.has(path)) this.shared.firstUse.set(path, this.pos);
  }
}

/** The compose service, its origins and its hook for one command (named `name`). */
export function convertCommand(name: string, cmd: RunCommand, shared: Shared): Converted {
  const b = new Builder(name, shared);
  shared.positions.set(name, position(cmd.at));
  const imagePos = position(cmd.image);
  b.service.image = cmd.image.text;
  b.origins.set('image', { label: `${name}.image`, pos: imagePos });
  shared.positions.set(`${name}.image`, imagePos);
  for (const o of cmd.options) b.take(o);
  if (cmd.args.length > 0) {
    b.service.command = cmd.args.map((w) => w.text);
    b.origins.set('command', { label: `${name}.command`, pos: position(cmd.args[0]!) });
    shared.positions.set(`${name}.command`, position(cmd.args[0]!));
  }
  const hooks = b.hooks;
  return {
    service: b.service,
    origins: b.origins,
    hook: (c) => {
      for (const h of hooks) h(c);
    },
  };
}
