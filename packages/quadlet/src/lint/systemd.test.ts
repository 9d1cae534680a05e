/**
 * systemd's own units beside the Quadlet units — services, sockets, targets and path units (timers have
 * timer.test.ts) — linted as systemd reads them, and left out of the generator's view.
 */
import { describe, expect, it } from 'vitest';
import { isGeneratorError, isSystemdUnitFile, lintSet, lintSetDetailed } from './index';
import type { LintFile } from './types';

const web: LintFile = { path: 'web.container', text: '[Container]\nImage=localhost/web\n' };
const file = (path: string, text: string): LintFile => ({ path, text });
const codesOf = (files: LintFile[], path: string): string[] =>
  lintSet(files, { podmanVersion: '5.4' })
    .find((r) => r.path === path)!
    .diagnostics.map((d) => d.code)
    .sort();

describe('systemd unit files', () => {
  it('are known by their suffix; their drop-ins are drop-ins', () => {
    for (const p of ['api.service', 'api.socket', 'stack.target', 'inbox.path', 'sub/api@.service']) {
      expect(isSystemdUnitFile(p), p).toBe(true);
    }
    for (const p of ['api.socket.d/10-x.conf', '.service', 'socket', 'web.container', 'notes.txt']) {
      expect(isSystemdUnitFile(p), p).toBe(false);
    }
  });

  it('never count for the generator: no rejection, no dropped folder', () => {
    const broken = file('bad.container', '[Container\nImage=x\n');
    const svc = file('api.service', '[Service\nnonsense\n');
    const { reports, rejected } = lintSetDetailed([broken, web, svc, file('api.service.d/1.conf', '[Bad\n')], {
      podmanVersion: '5.4',
    });
    expect([...rejected].sort()).toEqual(['bad.container', 'web.container']);
    for (const r of reports.filter((x) => x.path.startsWith('api.'))) {
      expect(r.diagnostics.filter(isGeneratorError), r.path).toEqual([]);
      expect(r.diagnostics.map((d) => d.code)).not.toContain('unit-set-aborted');
    }
  });
});

describe('sockets', () => {
  const sock = (text: string, path = 'web.socket') => file(path, text);

  it('take a clean socket that starts the service of a Quadlet unit', () => {
    const s = sock('[Unit]\nDescription=web\n[Socket]\nListenStream=%t/web.sock\n[Install]\nWantedBy=sockets.target\n');
    expect(codesOf([web, s], 'web.socket')).toEqual([]);
  });

  it('start name@.service with Accept=yes, and the Service= they name otherwise', () => {
    const tpl = file('conn@.container', '[Container]\nImage=localhost/conn\n');
    expect(codesOf([tpl, sock('[Socket]\nListenStream=9000\nAccept=yes\n', 'conn.socket')], 'conn.socket')).toEqual([]);
    expect(codesOf([web, sock('[Socket]\nListenStream=9000\nService=web.service\n', 'x.socket')], 'x.socket')).toEqual(
      [],
    );
    expect(codesOf([web, sock('[Socket]\nListenStream=9000\nAccept=yes\n')], 'web.socket')).toEqual([
      'missing-socket-unit',
    ]);
  });

  it('find a service file of the set, in a subfolder too', () => {
    const svc = file('sub/api.service', '[Service]\nExecStart=/usr/bin/api\n');
    expect(codesOf([svc, sock('[Socket]\nListenStream=9000\n', 'api.socket')], 'api.socket')).toEqual([]);
  });

  it('are refused without a Listen setting, counting resets and drop-ins', () => {
    expect(codesOf([web, sock('[Socket]\nBacklog=5\n')], 'web.socket')).toEqual(['missing-listen']);
    expect(codesOf([web, sock('[Socket]\nListenStream=80\nListenFIFO=\n')], 'web.socket')).toEqual(['missing-listen']);
    const conf = file('web.socket.d/10-port.conf', '[Socket]\nListenStream=8080\n');
    expect(codesOf([web, sock('[Socket]\nBacklog=5\n'), conf], 'web.socket')).toEqual([]);
  });

  it('flag values systemd ignores, and settings it refuses together', () => {
    expect(codesOf([web, sock('[Socket]\nListenStream=80\nAccept=maybe\nBacklog=lots\n')], 'web.socket')).toEqual([
      'invalid-bool',
      'value-dropped',
    ]);
    const tpl = file('web@.container', '[Container]\nImage=localhost/web\n');
    expect(codesOf([tpl, sock('[Socket]\nListenDatagram=53\nAccept=yes\n')], 'web.socket')).toEqual([
      'conflict-at-start',
    ]);
    expect(codesOf([web, sock('[Socket]\nListenStream=80\nMaxConnections=0\n')], 'web.socket')).toEqual(['bad-value']);
    expect(
      codesOf([web, sock('[Socket]\nListenStream=80\nListenStream=/run/a.sock\nSymlinks=/run/b.sock\n')], 'web.socket'),
    ).toEqual([]);
    expect(codesOf([web, sock('[Socket]\nListenStream=80\nSymlinks=/run/b.sock\n')], 'web.socket')).toEqual([
      'conflict-at-start',
    ]);
  });

  it('know the exec and resource-control keys, and suggest for misspelt ones', () => {
    const s = sock('[Socket]\nListenStream=80\nUser=web\nMemoryMax=80%\nListenStrem=81\n');
    const d = lintSet([web, s])[1]!.diagnostics;
    expect(d.map((x) => x.code)).toEqual(['unknown-systemd-key']);
    expect(d[0]!.message).toContain("Did you mean 'ListenStream'?");
  });

  it('say where a key of another section belongs', () => {
    const d = lintSet([web, sock('[Socket]\nListenStream=80\nDescription=web\n[Service]\nX=1\n')])[1]!.diagnostics;
    expect(d.map((x) => [x.code, x.line])).toEqual([
      ['unknown-systemd-key', 3],
      ['unknown-section', 4],
    ]);
    expect(d[0]!.message).toContain('belongs in [Unit]');
    expect(d[1]!.message).toContain('[Service] belongs in .service files');
  });
});

