import { describe, expect, it } from 'vitest';
import { describeSharedHost, type PublishedPort, portsSharingHost } from './ui-host.js';

/** What published-ports.test.ts reads from its `blog` compartment. */
const ports: PublishedPort[] = [
  {
    compartment: 'blog',
    unit: 'admin.container',
    value: '127.0.0.1:9000:9000',
    address: '127.0.0.1',
    hostPort: '9000',
  },
  { compartment: 'blog', unit: 'app.pod', value: '[::1]:7000:7000/udp', address: '::1', hostPort: '7000' },
  { compartment: 'blog', unit: 'app.pod', value: '0.0.0.0:7001:7001', hostPort: '7001' },
  {
    compartment: 'blog',
    unit: 'legacy.container',
    value: '192.0.2.10:6379:6379',
    address: '192.0.2.10',
    hostPort: '6379',
  },
  { compartment: 'blog', unit: 'web.container', value: '8080:80', hostPort: '8080' },
  { compartment: 'blog', unit: 'web.container', value: '443' },
  { compartment: 'blog', unit: 'web.container', value: '10.0.0.5:8443:443', address: '10.0.0.5', hostPort: '8443' },
];

describe('portsSharingHost', () => {
  const values = (host: string) => portsSharingHost(host, ports).map((p) => p.value);

  it('a UI on every address shares its host names with every published port', () => {
    expect(values('0.0.0.0')).toHaveLength(ports.length);
    expect(values('::')).toHaveLength(ports.length);
  });

  it('a UI on loopback shares localhost with ports on every address and on any loopback address', () => {
    expect(values('127.0.0.1')).toEqual([
      '127.0.0.1:9000:9000',
      '[::1]:7000:7000/udp',
      '0.0.0.0:7001:7001',
      '8080:80',
      '443',
    ]);
    expect(values('localhost')).toEqual(values('127.0.0.1'));
  });

  it('a UI on one address shares it with ports on that address and on every address', () => {
    expect(values('10.0.0.5')).toEqual(['0.0.0.0:7001:7001', '8080:80', '443', '10.0.0.5:8443:443']);
    expect(
      portsSharingHost(
        '10.0.0.5',
        ports.filter((p) => p.address !== undefined && p.address !== '10.0.0.5'),
      ),
    ).toEqual([]);
  });
});

describe('describeSharedHost', () => {
  it('names the compartments and ports and says the UI needs a host name of its own', () => {
    const shared: PublishedPort[] = [
      { compartment: 'blog', unit: 'web.container', value: '8080:80', hostPort: '8080' },
      { compartment: 'blog', unit: 'web.container', value: '443' },
      { compartment: 'shop', unit: 'shop.pod', value: '[::1]:3000:3000', address: '::1', hostPort: '3000' },
    ];
    const d = describeSharedHost({ host: '::1', port: 8080 }, shared);
    expect(d.message).toBe(
      'The web UI ([::1]:8080) shares its host name with ports that compartments publish: blog (8080:80 in ' +
        'web.container, 443 in web.container); shop ([::1]:3000:3000 in shop.pod). Browsers send a host name’s ' +
        'cookies to every port of it, so these apps receive the session cookie of whoever is logged in to the UI.',
    );
    expect(d.fix).toMatch(/host name of its own/);
  });
});
