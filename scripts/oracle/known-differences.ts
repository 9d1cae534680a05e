/**
 * The one list of known differences between quadletman and a real generator: behaviour of a Podman release
 * that the code does not mirror (yet). A test named here runs as an expected failure (`it.fails`) at that
 * suite, so it is counted and starts failing the day the difference is gone; a property test (random input,
 * so it may or may not meet the difference on a run) is skipped there instead. Either way the tests print
 * how many apply, and nothing else is skipped.
 */
import { it } from 'vitest';

export interface KnownDifference {
  suite: string;
  /** The test's name within its file's suite block. */
  test: string;
  /** `fails`: a fixed case that shows the difference every time; `skip`: a property test. */
  mode: 'fails' | 'skip';
  why: string;
}

/**
 * None at present. Of the last three (seen at 5.8.6 and 6.1.1, not at 5.4.2) two are mirrored version by
 * version: `Lookup`'s quoting (5.8, unit-file/query.ts) and the drop-in search order across unit directories
 * (5.6, unit-file/dropins.ts). The third was no difference of the code: since 5.6 the generator itself puts
 * ExecStart's key-value flag groups (`--env`, `--label`…) in a different order from run to run, so the oracle
 * tests compare generated services with those groups put in one order (`normalizeKeyValueOrder`, generator.ts).
 */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [];

/** `it`, or `it.fails` / `it.skip` where the test is a known difference at `suite`. */
export function itAt(suite: string, test: string): typeof it | typeof it.fails {
  const d = KNOWN_DIFFERENCES.find((k) => k.suite === suite && k.test === test);
  return d === undefined ? it : d.mode === 'fails' ? it.fails : it.skip;
}

/** The known differences at a suite, one line each (printed by the tests). */
export const knownDifferencesAt = (suite: string): string[] =>
  KNOWN_DIFFERENCES.filter((d) => d.suite === suite).map((d) => `${d.mode} "${d.test}": ${d.why}`);