describe('services', () => {
  const svc = (text: string, path = 'api.service') => file(path, text);

  it('take a clean service', () => {
    expect(
      codesOf(
        [svc('[Unit]\nDescription=api\n[Service]\nExecStart=/usr/bin/api\nRestart=on-failure\nMemoryMax=80%\n')],
        'api.service',
      ),
    ).toEqual([]);
  });

  it('are refused without ExecStart=, unless a oneshot stays active or has a SuccessAction=', () => {
    expect(codesOf([svc('[Service]\nType=simple\n')], 'api.service')).toEqual(['missing-exec-start']);
    expect(codesOf([svc('[Service]\nType=simple\nExecStop=/bin/true\n')], 'api.service')).toEqual([
      'missing-exec-start',
    ]);
    expect(codesOf([svc('[Service]\nType=oneshot\nExecStop=/bin/true\n')], 'api.service')).toEqual([
      'missing-exec-start',
    ]);
    expect(codesOf([svc('[Service]\nExecStop=/bin/true\nRemainAfterExit=yes\n')], 'api.service')).toEqual([]);
    expect(codesOf([svc('[Unit]\nSuccessAction=exit\n')], 'api.service')).toEqual(['missing-main-section']);
    expect(codesOf([svc('[Service]\nExecStart=/bin/a\nExecStart=\n')], 'api.service')).toEqual(['missing-exec-start']);
  });

  it('allow several ExecStart= only for Type=oneshot, and refuse oneshot restarts that always restart', () => {
    expect(codesOf([svc('[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n')], 'api.service')).toEqual([
      'conflict-at-start',
    ]);
    expect(codesOf([svc('[Service]\nType=oneshot\nExecStart=/bin/a\nExecStart=/bin/b\n')], 'api.service')).toEqual([]);
    expect(codesOf([svc('[Service]\nType=oneshot\nExecStart=/bin/a\nRestart=always\n')], 'api.service')).toEqual([
      'conflict-at-start',
    ]);
    expect(codesOf([svc('[Service]\nType=oneshot\nExecStart=/bin/a\nRestart=on-failure\n')], 'api.service')).toEqual(
      [],
    );
    expect(codesOf([svc('[Service]\nType=dbus\nExecStart=/bin/a\n')], 'api.service')).toEqual(['conflict-at-start']);
  });

  it('read enums that take booleans and numbers as systemd does', () => {
    const text = '[Service]\nExecStart=/bin/a\nProtectSystem=true\nPrivateTmp=on\nIOSchedulingClass=2\nNice=5\n';
    expect(codesOf([svc(text)], 'api.service')).toEqual([]);
    expect(codesOf([svc('[Service]\nExecStart=/bin/a\nProtectSystem=maybe\n')], 'api.service')).toEqual([
      'value-dropped',
    ]);
  });

  it('merge their drop-ins, and report a drop-in line in the drop-in', () => {
    const conf = file('api.service.d/10-cmd.conf', '[Service]\nExecStart=/usr/bin/api\nMemoryMx=1G\n');
    const reports = lintSet([svc('[Service]\nType=simple\n'), conf]);
    expect(reports[0]!.diagnostics).toEqual([]);
    expect(reports[1]!.diagnostics.map((d) => [d.code, d.line])).toEqual([['unknown-systemd-key', 3]]);
  });
});

