/**
 * Fakes for the bundle service tests: an in-memory compartment store, accounts that are a set, the apply
 * engine over core/apply's FakeHost, and a compartment with every kind of unit to export.
 */
import { ApplyEngine } from '../apply/engine.js';
import { FakeHost, FakeStore } from '../apply/fakes.js';
import { MemoryLocks } from '../apply/lock.js';
import type { CompartmentId } from '../ids.js';
import type { DesiredState } from '../spec.js';
import { type AdoptSource, BundleService } from './bundles.js';
import { type CompartmentInfo, CompartmentService, type CompartmentStorePort } from './compartments.js';

export class MemoryCompartments implements CompartmentStorePort {
  rows = new Map<string, CompartmentInfo>();
  states = new Map<string, DesiredState>();
  compartments: CompartmentStorePort['compartments'] = {
    get: (id) => this.rows.get(id),
    list: () => [...this.rows.values()],
    create: (c) => {
      const info: CompartmentInfo = {
        id: c.id,
        description: c.description ?? '',
        podmanVersion: c.podmanVersion ?? null,
        createdAt: 'now',
        updatedAt: 'now',
      };
      this.rows.set(c.id, info);
      return info;
    },
    delete: (id) => (this.rows.delete(id) ? { grants: [], tokens: [] } : undefined),
    saveState: (s) => {
      this.states.set(s.id, structuredClone(s));
      return this.rows.get(s.id)!;
    },
    loadState: (id: CompartmentId) => {
      const s = this.states.get(id);
      return s ? structuredClone(s) : undefined;
    },
  };
  revisions: CompartmentStorePort['revisions'] = { list: () => [], get: () => undefined };
}

/** A bundle service over fakes; one FakeHost per compartment. */
export function setupBundles(source: Partial<AdoptSource> = {}, volumesRoot = '/var/lib/quadletman/volumes') {
  const store = new MemoryCompartments();
  const hosts = new Map<string, FakeHost>();
  const hostOf = (id: string) => {
    let h = hosts.get(id);
    if (!h) {
      h = new FakeHost();
      hosts.set(id, h);
    }
    return h;
  };
  const users = new Set<string>();
  const engine = new ApplyEngine(async (id) => hostOf(id), new FakeStore(), new MemoryLocks(), {
    settleMs: 0,
    verifyTimeoutMs: 10,
    pollMs: 1,
    sleep: async () => undefined,
  });
  const compartments = new CompartmentService({
    store,
    accounts: {
      create: async (id) => users.add(id),
      delete: async (id) => {
        users.delete(id);
      },
      exists: async (id) => users.has(id),
    },
    volumes: { removeAll: async () => undefined },
    hostFor: async (id) => hostOf(id),
    engine,
    render: { volumesRoot },
  });
  const reads: string[] = [];
  const bundles = new BundleService({
    compartments,
    readSource: async (dir) => {
      reads.push(dir);
      return { dir, realDir: dir, owner: { uid: 1000, name: 'alice' }, files: [], ...source };
    },
    render: { volumesRoot },
  });
  return { store, hosts, hostOf, users, compartments, bundles, reads };
}

/** A compartment with every Quadlet unit type, a timer, the default network, both kinds of volume, files. */
export const EVERY_TYPE_YAML = `
compartment: every
description: Every unit type
network: { subnet: 10.89.7.0/24 }
units:
  web.container:
    container:
      image: localhost/busybox:latest
      exec: [busybox, httpd, -f, -p, "8080"]
      publishPort: ["127.0.0.1:18480:8080"]
      volume: ["data:/data", "cache:/cache"]
      environmentFile: web.env
  side.container:
    container: { image: localhost/busybox:latest, pod: app.pod, exec: [sleep, infinity] }
  app.pod:
    pod: { publishPort: ["127.0.0.1:18481:90"] }
  extra.network:
    network: { internal: true }
  named.volume:
    text: "[Volume]\\nLabel=app=x\\n"
  base.image:
    image: { Image: localhost/busybox:latest }
  built.build:
    build: { ImageTag: localhost/built:1, File: Containerfile, SetWorkingDirectory: unit }
  app.kube:
    kube: { Yaml: app.yaml }
  thing.artifact:
    text: "[Artifact]\\nArtifact=localhost/artifact:1\\n"
  backup.timer:
    timer: { onCalendar: daily }
    job: { container: { image: localhost/busybox:latest, exec: [sh, -c, "echo backup"] } }
volumes: { data: {}, cache: { kind: podman, options: { driver: local } } }
files:
  web.env: { content: "A=1\\n", mode: "0600" }
  app.yaml: { content: "apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: app\\n---\\nkind: ConfigMap\\n", in: quadlet }
  Containerfile: { content: "FROM localhost/busybox:latest\\n", in: quadlet }
  web.container.d/10-extra.conf: { content: "[Container]\\nEnvironment=B=2\\n", in: quadlet }
  crlf.txt: { content: "line\\r\\n# FileName=evil\\r\\n", in: quadlet }
secrets: [db-password]
registries: [{ registry: docker.io, username: bob }]
probes: [{ name: web, type: http, port: 18480 }]
`;
