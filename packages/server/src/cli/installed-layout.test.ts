import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type InstalledLayout, layoutText, readInstalledLayout, withInstalledLayout } from './installed-layout.js';

const layout: InstalledLayout = {
  dataDir: '/var/lib/quadletman/server',
  homesDir: '/var/lib/quadletman/home',
  volumesDir: '/var/lib/quadletman/volumes',
  formerDataDir: '/var/lib/quadletman',
};

describe('the installed layout', () => {
  it('fills in the data folder, homes and volumes when no --data-dir is given', () => {
    expect(withInstalledLayout({}, layout)).toEqual({
      dataDir: layout.dataDir,
      homesDir: layout.homesDir,
      volumesDir: layout.volumesDir,
    });
  });

  it('is the installation named by its data folder or its former one, with the options given winning', () => {
    expect(withInstalledLayout({ dataDir: '/var/lib/quadletman/' }, layout).dataDir).toBe(layout.dataDir);
    expect(withInstalledLayout({ dataDir: '/var/lib/quadletman/server', homesDir: '/h' }, layout)).toEqual({
      dataDir: layout.dataDir,
      homesDir: '/h',
      volumesDir: layout.volumesDir,
    });
  });

  it('is ignored for another data folder and where nothing was installed', () => {
    expect(withInstalledLayout({ dataDir: '/srv/other' }, layout)).toEqual({ dataDir: '/srv/other' });
    expect(withInstalledLayout({ dataDir: '/srv/other' }, undefined)).toEqual({ dataDir: '/srv/other' });
  });

  it('reads what it writes; a missing file is no installation; a damaged one is an error naming file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-layout-'));
    const file = join(dir, 'layout.json');
    expect(readInstalledLayout(file)).toBeUndefined();
    writeFileSync(file, layoutText(layout));
    expect(readInstalledLayout(file)).toEqual(layout);
    writeFileSync(file, JSON.stringify({ ...layout, homesDir: 'relative/home' }));
    expect(() => readInstalledLayout(file)).toThrow(`${file}: homesDir must be an absolute path`);
    writeFileSync(file, '{');
    expect(() => readInstalledLayout(file)).toThrow(`${file} is not JSON`);
    writeFileSync(file, JSON.stringify({ ...layout, extra: 1 }));
    expect(() => readInstalledLayout(file)).toThrow(file);
  });
});
