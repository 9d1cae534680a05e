/**
 * Value syntaxes the linter checks against podman's and systemd's own parsers.
 */
import { describe, expect, it } from 'vitest';
import { checkGoDuration, checkSystemdSpan } from './values';

describe('durations', () => {
  it("takes Go's units, the micro sign and the Greek mu for microseconds among them", () => {
    for (const ok of ['30s', '1m30s', '1.5h', '500ms', '20us', '20\u00b5s', '20\u03bcs', '7ns', '0', '-3s']) {
      expect(checkGoDuration(ok), ok).toBeUndefined();
    }
    for (const bad of ['30', '30 s', '1d', 'soon', '20\u00b5', '']) expect(checkGoDuration(bad), bad).toBeDefined();
  });

  it("takes systemd's time spans, with the micro sign", () => {
    for (const ok of ['30', '30s', '5min 20s', '1h', '100ms', '20\u00b5s', 'infinity', '2 weeks']) {
      expect(checkSystemdSpan(ok), ok).toBeUndefined();
    }
    for (const bad of ['soon', '5 fortnights', '1h-2']) expect(checkSystemdSpan(bad), bad).toBeDefined();
  });
});
