/**
 * Diagnostics: the one shape every check in quadletman reports. Checks collect them; they never throw.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable, kebab-case identifier of the rule, e.g. `unknown-key`. */
  code: string;
  /** One sentence for a person: what is wrong and, where it helps, what to do. */
  message: string;
  /** 1-based line in the file the diagnostic is about (0 when it concerns the whole file). */
  line: number;
  /** The key the diagnostic is about, spelled as in the file, when there is one. */
  key?: string;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');
