import { describe, expect, it } from 'vitest';
import { CommandError, InvalidError } from '../core/errors.js';
import { parseLinuxUser } from '../core/ids.js';
import { FakeExec } from './fake-exec.js';
import {
  authFile,
  Podman,
  parseEvent,
  parseImages,
  parseInspect,
  parsePs,
  parseSecrets,
  parseVolumes,
} from './podman.js';
import { makeSession } from './session.js';

const s = makeSession(parseLinuxUser('qm-a'), 996, '/var/lib/quadletman/home/qm-a');

const PS = JSON.stringify([
  {
    Id: 'abc',
    Names: ['qmt-web'],
    Image: 'localhost/busybox:latest',
    State: 'running',
    Status: 'Up 3 seconds',
    ExitCode: 0,
    Exited: false,
    Pid: 42,
    Labels: { PODMAN_SYSTEMD_UNIT: 'web.service' },
    Ports: [{ host_ip: '127.0.0.1', container_port: 8080, host_port: 18101, range: 1, protocol: 'tcp' }],
    Created: 1795417841,
    StartedAt: -62135596800,
  },
]);

describe('parsers', () => {
  it('ps', () => {
    const [c] = parsePs(PS);
    expect(c).toMatchObject({ id: 'abc', name: 'qmt-web', state: 'running', unit: 'web.service', pid: 42 });
    expect(c?.ports).toEqual([
      { hostIp: '127.0.0.1', hostPort: 18101, containerPort: 8080, protocol: 'tcp', range: 1 },
    ]);
    expect(c?.startedAt).toBe(undefined); // podman's zero time
    expect(parsePs('null')).toEqual([]);
    expect(() => parsePs('Error: nope')).toThrow(InvalidError);
  });

  it('inspect', () => {
    const [d] = parseInspect(
      JSON.stringify([
        {
          Id: 'abc',
          Name: 'qmt-web',
          ImageName: 'localhost/busybox:latest',
          RestartCount: 1,
          State: {
            Status: 'exited',
            Running: false,
            ExitCode: 137,
            OOMKilled: false,
            Pid: 0,
            Error: '',
            StartedAt: '2026-11-23T07:10:58.696863291Z',
            FinishedAt: '0001-01-01T00:00:00Z',
            Health: { Status: 'unhealthy' },
          },
          Config: { Labels: { PODMAN_SYSTEMD_UNIT: 'web.service' } },
        },
      ]),
    );
    expect(d).toMatchObject({
      state: 'exited',
      exitCode: 137,
      running: false,
      health: 'unhealthy',
      unit: 'web.service',
      restartCount: 1,
    });
    expect(d?.startedAt?.toISOString()).toBe('2026-11-23T07:10:58.696Z');
    expect(d?.finishedAt).toBe(undefined);
  });

  it('events', () => {
    const e = parseEvent(
      '{"ContainerExitCode":137,"ID":"69","Image":"localhost/busybox:latest","Name":"t4","Status":"died","time":1795417875,"timeNano":1795417875149597402,"Type":"container","Attributes":{"PODMAN_SYSTEMD_UNIT":"web.service"}}',
    );
    expect(e).toMatchObject({
      type: 'container',
      status: 'died',
      name: 't4',
      exitCode: 137,
      attributes: { PODMAN_SYSTEMD_UNIT: 'web.service' },
    });
    expect(e?.time.getTime()).toBe(1795417875149);
    expect(parseEvent('{"ID":"2","Name":"x","Status":"pull","time":5,"Type":"image","Attributes":null}')).toMatchObject(
      { type: 'image', exitCode: undefined, attributes: {} },
    );
    expect(parseEvent('not json')).toBe(undefined);
  });

  it('volumes, secrets, images', () => {
    expect(
      parseVolumes(
        '[{"Name":"v1","Driver":"local","Mountpoint":"/m","CreatedAt":"2026-11-23T07:10:43.275511698Z","Labels":{"a":"b"}}]',
      ),
    ).toEqual([
      {
        name: 'v1',
        driver: 'local',
        mountpoint: '/m',
        createdAt: new Date('2026-11-23T07:10:43.275Z'),
        labels: { a: 'b' },
      },
    ]);
    expect(parseSecrets('{"ID":"e3","Name":"s1","Driver":"file","CreatedAt":"40 seconds ago"}\n')).toEqual([
      { id: 'e3', name: 's1', driver: 'file' },
    ]);
    expect(
      parseImages(
        '[{"Id":"20a","Names":["localhost/busybox:latest"],"Digest":"sha256:60","Size":2171992,"Created":1795417840,"Containers":0}]',
      )[0],
    ).toMatchObject({
      names: ['localhost/busybox:latest'],
      size: 2171992,
    });
  });
});

