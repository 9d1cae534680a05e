import { describe, expect, it } from 'vitest';
import { render } from './render.js';
import { parseSpecText } from './spec.js';
import { BLOG_YAML } from './test-support/specs.js';
import { type UnitGraph, unitGraph } from './unit-graph.js';

const Q = '.config/containers/systemd';
const U = '.config/systemd/user';

const files = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([name, text]) => [name.startsWith('.config/') ? name : `${Q}/${name}`, text]));

/** `from -kind-> to` for every edge, to compare compactly. */
const arrows = (g: UnitGraph, from?: string) =>
  g.edges.filter((e) => from === undefined || e.from === from).map((e) => `${e.from} -${e.kind}-> ${e.to}`);

const before = (g: UnitGraph, a: string, b: string) => g.order.indexOf(a) < g.order.indexOf(b);

describe('unitGraph', () => {
  it('reads the implicit Quadlet dependencies of a rendered compartment, and starts the target last', () => {
    const g = unitGraph(render(parseSpecText(BLOG_YAML)).files);
    expect(g.nodes.map((n) => [n.id, n.kind, n.unit])).toEqual([
      ['app.pod', 'pod', 'app-pod.service'],
      ['backup.container', 'container', 'backup.service'],
      ['backup.timer', 'timer', 'backup.timer'],
      ['blog.network', 'network', 'blog-network.service'],
      ['blog.target', 'target', 'blog.target'],
      ['cache.volume', 'volume', 'cache-volume.service'],
      ['db.container', 'container', 'db.service'],
      ['legacy.container', 'container', 'legacy.service'],
      ['sidecar.container', 'container', 'sidecar.service'],
      ['web.container', 'container', 'web.service'],
    ]);
    expect(arrows(g, 'web.container')).toEqual([
      'web.container -partOf-> blog.target',
      'web.container -network-> blog.network',
      'web.container -volume-> cache.volume',
    ]);
    expect(arrows(g, 'sidecar.container')).toEqual([
      'sidecar.container -partOf-> blog.target',
      'sidecar.container -pod-> app.pod',
    ]);
    expect(g.edges.find((e) => e.kind === 'pod')).toMatchObject({ key: 'Pod', order: 'after', healthGate: false });
    // the timer triggers its job and is ordered before it
    expect(g.edges.find((e) => e.from === 'backup.timer' && e.kind === 'triggers')).toMatchObject({
      to: 'backup.container',
      order: 'before',
    });
    // the target wants every typed container and pod (WantedBy=) and so starts after them
    const wanted = g.edges.filter((e) => e.from === 'blog.target').map((e) => e.to);
    expect(wanted).toEqual(['app.pod', 'db.container', 'sidecar.container', 'web.container']);
    expect(g.order.at(-1)).toBe('blog.target');
    expect(before(g, 'blog.network', 'web.container')).toBe(true);
    expect(before(g, 'cache.volume', 'web.container')).toBe(true);
    expect(before(g, 'app.pod', 'sidecar.container')).toBe(true);
    expect(before(g, 'backup.timer', 'backup.container')).toBe(true);
    expect(g.layers[0]).toEqual(['backup.timer', 'blog.network', 'cache.volume', 'legacy.container']);
    expect(g.cycles).toEqual([]);
    expect(g.missing).toEqual([]);
  });

  it('reads text units: explicit [Unit] dependencies, images, builds, mounts, and health gates', () => {
    const g = unitGraph(
      files({
        'db.container':
          '[Unit]\nDescription=db\n\n[Container]\nImage=pg.image\nNotify=healthy\nHealthCmd=pg_isready\nVolume=pgdata.volume:/var/lib/postgresql/data:Z\n',
        'pg.image': '[Image]\nImage=docker.io/library/postgres:16\n',
        'pgdata.volume': '[Volume]\n',
        'api.container':
          '[Unit]\nRequires=db.container\nAfter=db.service cache.service\nWants=network-online.target\n\n[Container]\nImage=api.build\nNetwork=backend.network:ip=10.0.0.5\nMount=type=image,source=assets.image,destination=/assets\nMount=type=tmpfs,destination=/tmp\n',
        'api.build': '[Build]\nImageTag=localhost/api\nSetWorkingDirectory=unit\nNetwork=host\n',
        'assets.image': '[Image]\nImage=quay.io/x/assets:1\n',
        'backend.network': '[Network]\nSubnet=10.0.0.0/24\n',
        'cache.container': '[Container]\nImage=docker.io/library/redis:7\nServiceName=cache\n',
        'worker.container': '[Unit]\nRequires=api.service\n\n[Container]\nImage=docker.io/library/busybox\n',
      }),
    );
    expect(arrows(g, 'api.container')).toEqual([
      'api.container -requires-> db.container',
      'api.container -wants-> network-online.target',
      'api.container -after-> db.container',
      'api.container -after-> cache.container',
      'api.container -build-> api.build',
      'api.container -network-> backend.network',
      'api.container -image-> assets.image',
    ]);
    expect(arrows(g, 'db.container')).toEqual([
      'db.container -image-> pg.image',
      'db.container -volume-> pgdata.volume',
    ]);
    expect(g.nodes.find((n) => n.id === 'db.container')).toMatchObject({ notifyHealthy: true });
    // After=db.service waits for db to be healthy; Requires= alone does not order
    const toDb = g.edges.filter((e) => e.from === 'api.container' && e.to === 'db.container');
    expect(toDb.map((e) => [e.kind, e.order, e.healthGate])).toEqual([
      ['requires', null, false],
      ['after', 'after', true],
    ]);
    expect(g.edges.find((e) => e.to === 'network-online.target')).toMatchObject({ external: true, order: null });
    expect(g.edges.find((e) => e.kind === 'build')).toMatchObject({ key: 'Image', order: 'after' });
    expect(g.edges.find((e) => e.to === 'assets.image')).toMatchObject({ key: 'Mount', kind: 'image' });
    expect(before(g, 'db.container', 'api.container')).toBe(true);
    expect(before(g, 'pg.image', 'db.container')).toBe(true);
    // worker only requires api: they start together
    expect(g.layers.findIndex((l) => l.includes('worker.container'))).toBe(0);
    expect(g.missing).toEqual([]);
  });

  it('flags references to Quadlet files the set lacks as missing, other unit names as external', () => {
    const g = unitGraph(
      files({
        'web.container':
          '[Unit]\nAfter=db.container\nWants=sshd.service\n\n[Container]\nImage=docker.io/library/nginx\nNetwork=front.network\nVolume=data.volume:/data\nVolume=/srv/web:/srv\nVolume=named:/named\n',
      }),
    );
    expect(g.missing).toEqual([
      { from: 'web.container', to: 'db.container', key: 'After' },
      { from: 'web.container', to: 'front.network', key: 'Network' },
      { from: 'web.container', to: 'data.volume', key: 'Volume' },
    ]);
    expect(g.edges.find((e) => e.to === 'sshd.service')).toMatchObject({ external: true });
    expect(g.nodes.map((n) => n.id)).toEqual(['web.container']);
    expect(g.order).toEqual(['web.container']);
  });

  it('reports ordering cycles without throwing, and still orders the rest', () => {
    const g = unitGraph(
      files({
        'a.container': '[Unit]\nAfter=b.service\n\n[Container]\nImage=x\n',
        'b.container': '[Unit]\nAfter=c.container\n\n[Container]\nImage=x\n',
        'c.container': '[Unit]\nAfter=a.container\n\n[Container]\nImage=x\n',
        'd.container': '[Unit]\nAfter=a.container\n\n[Container]\nImage=x\n',
        'self.container': '[Unit]\nBefore=self.service\n\n[Container]\nImage=x\n',
        'net.network': '[Network]\n',
      }),
    );
    expect(g.cycles).toEqual([['a.container', 'b.container', 'c.container'], ['self.container']]);
    expect(g.order).toHaveLength(6);
    expect(before(g, 'a.container', 'd.container')).toBe(true);
    expect(g.layers[0]).toEqual(['a.container', 'b.container', 'c.container', 'net.network', 'self.container']);
  });

  it('adds instances of templates that are referenced, with the template dependencies and %i replaced', () => {
    const g = unitGraph(
      files({
        'web@.container': '[Unit]\nAfter=cfg@%i.service\n\n[Container]\nImage=docker.io/library/nginx\nPod=site.pod\n',
        'cfg@.container': '[Container]\nImage=docker.io/library/busybox\n',
        'site.pod': '[Pod]\n',
        'front.container': '[Unit]\nWants=web@blue.service\nAfter=web@blue.container\n\n[Container]\nImage=x\n',
      }),
    );
    const ids = g.nodes.map((n) => n.id);
    expect(ids).toEqual([
      'cfg@.container',
      'cfg@blue.container',
      'front.container',
      'site.pod',
      'web@.container',
      'web@blue.container',
    ]);
    expect(g.nodes.find((n) => n.id === 'web@blue.container')).toMatchObject({
      unit: 'web@blue.service',
      instanceOf: 'web@.container',
      path: `${Q}/web@.container`,
    });
    expect(g.nodes.find((n) => n.id === 'web@.container')).toMatchObject({ template: true, unit: 'web@.service' });
    expect(arrows(g, 'web@blue.container')).toEqual([
      'web@blue.container -after-> cfg@blue.container',
      'web@blue.container -pod-> site.pod',
    ]);
    // templates are not started; the instances are, in order
    expect(g.order).not.toContain('web@.container');
    expect(before(g, 'cfg@blue.container', 'web@blue.container')).toBe(true);
    expect(before(g, 'web@blue.container', 'front.container')).toBe(true);
    expect(g.missing).toEqual([]);
  });

  it('merges drop-ins, and honours ServiceName= and a oneshot service for health gates', () => {
    const g = unitGraph(
      files({
        'app.container': '[Container]\nImage=x\nNotify=healthy\nServiceName=application\n',
        'app.container.d/10-deps.conf': '[Unit]\nAfter=init.service\n',
        'init.container': '[Container]\nImage=x\nNotify=healthy\n\n[Service]\nType=oneshot\n',
        'late.container': '[Unit]\nAfter=application.service\n\n[Container]\nImage=x\n',
        [`${U}/extra.target`]: '[Unit]\nDescription=extra\n',
      }),
    );
    expect(g.nodes.find((n) => n.id === 'app.container')?.unit).toBe('application.service');
    expect(arrows(g, 'app.container')).toEqual(['app.container -after-> init.container']);
    expect(g.edges.find((e) => e.from === 'app.container')?.healthGate).toBe(false);
    expect(g.edges.find((e) => e.from === 'late.container')).toMatchObject({ to: 'app.container', healthGate: true });
    expect(g.layers).toEqual([['extra.target', 'init.container'], ['app.container'], ['late.container']]);
  });

  it('has a socket trigger its service (a container, a plain service or a template) and start before it', () => {
    const g = unitGraph(
      files({
        'web.container': '[Container]\nImage=x\n',
        [`${U}/web.socket`]: '[Socket]\nListenStream=8080\n',
        [`${U}/echo.socket`]: '[Socket]\nListenStream=%t/echo.sock\nAccept=yes\n',
        [`${U}/echo@.service`]: '[Service]\nExecStart=/usr/bin/cat\n',
        [`${U}/tick.service`]: '[Service]\nExecStart=/usr/bin/true\n',
        [`${U}/other.socket`]: '[Socket]\nListenStream=9000\nService=tick.service\n',
      }),
    );
    expect(g.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['echo.socket', 'socket'],
      ['echo@.service', 'service'],
      ['other.socket', 'socket'],
      ['tick.service', 'service'],
      ['web.container', 'container'],
      ['web.socket', 'socket'],
    ]);
    expect(arrows(g, 'web.socket')).toEqual(['web.socket -triggers-> web.container']);
    expect(arrows(g, 'echo.socket')).toEqual(['echo.socket -triggers-> echo@.service']);
    expect(arrows(g, 'other.socket')).toEqual(['other.socket -triggers-> tick.service']);
    expect(before(g, 'web.socket', 'web.container')).toBe(true);
    expect(before(g, 'other.socket', 'tick.service')).toBe(true);
  });
});
