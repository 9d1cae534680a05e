import { describe, expect, it } from 'vitest';
import { parseDryRun } from './generator.js';

// Captured from quadlet 5.4.2: `QUADLET_UNIT_DIRS=DIR quadlet -dryrun -user`
const STDOUT = `---app-network.service---
[X-Network]

[Unit]
SourcePath=/tmp/d/app.network

[Service]
ExecStart=/usr/bin/podman network create --ignore systemd-app
Type=oneshot

---good.service---
[X-Container]
Image=localhost/busybox:latest

[Unit]
SourcePath=/tmp/d/good.container

[Service]
ExecStart=/usr/bin/podman run --name systemd-%N localhost/busybox:latest sleep 1

`;
const STDERR = `quadlet-generator[8135]: Loading source unit file /tmp/d/app.network
quadlet-generator[8135]: Loading source unit file /tmp/d/bad.container
quadlet-generator[8135]: Loading source unit file /tmp/d/good.container
quadlet-generator[8135]: Loading source unit file /tmp/d/v.volume
quadlet-generator[8135]: converting "v.volume": unsupported key 'Foo' in group 'Volume' in /tmp/d/v.volume
converting "bad.container": no Image or Rootfs key specified`;

describe('generated units', () => {
  it('splits on ---name--- headers, sorted', () => {
    const u = parseDryRun(STDOUT, '', [], 0).units;
    expect(Object.keys(u)).toEqual(['app-network.service', 'good.service']);
    expect(u['good.service']?.startsWith('[X-Container]\n')).toBe(true);
    expect(u['good.service']?.endsWith('sleep 1\n')).toBe(true);
    expect(parseDryRun('', '', [], 0).units).toEqual({});
  });
});

describe('parseDryRun', () => {
  it('judges each file by stderr, not by the exit code', () => {
    const r = parseDryRun(STDOUT, STDERR, ['app.network', 'bad.container', 'good.container', 'v.volume'], 1);
    expect(r.verdicts).toEqual([
      { file: 'app.network', status: 'ok', messages: [], units: ['app-network.service'] },
      { file: 'bad.container', status: 'error', messages: ['no Image or Rootfs key specified'], units: [] },
      { file: 'good.container', status: 'ok', messages: [], units: ['good.service'] },
      {
        file: 'v.volume',
        status: 'error',
        messages: ["unsupported key 'Foo' in group 'Volume' in /tmp/d/v.volume"],
        units: [],
      },
    ]);
    expect(r.otherMessages).toEqual([]);
  });

  it('reports load (syntax) errors and files the run never generated', () => {
    const stderr = `quadlet-generator[8206]: No files parsed from [/tmp/d]
quadlet-generator[8206]: error loading "/tmp/d/g.container", file contains line 1: “garbage line” which is not a key-value pair, group, or comment`;
    const r = parseDryRun('', stderr, ['g.container', 'ok.container'], 1);
    expect(r.verdicts[0]).toMatchObject({ file: 'g.container', status: 'error' });
    expect(r.verdicts[0]?.messages[0]).toMatch(/line 1/);
    expect(r.verdicts[1]).toMatchObject({ file: 'ok.container', status: 'not-generated' });
    expect(r.otherMessages).toEqual(['No files parsed from [/tmp/d]']);
  });
});

describe('which file a unit came from', () => {
  it('reads SourcePath= only at the start of a line: a U+2028 in a copied Description does not start one', () => {
    const out = `---web.service---
[Unit]
Description=x\u2028SourcePath=/tmp/d/other.container
SourcePath=/tmp/d/web.container

[Service]
ExecStart=/usr/bin/podman run x
`;
    const r = parseDryRun(out, '', ['other.container', 'web.container'], 0);
    expect(r.verdicts.find((v) => v.file === 'web.container')?.units).toEqual(['web.service']);
    expect(r.verdicts.find((v) => v.file === 'other.container')?.units).toEqual([]);
  });
});
