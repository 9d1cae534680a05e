import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readUnitSet } from './unit-set';

describe('readUnitSet', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads units and drop-ins with paths relative to the root, follows links, lists other files by path', () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-unit-set-'));
    mkdirSync(join(dir, 'web.container.d'));
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'web.container'), '[Container]\nImage=a\n');
    writeFileSync(join(dir, 'web.container.d', '10-env.conf'), '[Container]\nEnvironment=A=1\n');
    writeFileSync(join(dir, 'sub', 'deeper', 'db.volume'), '[Volume]\n');
    writeFileSync(join(dir, 'sub', 'app.env'), 'A=1\n');
    writeFileSync(join(dir, 'web.timer'), '[Timer]\nOnCalendar=daily\n');
    writeFileSync(join(dir, 'api.socket'), '[Socket]\nListenStream=8080\n');
    writeFileSync(join(dir, 'sub', 'api.service'), '[Service]\nExecStart=/usr/bin/api\n');
    writeFileSync(join(dir, 'stack.target'), '');
    writeFileSync(join(dir, 'inbox.path'), '[Path]\nPathChanged=/srv/inbox\n');
    symlinkSync(join(dir, 'web.container'), join(dir, 'link.container'));
    const set = readUnitSet(dir);
    expect(set.files.map((f) => f.path)).toEqual([
      'api.socket',
      'inbox.path',
      'link.container',
      'stack.target',
      'sub/api.service',
      'sub/deeper/db.volume',
      'web.container',
      'web.container.d/10-env.conf',
      'web.timer',
    ]);
    expect(set.files[2]!.text).toBe('[Container]\nImage=a\n');
    expect(set.otherFiles).toEqual(['sub/app.env']);
  });
});
