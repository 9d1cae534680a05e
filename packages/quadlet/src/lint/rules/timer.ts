/**
 * systemd timers kept beside the Quadlet units (`backup.timer` starts `backup.service` on a schedule). The
 * generator does not read them; systemd does, with its own rules: it skips lines it cannot read, ignores
 * unknown sections and keys, refuses a timer without a trigger, and cannot start one whose unit is missing.
 */
import type { Diagnostic } from '../../diagnostics';
import { findSystemdKey, systemdSectionsForFile } from '../../registry';
import type { UnitFile, UnitNode } from '../../unit-file/types';
import { RULES, type RuleCode } from '../codes';
import { didYouMean, suggest } from '../suggest';
import { unknownSpecifier } from '../values';

/** The [Timer] keys that make a timer elapse; systemd refuses a timer with none of them. */
const TRIGGERS = [
  'OnActiveSec',
  'OnBootSec',
  'OnStartupSec',
  'OnUnitActiveSec',
  'OnUnitInactiveSec',
  'OnCalendar',
  'OnClockChange',
  'OnTimezoneChange',
];

export interface TimerSet {
  /** The services the set's units become (`web.service`, `db-volume.service`…). */
  services: ReadonlySet<string>;
  /** Every path in the set. */
  paths: ReadonlySet<string>;
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

export function lintTimer(
  path: string,
  file: UnitFile,
  set: TimerSet,
  sink: (path: string, d: Diagnostic) => void,
): void {
  // (a line from a drop-in is reported in the drop-in)
  const report = (code: RuleCode, message: string, node?: UnitNode, key?: string) =>
    sink(node?.source ?? path, {
      severity: RULES[code].severity,
      code,
      message,
      line: node?.line ?? 0,
      ...(key === undefined ? {} : { key }),
    });
  const sections = systemdSectionsForFile(path);
  const known = new Set(sections.map((s) => s.name));
  const seen = new Set<string>();
  let unit: string | undefined;
  const triggers = new Map<string, number>();
  for (const n of file.nodes) {
    if (n.kind === 'invalid') {
      if (n.reason.startsWith('invalid section name')) {
        report('bad-value', `${capitalize(n.reason)}: systemd cannot load the timer.`, n);
      } else report('ignored-line', `${capitalize(n.reason)}; systemd ignores the line.`, n);
      continue;
    }
    if (n.kind === 'section') {
      if (!seen.has(n.name) && !known.has(n.name) && !n.name.startsWith('X-')) {
        report('unknown-section', `A timer has no [${n.name}] section; systemd ignores it.`, n);
      }
      seen.add(n.name);
      continue;
    }
    if (n.kind !== 'entry') continue;
    const bad = unknownSpecifier(n.value);
    if (bad !== undefined) {
      report('unknown-specifier', `'${bad}' is not a systemd specifier; systemd refuses the timer.`, n, n.key);
    }
    if (!known.has(n.section)) continue;
    if (!findSystemdKey(n.section, n.key)) {
      const keys = sections.find((s) => s.name === n.section)!.keys.map((k) => k.key);
      report(
        'unknown-systemd-key',
        `systemd does not know '${n.key}' in [${n.section}] and ignores it.${didYouMean(suggest(n.key, keys))}`,
        n,
        n.key,
      );
      continue;
    }
    if (n.section !== 'Timer') continue;
    if (n.key === 'Unit') unit = n.value.trim();
    // (an empty assignment resets that key's list)
    else if (TRIGGERS.includes(n.key)) triggers.set(n.key, n.value.trim() === '' ? 0 : (triggers.get(n.key) ?? 0) + 1);
  }
  if (!seen.has('Timer')) {
    report('missing-main-section', 'There is no [Timer] section; a timer keeps its schedule there.');
  }
  if (![...triggers.values()].some((n) => n > 0)) {
    report('bad-value', 'The timer has no trigger (OnCalendar=, OnBootSec=, OnUnitActiveSec=…); systemd refuses it.');
  }
  const name = baseName(path);
  const target = unit || `${name.slice(0, -'.timer'.length)}.service`;
  // (an instance, app@1.service, comes from the template app@.service)
  const template = target.replace(/@[^@/]*\.service$/, '@.service');
  const inSet = (s: string) => set.services.has(s) || set.paths.has(s);
  if (target.endsWith('.service') && !inSet(target) && !inSet(template)) {
    report(
      'missing-timer-unit',
      `The timer starts ${target}, which no unit of the set becomes: systemd cannot start the timer unless that service exists elsewhere.${didYouMean(suggest(target, set.services))}`,
    );
  }
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
