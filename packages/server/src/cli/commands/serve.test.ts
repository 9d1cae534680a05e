import { getAllValues, getLastWords, parseUnitFile } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';
import { renderServiceUnit } from './install.js';
import { parseListen } from './serve.js';

describe('serve --listen', () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    [':8443', { host: '0.0.0.0', port: 8443 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
  ])('%s', (s, want) => expect(parseListen(s)).toEqual(want));

  it.each(['8080', '127.0.0.1', '127.0.0.1:0', '1.2.3.4:70000', '::1:80'])('refuses %s', (s) => {
    expect(() => parseListen(s)).toThrow(/HOST:PORT/);
  });
});

describe('install: the service unit', () => {
  it('runs serve with the exact argv, through the unit-file encoder', () => {
    const argv = ['/opt/my tools/bin/quadletman', '--data-dir', '/srv/q 50%', 'serve', '--listen', '0.0.0.0:8080'];
    const text = renderServiceUnit(argv);
    const unit = parseUnitFile(text);
    const words = getLastWords(unit, 'Service', 'ExecStart');
    // systemd un-escapes %% to %.
    expect(words?.error).toBeUndefined();
    expect(words?.words.map((w) => w.replaceAll('%%', '%'))).toEqual(argv);
    expect(getAllValues(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
    expect(text).toContain('Restart=on-failure');
  });
});
