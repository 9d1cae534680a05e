import { getAllValues, getLastWords, parseUnitFile } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../core/spec.js';
import { openStore } from '../../store/index.js';
import { renderServiceUnit } from './install.js';
import { parseListen, sharedHostWarning } from './serve.js';

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

describe('serve: the UI on a host name shared with published ports', () => {
  const container = (publishPort: string[]) => ({ container: { image: 'docker.io/library/nginx:1.27', publishPort } });

  it('warns once, naming the compartments and ports, and says the UI belongs on a host name of its own', () => {
    const store = openStore({ path: ':memory:' });
    try {
      expect(sharedHostWarning({ host: '127.0.0.1', port: 8080 }, store)).toBeUndefined();
      store.compartments.saveState(
        validateSpec({ compartment: 'blog', units: { 'web.container': container(['80:80']) } }),
      );
      store.compartments.saveState(
        validateSpec({ compartment: 'shop', units: { 'shop.container': container(['127.0.0.1:3000:3000']) } }),
      );
      store.compartments.saveState(
        validateSpec({ compartment: 'lan', units: { 'lan.container': container(['192.0.2.7:8080:80']) } }),
      );
      const w = sharedHostWarning({ host: '127.0.0.1', port: 8080 }, store);
      expect(w).toMatch(/^warning: The web UI \(127\.0\.0\.1:8080\) shares its host name/);
      expect(w).toContain('blog (80:80 in web.container); shop (127.0.0.1:3000:3000 in shop.container)');
      expect(w).not.toContain('lan');
      expect(w).toMatch(/\n {2}fix: Serve the UI on a host name of its own/);
      expect(w!.match(/warning:/g)).toHaveLength(1);
      expect(sharedHostWarning({ host: '0.0.0.0', port: 8080 }, store)).toContain('lan (192.0.2.7:8080:80');
      expect(sharedHostWarning({ host: '198.51.100.1', port: 8080 }, store)).not.toContain('shop');
    } finally {
      store.close();
    }
  });
});
