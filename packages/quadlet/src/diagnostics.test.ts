import { describe, expect, it } from 'vitest';
import { hasErrors } from './diagnostics';

describe('hasErrors', () => {
  it('is true only when an error is present', () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([{ severity: 'warning', code: 'x', message: 'm', line: 1 }])).toBe(false);
    expect(hasErrors([{ severity: 'error', code: 'x', message: 'm', line: 1 }])).toBe(true);
  });
});
