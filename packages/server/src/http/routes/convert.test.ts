import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AppContext } from '../../app.js';
import { errorHandler } from '../errors.js';
import type { RouteDeps } from '../types.js';
import { convertRoutes } from './convert.js';

const COMPOSE = `name: notes
services:
  web:
    image: docker.io/library/nginx:1.27
    ports: ["8080:80"]
    env_file: [web.env]
    environment:
      GREETING: \${GREETING:-hello}
      SECRET: \${QM_TEST_SERVER_SECRET:-not-from-the-server}
    depends_on:
      db: { condition: service_healthy }
    deploy: { resources: { limits: { memory: 256m } } }
  db:
    image: docker.io/library/postgres:16
    healthcheck: { test: ["CMD", "pg_isready"], interval: 10s }
`;

async function server() {
  const ran: string[][] = [];
  const app = {
    host: {
      exec: {
        run: async (argv: string[]) => {
          ran.push(argv);
          return { code: 0, stdout: 'podman version 5.4.2\n', stderr: '' };
        },
      },
    },
  } as unknown as AppContext;
  const s = Fastify();
  s.setErrorHandler(errorHandler);
  const deps: RouteDeps = { app, guard: () => async () => undefined, audit: () => undefined };
  await s.register(async (i) => convertRoutes(i, deps));
  const post = (body: unknown) => s.inject({ method: 'POST', url: '/api/convert/compose', payload: body as object });
  const postRun = (body: unknown) => s.inject({ method: 'POST', url: '/api/convert/run', payload: body as object });
  return { post, postRun, ran };
}

afterEach(() => {
  delete process.env.QM_TEST_SERVER_SECRET;
});

describe('POST /api/convert/compose', () => {
  it("converts the files sent, for the host's Podman, with the report of every key", async () => {
    const { post, ran } = await server();
    const res = await post({
      files: [
        { name: 'compose.yaml', text: COMPOSE },
        { name: '.env', text: 'GREETING=hi there\n' },
        { name: 'web.env', text: 'MODE=production\n' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.compartment).toBe('notes');
    expect(body.podmanVersion).toBe('5.4');
    expect(ran).toEqual([['podman', '--version']]);
    const spec = parse(body.yaml);
    expect(Object.keys(spec.units).sort()).toEqual(['db.container', 'web.container']);
    expect(spec.units['web.container'].container.environment.GREETING).toBe('hi there');
    const at = (path: string) => body.report.find((e: { path: string }) => e.path === path);
    expect(at('services.web.depends_on.db.condition').disposition).toBe('mapped');
    // Memory= is 5.5+: at the host's 5.4 it becomes the podman flag
    expect(at('services.web.deploy.resources.limits.memory')).toMatchObject({ disposition: 'podman-args' });
    expect(body.report.some((e: { path: string }) => e.path === 'services.web.env_file.0')).toBe(true);
  });

  it("never reads the server's environment or its files", async () => {
    process.env.QM_TEST_SERVER_SECRET = 'the server leaked this';
    const { post } = await server();
    const files = (text: string) => [
      { name: 'compose.yaml', text },
      { name: 'web.env', text: 'MODE=production\n' },
    ];
    const res = await post({ files: files(COMPOSE), podmanVersion: '5.6' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('the server leaked this');
    expect(parse(res.json().yaml).units['web.container'].container.environment.SECRET).toBe('not-from-the-server');
    // a file of the server's named by the project is not read: it is not one of the files sent
    const hostFile = await post({ files: files(COMPOSE.replace('env_file: [web.env]', 'env_file: [/etc/hostname]')) });
    expect(hostFile.statusCode).toBe(400);
    expect(hostFile.json().error.message).toBe('services.web.env_file.0: /etc/hostname: no such env file');
  });

  it('refuses names outside the project, compose files not sent and unset required variables, naming them', async () => {
    const { post } = await server();
    const traversal = await post({ files: [{ name: '../etc/passwd', text: 'x' }] });
    expect(traversal.statusCode).toBe(400);
    expect(traversal.body).toContain('inside the project folder');
    const missing = await post({ files: [{ name: 'a.yaml', text: COMPOSE }], compose: ['b.yaml'] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain("'b.yaml' is not one of the files sent");
    const required = await post({
      files: [{ name: 'compose.yaml', text: `services:\n  a:\n    image: x/y:\${TAG:?set TAG}\n` }],
      project: 'req',
    });
    expect(required.statusCode).toBe(400);
    expect(required.json().error.message).toMatch(/TAG/);
  });
});

const COMMAND = `podman run -d --name web -p 8080:80 \\
  -v content:/usr/share/nginx/html:ro --memory 256m \\
  --env-file ./web.env -e "HOME_DIR=$HOME" registry.example.org/library/nginx:1.27
podman run --name db --health-cmd pg_isready registry.example.org/library/postgres:16`;

describe('POST /api/convert/run', () => {
  it("converts the commands sent, for the host's Podman, with the report of every option", async () => {
    const { postRun } = await server();
    const res = await postRun({ command: COMMAND.replace('-e "HOME_DIR=$HOME" ', ''), compartment: 'site' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.compartment).toBe('site');
    // (the host's version, asked once by the server: the compose test above asked)
    expect(body.podmanVersion).toBe('5.4');
    const spec = parse(body.yaml);
    expect(spec.compartment).toBe('site');
    expect(Object.keys(spec.units).sort()).toEqual(['db.container', 'web.container']);
    expect(spec.volumes).toEqual({ content: { kind: 'podman', options: {} } });
    const at = (path: string) => body.report.find((e: { path: string }) => e.path === path);
    expect(at('web.--publish.0')).toEqual({
      path: 'web.--publish.0',
      disposition: 'mapped',
      note: 'PublishPort=8080:80',
    });
    // Memory= is 5.5+: at the host's 5.4 it becomes the podman flag, as compose's mem_limit does
    expect(at('web.--memory')).toMatchObject({ disposition: 'podman-args' });
    // the env file named is not read: it was not sent
    expect(at('web.--env-file')).toMatchObject({ disposition: 'needs-input' });
    expect(at('web.--detach')).toMatchObject({ disposition: 'dropped' });
  });

  it('targets the Podman version asked for', async () => {
    const { postRun } = await server();
    const res = await postRun({
      command: 'podman run --name a --memory 1g registry.example.org/a:1',
      podmanVersion: '5.6',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().podmanVersion).toBe('5.6');
    expect(parse(res.json().yaml).units['a.container'].container.memory).toBe('1g');
  });

  it('refuses what a shell would expand or run, naming the place, and bodies that are not commands', async () => {
    const { postRun } = await server();
    const variable = await postRun({ command: COMMAND });
    expect(variable.statusCode).toBe(400);
    expect(variable.json().error.message).toBe(
      'line 3, column 37: $HOME: variables are not expanded here; write the value',
    );
    const substitution = await postRun({ command: 'podman run $(cat /etc/hostname)' });
    expect(substitution.statusCode).toBe(400);
    expect(substitution.json().error.message).toBe(
      'column 12: a command substitution $(…): write the value it stands for',
    );
    expect((await postRun({ command: 'ls -la' })).json().error.message).toMatch(/^column 1: ls: not a podman run/);
    expect((await postRun({ command: '' })).statusCode).toBe(400);
    expect((await postRun({ command: 'podman run x', podmanVersion: 'five' })).statusCode).toBe(400);
    expect((await postRun({})).statusCode).toBe(400);
  });
});
