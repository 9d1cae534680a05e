import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Runs inside the sandbox host (npm run test:host), never on a development machine.
describe.runIf(process.env.QUADLETMAN_SANDBOX === '1')('sandbox host', () => {
  it('runs under systemd as PID 1', () => {
    expect(readFileSync('/proc/1/comm', 'utf8').trim()).toBe('systemd');
  });
});
