/**
 * The linter's rule catalogue. Each code says at which stage the problem bites:
 * - `generator`: Podman's Quadlet generator rejects the file (no service unit is generated);
 * - `start`: the unit is generated but systemd or podman fails when it starts;
 * - `silent`: accepted and started, but not as written (a value dropped, ignored or overridden);
 * - `advice`: works, but is likely a mistake or a risk.
 * The differential tests compare the `generator`-stage errors with the real generator's verdicts.
 */
import type { Severity } from '../diagnostics';

export type Stage = 'generator' | 'start' | 'silent' | 'advice';

interface RuleInfo {
  stage: Stage;
  severity: Severity;
}

export const RULES = {
  // the file itself
  'parse-error': { stage: 'generator', severity: 'error' },
  'ignored-line': { stage: 'silent', severity: 'warning' },
  'dropin-skipped': { stage: 'silent', severity: 'warning' },
  'unit-set-aborted': { stage: 'generator', severity: 'error' },
  'generator-crash': { stage: 'generator', severity: 'error' },
  'unit-type-unsupported': { stage: 'advice', severity: 'warning' },
  'missing-main-section': { stage: 'advice', severity: 'warning' },
  'unknown-section': { stage: 'silent', severity: 'warning' },
  'empty-file': { stage: 'advice', severity: 'warning' },
  // keys
  'unknown-key': { stage: 'generator', severity: 'error' },
  'key-too-new': { stage: 'generator', severity: 'error' },
  'unknown-systemd-key': { stage: 'silent', severity: 'warning' },
  'deprecated-key': { stage: 'advice', severity: 'warning' },
  'overridden-key': { stage: 'silent', severity: 'warning' },
  'list-reset': { stage: 'advice', severity: 'info' },
  // required keys and conflicts the generator enforces
  'missing-required-key': { stage: 'generator', severity: 'error' },
  'conflicting-keys': { stage: 'generator', severity: 'error' },
  'invalid-value': { stage: 'generator', severity: 'error' },
  'invalid-service-setting': { stage: 'generator', severity: 'error' },
  // references to other Quadlet units
  'missing-reference': { stage: 'generator', severity: 'error' },
  'broken-reference': { stage: 'generator', severity: 'error' },
  'rejected-reference': { stage: 'start', severity: 'error' },
  'not-quadlet-reference': { stage: 'generator', severity: 'error' },
  'missing-file': { stage: 'start', severity: 'warning' },
  'missing-timer-unit': { stage: 'start', severity: 'warning' },
  'missing-socket-unit': { stage: 'start', severity: 'warning' },
  'missing-path-unit': { stage: 'start', severity: 'warning' },
  // systemd units of the set that systemd refuses to load
  'missing-listen': { stage: 'start', severity: 'error' },
  'missing-exec-start': { stage: 'start', severity: 'error' },
  'missing-path-watch': { stage: 'start', severity: 'error' },
  'masked-empty': { stage: 'start', severity: 'error' },
  // values the generator passes on but podman or systemd reject at start
  'bad-value': { stage: 'start', severity: 'error' },
  'unknown-specifier': { stage: 'start', severity: 'error' },
  'conflict-at-start': { stage: 'start', severity: 'error' },
  // values the generator accepts but silently changes
  'invalid-bool': { stage: 'silent', severity: 'warning' },
  'value-dropped': { stage: 'silent', severity: 'warning' },
  quoting: { stage: 'silent', severity: 'warning' },
  'ignored-key': { stage: 'silent', severity: 'warning' },
  'suspicious-value': { stage: 'silent', severity: 'warning' },
  // advice
  'short-image-name': { stage: 'advice', severity: 'warning' },
  'user-unit-target': { stage: 'advice', severity: 'warning' },
  'no-install-section': { stage: 'advice', severity: 'info' },
  'privileged-port': { stage: 'advice', severity: 'warning' },
  'auto-update-without-rollback': { stage: 'advice', severity: 'warning' },
} as const satisfies Record<string, RuleInfo>;

export type RuleCode = keyof typeof RULES;

export const stageOf = (code: string): Stage | undefined => (RULES as Record<string, RuleInfo>)[code]?.stage;

/** True for a diagnostic that says Podman's generator will reject the file. */
export const isGeneratorError = (d: { severity: Severity; code: string }): boolean =>
  d.severity === 'error' && stageOf(d.code) === 'generator';
