import { describe, expect, it } from 'vitest';
import { publishedPorts, publishedPortsIn } from './published-ports.js';
import { validateSpec } from './spec.js';

const blog = validateSpec({
  compartment: 'blog',
  units: {
    'web.container': { container: { image: 'docker.io/library/nginx:1.27', publishPort: ['8080:80', '443'] } },
    'admin.container': { container: { image: 'docker.io/library/nginx:1.27', PublishPort: '127.0.0.1:9000:9000' } },
    'db.container': { container: { image: 'docker.io/library/postgres:17' } },
    'app.pod': { pod: { publishPort: ['[::1]:7000:7000/udp', '0.0.0.0:7001:7001'] } },
    'legacy.container': {
      text: '[Container]\nImage=docker.io/library/redis\nPublishPort=192.0.2.10:6379:6379\n',
    },
  },
  files: {
    // A drop-in adds a port to web.container (and resets nothing).
    'web.container.d/10-extra.conf': { content: '[Container]\nPublishPort=10.0.0.5:8443:443\n', in: 'quadlet' },
  },
});

describe('publishedPorts', () => {
  it('reads PublishPort of containers, pods and raw units, with their drop-ins', () => {
    const got = publishedPorts(blog).map(({ unit, value, address, hostPort }) => ({ unit, value, address, hostPort }));
    expect(got).toEqual([
      { unit: 'admin.container', value: '127.0.0.1:9000:9000', address: '127.0.0.1', hostPort: '9000' },
      { unit: 'app.pod', value: '[::1]:7000:7000/udp', address: '::1', hostPort: '7000' },
      { unit: 'app.pod', value: '0.0.0.0:7001:7001', address: undefined, hostPort: '7001' },
      { unit: 'legacy.container', value: '192.0.2.10:6379:6379', address: '192.0.2.10', hostPort: '6379' },
      { unit: 'web.container', value: '8080:80', address: undefined, hostPort: '8080' },
      { unit: 'web.container', value: '443', address: undefined, hostPort: undefined },
      { unit: 'web.container', value: '10.0.0.5:8443:443', address: '10.0.0.5', hostPort: '8443' },
    ]);
    expect(new Set(publishedPorts(blog).map((p) => p.compartment))).toEqual(new Set(['blog']));
  });

  it('is empty for a compartment that publishes nothing', () => {
    expect(publishedPorts(validateSpec({ compartment: 'quiet', units: {} }))).toEqual([]);
  });
});

describe('publishedPortsIn', () => {
  it('collects the ports of every compartment it can load', () => {
    const quiet = validateSpec({ compartment: 'quiet', units: {} });
    const states = new Map([
      [blog.id, blog],
      [quiet.id, quiet],
    ]);
    const got = publishedPortsIn({
      list: () => [{ id: blog.id }, { id: quiet.id }, { id: 'gone' as typeof blog.id }],
      loadState: (id) => states.get(id),
    });
    expect(got).toEqual(publishedPorts(blog));
  });
});
