/**
 * Typed values of the main section: booleans, enums, numbers, durations, sizes, addresses, ports, word
 * lists and KEY=VALUE lists — and systemd specifiers anywhere in the file.
 */
import { findKey } from '../../registry';
import type { KeyDef } from '../../registry/types';
import { splitWords } from '../../unit-file';
import type { EntryNode } from '../../unit-file/types';
import type { UnitContext } from '../context';
import {
  checkGoDuration,
  checkIP,
  checkSize,
  checkSubnet,
  checkSystemdSpan,
  generatorPortError,
  isBool,
  isInt,
  parsePublishPort,
  unknownSpecifier,
} from '../values';

/** Enum keys whose values the generator itself checks (reported by the conversion rules instead). */
const CHECKED_BY_CONVERSION = new Set(['RemapUsers', 'SetWorkingDirectory']);

/** An enum value newer than the target version: Podman reads it as a boolean then, and so as false. */
function checkValueSince(ctx: UnitContext, e: EntryNode, def: KeyDef): void {
  const since = def.valuesSince?.[e.value.toLowerCase()];
  if (since === undefined || ctx.atLeast(since)) return;
  ctx.report({
    code: 'suspicious-value',
    node: e,
    message: `${e.key}=${e.value} needs Podman ${since}; Podman ${ctx.version} reads it as a boolean, and so as false.`,
  });
}

/** Enum keys podman only reads in `podman auto-update` (a label): a bad value does not stop the container. */
const ONLY_AUTO_UPDATE = new Set(['AutoUpdate']);
/** What `podman auto-update` takes besides the documented values, as written (it compares them exactly):
 * `disabled`, and `image`, the old name of `registry`. */
const AUTO_UPDATE_ALSO = ['disabled', 'image'];

/** Whether an enum takes a value. Podman compares the boolean words of an enum that has them (Notify=)
 * without regard to case, as it does for every boolean. */
function enumAccepts(values: readonly string[], v: string): boolean {
  if (values.includes(v)) return true;
  if (!values.includes('true')) return false;
  const l = v.toLowerCase();
  return values.includes(l) && (isBool(l) || l === 'healthy');
}

/** Keys whose durations podman parses with Go's syntax (the health checks); others are systemd spans. */
const GO_DURATION_KEYS = /^Health.*(Interval|Timeout|StartPeriod)$|^RetryDelay$/;

export function checkValues(ctx: UnitContext): void {
  for (const e of ctx.entries) {
    checkSpecifiers(ctx, e);
    if (e.section !== ctx.main || e.value === '') continue;
    const def = findKey(ctx.main, e.key);
    if (def) checkKind(ctx, e, def);
  }
}

function checkSpecifiers(ctx: UnitContext, e: EntryNode): void {
  const bad = unknownSpecifier(e.value);
  if (bad === undefined) return;
  ctx.report({
    code: 'unknown-specifier',
    node: e,
    message: `'${bad}' is not a systemd specifier; systemd refuses the unit. Write '%%' for a literal percent sign.`,
  });
}

function checkKind(ctx: UnitContext, e: EntryNode, def: KeyDef): void {
  const v = e.value;
  const bad = (what: string, code: 'bad-value' | 'suspicious-value' = 'bad-value') =>
    ctx.report({ code, node: e, message: `${e.key}=${v} ${what}.` });
  switch (def.kind) {
    case 'bool':
      if (!isBool(v)) {
        ctx.report({
          code: 'invalid-bool',
          node: e,
          message: `${e.key}=${v} is not a boolean; Podman reads anything but 1/yes/true/on as false.`,
        });
      }
      return;
    case 'enum':
      if (def.values && !enumAccepts(def.values, v) && !CHECKED_BY_CONVERSION.has(e.key)) {
        if (ONLY_AUTO_UPDATE.has(e.key)) {
          if (AUTO_UPDATE_ALSO.includes(v)) return;
          ctx.report({
            code: 'suspicious-value',
            node: e,
            message: `${e.key}=${v} is not one of ${def.values.join(', ')}: the container starts, but \`podman auto-update\` fails on it.`,
          });
        } else bad(`is not one of ${def.values.join(', ')}`);
        return;
      }
      checkValueSince(ctx, e, def);
      return;
    case 'int':
      if (!isInt(v)) bad('is not a whole number');
      return;
    case 'duration': {
      const why = GO_DURATION_KEYS.test(e.key) ? checkGoDuration(v) : checkSystemdSpan(v);
      if (why) bad(why);
      return;
    }
    case 'size': {
      const why = checkSize(v);
      if (why) bad(why);
      return;
    }
    case 'ip': {
      const why = checkIP(v);
      if (why) bad(why);
      return;
    }
    case 'subnet': {
      const why = checkSubnet(v);
      if (why) bad(why);
      return;
    }
    case 'port':
      if (e.key === 'PublishPort') checkPublishPort(ctx, e);
      return;
    case 'words':
    case 'kv': {
      const { words, error } = splitSimply(v);
      if (error) {
        ctx.report({
          code: 'value-dropped',
          node: e,
          message: `${e.key}= cannot be split into words (${error}); Podman drops the whole value.`,
        });
        return;
      }
      if (def.kind === 'kv') {
        for (const w of words) {
          if (!w.includes('=')) {
            ctx.report({
              code: 'value-dropped',
              node: e,
              message: `'${w}' in ${e.key} has no '='; Podman drops it. Write ${w}=VALUE.`,
            });
          }
        }
      }
      return;
    }
    default:
      return;
  }
}

const NEEDS_SPLITTER = /["'\\]/;
const BLANKS = /[ \t\n\r]+/;

/** Podman's word splitting; values without quotes or backslashes (most of them) split on blanks directly. */
function splitSimply(v: string): { words: string[]; error?: string } {
  if (NEEDS_SPLITTER.test(v)) return splitWords(v);
  const t = v.trim();
  return { words: t === '' ? [] : t.split(BLANKS) };
}

const SYSTEMD_VARIABLE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}|^\$[A-Za-z_][A-Za-z0-9_]*$/;

function checkPublishPort(ctx: UnitContext, e: EntryNode): void {
  if (!ctx.atLeast('5.3')) {
    const why = generatorPortError(e.value);
    if (why) {
      ctx.report({
        code: 'invalid-value',
        node: e,
        message: `PublishPort=${e.value} ${why}; the generator of Podman ${ctx.version} checks ports itself and rejects the file.`,
      });
      return;
    }
  } else if (SYSTEMD_VARIABLE.test(e.value.trim())) {
    // From 5.3 on the value reaches ExecStart= as written, where systemd fills in ${VAR} (and $VAR as a word).
    return;
  }
  const m = parsePublishPort(e.value.trim());
  if (typeof m === 'string') {
    ctx.report({
      code: 'bad-value',
      node: e,
      message: `PublishPort=${e.value} ${m}; podman refuses to start the container.`,
    });
    return;
  }
  const host = m.host?.split('-')[0];
  if (ctx.set.scope === 'user' && host !== undefined && Number(host) > 0 && Number(host) < 1024) {
    ctx.report({
      code: 'privileged-port',
      node: e,
      message: `Host port ${host} is below 1024: a rootless container cannot bind it unless net.ipv4.ip_unprivileged_port_start allows it.`,
    });
  }
}
