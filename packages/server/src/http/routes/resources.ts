/**
 * A compartment's resources: volumes (host directories and Podman volumes, with size, owner and path),
 * secrets (names only: a value is written to Podman on stdin and never logged, audited or returned),
 * registry logins (registry and user name; the password goes to `podman login` on stdin) and config files
 * (part of the desired state: putting or deleting one applies the changed state).
 *
 * Volumes are declared in the desired state too: declaring one (PUT) or taking it out of the state (DELETE
 * …/declaration) applies the changed state and leaves data alone; deleting a volume (DELETE …/volumes/:name)
 * deletes its data and is refused while the state declares it.
 *
 * Roles: viewer lists and reads; operator puts and deletes config files and declares volumes (an apply); admin
 * deletes volumes (their data goes with them), creates and deletes secrets, logs in to and out of registries.
 */
import {
  ApplyResultSchema,
  CompartmentParams,
  ConfigFileListSchema,
  ConfigFileParams,
  ConfigFileSchema,
  CreateSecretBody,
  DeclaredVolumeParams,
  PutConfigFileBody,
  PutVolumeBody,
  RegistryLoginBody,
  RegistryLoginListSchema,
  RegistryParams,
  SecretCreatedSchema,
  SecretListSchema,
  SecretParams,
  VolumeDeleteQuery,
  VolumeListSchema,
  VolumeParams,
  VolumeSchema,
} from '../../api/contract.js';
import { inCompartment } from '../../core/audit-target.js';
import type { RoutePlugin } from '../types.js';
import { actorOf, applyAuditResult, applyDto, audited, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';

export const resourceRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const overview = overviewOf(app);

  // ------------------------------------------------------------------------------------------- volumes

  r.get(
    '/api/compartments/:id/volumes',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Volumes: declared ones and those on the host, with path, owner and size',
        params: CompartmentParams,
        response: { 200: VolumeListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({ volumes: await app.resources.volumes(req.params.id) }),
  );

  r.put(
    '/api/compartments/:id/volumes/:name',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Declare a volume in the desired state (or change it) and apply it',
        description:
          'kind host: a managed folder on the machine; kind podman: a `<name>.volume` unit with the given [Volume] ' +
          'options. Answers with the apply result; the store keeps the change only when the apply succeeded. ' +
          'Existing data is used as it is.',
        params: DeclaredVolumeParams,
        body: PutVolumeBody,
        response: { 200: ApplyResultSchema },
      },
      preHandler: guard('operator'),
    },
    async (req) => {
      const { id, name } = req.params;
      const { kind, options, owner, wait } = req.body;
      const target = inCompartment(id, 'volume', name);
      try {
        const result = await audited(
          audit,
          req,
          { action: 'volume.declare', target, details: { volume: name, kind, ...(owner ? { owner } : {}) } },
          () =>
            app.resources.putVolume(
              id,
              name,
              kind === 'host' ? { kind, ...(owner ? { owner } : {}) } : { kind, options: options ?? {} },
              {
                actor: actorOf(req),
                wait: wait ?? true,
              },
            ),
          applyAuditResult(id, target),
        );
        return applyDto(result);
      } finally {
        overview.invalidate(id);
      }
    },
  );

  r.delete(
    '/api/compartments/:id/volumes/:name/declaration',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Take a volume out of the desired state and apply it (its data stays)',
        description:
          'The host folder or Podman volume stays and is listed as undeclared; deleting it is DELETE …/volumes/:name.',
        params: DeclaredVolumeParams,
        response: { 200: ApplyResultSchema },
      },
      preHandler: guard('operator'),
    },
    async (req) => {
      const { id, name } = req.params;
      const target = inCompartment(id, 'volume', name);
      try {
        const result = await audited(
          audit,
          req,
          { action: 'volume.undeclare', target, details: { volume: name } },
          () => app.resources.undeclareVolume(id, name, { actor: actorOf(req) }),
          applyAuditResult(id, target),
        );
        return applyDto(result);
      } finally {
        overview.invalidate(id);
      }
    },
  );

  r.delete(
    '/api/compartments/:id/volumes/:name',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Delete a volume and its data (refused while the desired state declares it)',
        params: VolumeParams,
        querystring: VolumeDeleteQuery,
        response: { 200: VolumeSchema },
      },
      preHandler: guard('admin'),
    },
    async (req) => {
      const { id, name } = req.params;
      const { kind } = req.query;
      return audited(
        audit,
        req,
        {
          action: 'volume.delete',
          target: inCompartment(id, 'volume', name),
          details: { volume: name, ...(kind ? { kind } : {}) },
        },
        () => app.resources.deleteVolume(id, name, kind),
      );
    },
  );

  // ------------------------------------------------------------------------------------------- secrets

  r.get(
    '/api/compartments/:id/secrets',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Secret names: declared in the desired state and present in Podman (never values)',
        params: CompartmentParams,
        response: { 200: SecretListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({ secrets: await app.resources.secrets(req.params.id) }),
  );

  r.post(
    '/api/compartments/:id/secrets',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Create a secret (or replace one with replace: true); the value is never returned',
        params: CompartmentParams,
        body: CreateSecretBody,
        response: { 201: SecretCreatedSchema },
      },
      preHandler: guard('admin'),
    },
    async (req, reply) => {
      const { id } = req.params;
      const { name, value, replace } = req.body;
      const replaced = await audited(
        audit,
        req,
        {
          action: 'secret.create',
          target: inCompartment(id, 'secret', name),
          details: { secret: name, replace: !!replace },
        },
        () => app.resources.createSecret(id, name, value, !!replace),
      );
      return reply.status(201).send({ name, replaced });
    },
  );

  r.delete(
    '/api/compartments/:id/secrets/:name',
    {
      schema: {
        tags: ['secrets'],
        summary: 'Delete a secret',
        params: SecretParams,
      },
      preHandler: guard('admin'),
    },
    async (req, reply) => {
      const { id, name } = req.params;
      await audited(
        audit,
        req,
        { action: 'secret.delete', target: inCompartment(id, 'secret', name), details: { secret: name } },
        () => app.resources.deleteSecret(id, name),
      );
      return reply.status(204).send();
    },
  );

  // ------------------------------------------------------------------------------------------- registries

  r.get(
    '/api/compartments/:id/registries',
    {
      schema: {
        tags: ['registries'],
        summary: 'Registry logins the desired state declares (registry and user name)',
        params: CompartmentParams,
        response: { 200: RegistryLoginListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({ registries: await app.resources.registries(req.params.id) }),
  );

  r.post(
    '/api/compartments/:id/registries',
    {
      schema: {
        tags: ['registries'],
        summary: 'Log the compartment in to a registry (its own authfile); the password is never returned',
        params: CompartmentParams,
        body: RegistryLoginBody,
        response: { 200: RegistryLoginListSchema },
      },
      preHandler: guard('admin'),
    },
    async (req) => {
      const { id } = req.params;
      const { registry, username, password } = req.body;
      await audited(
        audit,
        req,
        { action: 'registry.login', target: inCompartment(id, 'registry', registry), details: { registry, username } },
        () => app.resources.login(id, registry, username, password),
      );
      return { registries: await app.resources.registries(id) };
    },
  );

  r.delete(
    '/api/compartments/:id/registries/:registry',
    {
      schema: {
        tags: ['registries'],
        summary: 'Log the compartment out of a registry (URL-encode a registry with / in it)',
        params: RegistryParams,
        response: { 200: RegistryLoginListSchema },
      },
      preHandler: guard('admin'),
    },
    async (req) => {
      const { id, registry } = req.params;
      await audited(
        audit,
        req,
        { action: 'registry.logout', target: inCompartment(id, 'registry', registry), details: { registry } },
        () => app.resources.logout(id, registry),
      );
      return { registries: await app.resources.registries(id) };
    },
  );

  // ------------------------------------------------------------------------------------------- config files

  r.get(
    '/api/compartments/:id/files',
    {
      schema: {
        tags: ['files'],
        summary: 'Config files of the desired state (path, folder, mode, size)',
        params: CompartmentParams,
        response: { 200: ConfigFileListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({ files: app.resources.files(req.params.id) }),
  );

  r.get(
    '/api/compartments/:id/files/*',
    {
      schema: {
        tags: ['files'],
        summary: 'One config file with its content',
        params: ConfigFileParams,
        response: { 200: ConfigFileSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => app.resources.file(req.params.id, req.params['*']),
  );

  r.put(
    '/api/compartments/:id/files/*',
    {
      schema: {
        tags: ['files'],
        summary: 'Write a config file into the desired state and apply it',
        description: 'Answers with the apply result; the store keeps the file only when the apply succeeded.',
        params: ConfigFileParams,
        body: PutConfigFileBody,
        response: { 200: ApplyResultSchema },
      },
      bodyLimit: 2 * 1024 * 1024,
      preHandler: guard('operator'),
    },
    async (req) => {
      const { id } = req.params;
      const path = req.params['*'];
      const { content, mode, in: location, wait } = req.body;
      try {
        const result = await audited(
          audit,
          req,
          { action: 'file.put', target: inCompartment(id, 'file', path), details: { path } },
          () =>
            app.resources.putFile(
              id,
              path,
              { content, ...(mode !== undefined ? { mode } : {}), ...(location ? { in: location } : {}) },
              { actor: actorOf(req), wait: wait ?? true },
            ),
          applyAuditResult(id, inCompartment(id, 'file', path)),
        );
        return applyDto(result);
      } finally {
        overview.invalidate(id);
      }
    },
  );

  r.delete(
    '/api/compartments/:id/files/*',
    {
      schema: {
        tags: ['files'],
        summary: 'Remove a config file from the desired state and apply it',
        params: ConfigFileParams,
        response: { 200: ApplyResultSchema },
      },
      preHandler: guard('operator'),
    },
    async (req) => {
      const { id } = req.params;
      const path = req.params['*'];
      try {
        const result = await audited(
          audit,
          req,
          { action: 'file.delete', target: inCompartment(id, 'file', path), details: { path } },
          () => app.resources.deleteFile(id, path, { actor: actorOf(req) }),
          applyAuditResult(id, inCompartment(id, 'file', path)),
        );
        return applyDto(result);
      } finally {
        overview.invalidate(id);
      }
    },
  );
};