describe('targets', () => {
  it('may hold nothing but a line, and take only [Unit] and [Install]; a zero-byte file is masked', () => {
    expect(codesOf([file('stack.target', '\n')], 'stack.target')).toEqual([]);
    expect(codesOf([file('stack.target', '# the stack\n')], 'stack.target')).toEqual([]);
    // systemd reads a unit file of zero bytes as masked (systemd-analyze verify: "Unit stack.target is masked.")
    expect(codesOf([file('stack.target', '')], 'stack.target')).toEqual(['masked-empty']);
    expect(codesOf([file('web.service', '')], 'web.service')).toEqual(['masked-empty']);
    expect(codesOf([file('stack.target', '[Unit]\nDescription=stack\nWants=web.service\n')], 'stack.target')).toEqual(
      [],
    );
    expect(codesOf([file('stack.target', '[Target]\nX=1\n[Unit]\nDescriptin=x\n')], 'stack.target')).toEqual([
      'unknown-section',
      'unknown-systemd-key',
    ]);
  });
});

describe('path units', () => {
  const path = (text: string, p = 'web.path') => file(p, text);

  it('take a clean path unit that starts a Quadlet unit', () => {
    expect(codesOf([web, path('[Path]\nPathChanged=%h/inbox\nMakeDirectory=yes\n')], 'web.path')).toEqual([]);
    const vol = file('db.volume', '[Volume]\n');
    expect(codesOf([vol, path('[Path]\nPathExists=/x\nUnit=db-volume.service\n', 'x.path')], 'x.path')).toEqual([]);
  });

  it('are refused when they watch nothing, and warn about a missing unit', () => {
    expect(codesOf([web, path('[Path]\nMakeDirectory=yes\n')], 'web.path')).toEqual(['missing-path-watch']);
    expect(codesOf([web, path('[Path]\nPathChanged=inbox\n')], 'web.path')).toEqual([
      'missing-path-watch',
      'value-dropped',
    ]);
    expect(codesOf([web, path('[Path]\nPathExists=/x\n', 'wbe.path')], 'wbe.path')).toEqual(['missing-path-unit']);
  });

  it('have no exec or resource-control keys', () => {
    expect(codesOf([web, path('[Path]\nPathExists=/x\nUser=web\n')], 'web.path')).toEqual(['unknown-systemd-key']);
  });
});

describe('drop-ins of systemd units', () => {
  it('are linted once, by their type, whether or not their unit is in the set', () => {
    const all = file('service.d/10-all.conf', '[Service]\nMemoryMx=1G\n');
    const a = file('a.service', '[Service]\nExecStart=/bin/a\n');
    const b = file('b.service', '[Service]\nExecStart=/bin/b\n');
    const reports = lintSet([a, b, all]);
    expect(reports[2]!.diagnostics.map((d) => d.code)).toEqual(['unknown-systemd-key']);
    const orphan = file('web.service.d/10-mem.conf', '[Service]\nMemoryMax=1G\nListenStream=80\nnonsense\n');
    expect(codesOf([web, orphan], 'web.service.d/10-mem.conf')).toEqual(['ignored-line', 'unknown-systemd-key']);
  });
});