describe('Podman over a fake exec', () => {
  it('passes secret values and passwords on stdin (a pipe), never on argv', async () => {
    const fx = new FakeExec();
    const p = new Podman(fx);
    await p.createSecret(s, 'db-pass', 'hunter2');
    await p.login(s, 'registry.example:5000', 'bob', 'pa55');
    for (const c of fx.calls) {
      expect(c.argv.join(' ')).not.toMatch(/hunter2|pa55/);
    }
    expect(fx.calls[0]?.options).toMatchObject({ input: 'hunter2', inputAsPipe: true });
    expect(fx.calls[1]?.options).toMatchObject({ input: 'pa55', inputAsPipe: true });
    expect(fx.calls[1]?.argv).toEqual(expect.arrayContaining(['--authfile', authFile(s), '--password-stdin']));
    expect(authFile(s)).toBe('/var/lib/quadletman/home/qm-a/.config/containers/auth.json');
  });

  it('refuses names that could be read as options', async () => {
    const p = new Podman(new FakeExec());
    await expect(p.createVolume(s, '--all')).rejects.toBeInstanceOf(InvalidError);
    await expect(p.removeImage(s, '-f')).rejects.toBeInstanceOf(InvalidError);
    await expect(p.kill(s, 'web', 'KILL; rm')).rejects.toBeInstanceOf(InvalidError);
  });

  it('lists images as raw JSON; a refused rmi says which image, as whom, and why', async () => {
    const fx = new FakeExec().on(['images', '--format', 'json'], { stdout: '[{"Id":"20a"}]\n' }).on(['rmi'], {
      code: 2,
      stderr: 'Error: image used by 4c5d: image is in use by a container: consider listing external containers\n',
    });
    const p = new Podman(fx);
    expect(await p.imagesJson(s)).toBe('[{"Id":"20a"}]\n');
    const err = await p.removeImage(s, 'localhost/x:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as Error).message).toBe(
      'podman rmi localhost/x:1 as qm-a failed: image used by 4c5d: image is in use by a container: consider listing external containers',
    );
    expect(fx.calls[1]?.argv.slice(-4)).toEqual(['rmi', '--ignore', '--', 'localhost/x:1']);
  });

  it('imports a tarball through stdin opened by root', async () => {
    const fx = new FakeExec().on(['import'], { stdout: 'sha256:abc\n' });
    expect(await new Podman(fx).importTarball(s, '/tmp/x.tar', 'localhost/x:1', ['CMD=["/bin/sh"]'])).toBe(
      'sha256:abc',
    );
    expect(fx.calls[0]?.options).toMatchObject({ inputFile: '/tmp/x.tar' });
    expect(fx.calls[0]?.argv.slice(-6)).toEqual([
      'import',
      '--quiet',
      '--change',
      'CMD=["/bin/sh"]',
      '-',
      'localhost/x:1',
    ]);
  });

  it('streams typed events', async () => {
    const fx = new FakeExec().onStream(
      ['events'],
      [
        '{"ID":"1","Name":"w","Status":"start","time":1,"Type":"container"}',
        'garbage',
        '{"ID":"1","Name":"w","Status":"died","time":2,"Type":"container","ContainerExitCode":1}',
      ],
    );
    const ev = new Podman(fx).events(s, { filters: ['container=w'] });
    const got = [];
    for await (const e of ev.events) got.push(e.status);
    expect(got).toEqual(['start', 'died']);
    expect(fx.calls[0]?.argv.slice(-5)).toEqual(['events', '--format', 'json', '--filter', 'container=w']);
  });
});
