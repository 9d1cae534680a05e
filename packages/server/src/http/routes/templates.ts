/**
 * Templates: /api/templates (list, show, import, delete), saving a compartment as one
 * (`POST /api/compartments/:id/template`), creating a compartment from one (`POST /api/templates/:name/create`,
 * which only checks, lints and plans unless `apply` is set), and what a compartment was made from
 * (`GET /api/compartments/:id/origin`).
 *
 * Roles: reading templates is for viewers granted globally; saving, importing, deleting and creating need admin
 * granted globally (creating makes a compartment and its secrets). A compartment's origin is its viewers' read.
 */
import { z } from 'zod';
import {
  CompartmentParams,
  CreateFromTemplateBodySchema,
  CreateFromTemplateResultSchema,
  ImportTemplateBodySchema,
  InstalledAppSchema,
  SaveTemplateBodySchema,
  TemplateDetailSchema,
  TemplateInfoSchema,
  TemplateParams,
} from '../../api/contract.js';
import { compartmentTarget, planChanges } from '../../core/audit-target.js';
import type { CreateResult } from '../../core/service/templates.js';
import { toSpec } from '../../core/spec.js';
import { changedNothing } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { actorOf, applyDto, audited, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';

const tags = ['templates'];

/** The API form of a creation: the state as a spec, the apply in its API form. */
export function createdDto(c: CreateResult) {
  const { state, apply, ...rest } = c;
  return { ...rest, spec: toSpec(state), ...(apply ? { apply: applyDto(apply) } : {}) };
}

/** The audit entry's result of a creation (never a value: secrets' are among them). */
export const createdAudit = (c: CreateResult) => ({
  result:
    !c.apply || c.apply.outcome === 'applied' || c.apply.outcome === 'noop' ? ('ok' as const) : ('failed' as const),
  details: {
    applied: !!c.apply,
    parameters: c.values.map((v) => `${v.name} (${v.source})`),
    secrets: c.secrets,
    ...(c.apply ? { outcome: c.apply.outcome, revision: c.apply.revision ?? null, ...planChanges(c.apply.plan) } : {}),
  },
});

export const templateRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const admin = guard('admin', { compartmentParam: false });
  const viewer = guard('viewer', { compartmentParam: false });
  const overview = overviewOf(app);

  r.get(
    '/api/templates',
    {
      preHandler: viewer,
      schema: {
        tags,
        summary: 'Saved templates',
        response: { 200: z.object({ templates: z.array(TemplateInfoSchema) }) },
      },
    },
    async () => ({ templates: app.templates.list() }),
  );

  r.get(
    '/api/templates/:name',
    {
      preHandler: viewer,
      schema: {
        tags,
        summary: 'A template, with its YAML',
        params: TemplateParams,
        response: { 200: TemplateDetailSchema },
      },
    },
    async (req) => {
      const { template: _t, ...rest } = app.templates.get(req.params.name);
      return rest;
    },
  );

  r.post(
    '/api/templates',
    {
      preHandler: admin,
      bodyLimit: 16 * 1024 * 1024 + 64 * 1024,
      schema: {
        tags,
        summary: 'Keep a template given as YAML or JSON',
        body: ImportTemplateBodySchema,
        response: { 201: TemplateInfoSchema },
      },
    },
    async (req, reply) => {
      const t = await audited(
        audit,
        req,
        { action: 'template.import', target: 'template' },
        () => app.templates.import(req.body.text, 'request body', actorOf(req), req.body.replace ?? false),
        (made) => ({ result: 'ok', target: `template:${made.name}`, details: { replace: req.body.replace ?? false } }),
      );
      return reply.code(201).send(t);
    },
  );

  r.delete(
    '/api/templates/:name',
    {
      preHandler: admin,
      schema: { tags, summary: 'Delete a template', params: TemplateParams, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await audited(audit, req, { action: 'template.delete', target: `template:${req.params.name}` }, () =>
        app.templates.delete(req.params.name),
      );
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/compartments/:id/template',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Save the compartment as a template (its whole desired state)',
        params: CompartmentParams,
        body: SaveTemplateBodySchema,
        response: { 201: TemplateInfoSchema },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const b = req.body;
      const t = await audited(
        audit,
        req,
        {
          action: 'template.save',
          target: `template:${b.name}`,
          details: { compartment: id, parameters: Object.keys(b.parameters ?? {}) },
        },
        () =>
          app.templates.save(
            id,
            {
              name: b.name,
              ...(b.description !== undefined ? { description: b.description } : {}),
              ...(b.parameters ? { parameters: b.parameters } : {}),
              replace: b.replace ?? false,
            },
            actorOf(req),
          ),
      );
      return reply.code(201).send(t);
    },
  );

  r.post(
    '/api/templates/:name/create',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Create a compartment from a template',
        description:
          'Without `apply`: check the values, lint and plan only. Generated secrets are returned once, by the call ' +
          'that made them.',
        params: TemplateParams,
        body: CreateFromTemplateBodySchema,
        response: { 200: CreateFromTemplateResultSchema },
      },
    },
    async (req) => {
      const { compartment, values, apply } = req.body;
      try {
        if (!apply) {
          // checks, lints and plans only
          changedNothing(req);
          return createdDto(await app.templates.create(req.params.name, compartment, values ?? {}));
        }
        const made = await audited(
          audit,
          req,
          {
            action: 'template.create',
            target: compartmentTarget(compartment),
            details: { template: req.params.name },
          },
          () => app.templates.create(req.params.name, compartment, values ?? {}, { apply: { actor: actorOf(req) } }),
          createdAudit,
        );
        return createdDto(made);
      } finally {
        overview.invalidate(compartment);
      }
    },
  );

  r.get(
    '/api/compartments/:id/origin',
    {
      preHandler: guard('viewer'),
      schema: {
        tags,
        summary: 'What the compartment was made from (a template or a catalog app), if anything',
        params: CompartmentParams,
        response: { 200: z.object({ origin: InstalledAppSchema.nullable() }) },
      },
    },
    async (req) => {
      app.compartments.get(req.params.id);
      const o = app.templates.installed(req.params.id);
      if (!o) return { origin: null };
      const { compartment: _c, ...rest } = o;
      return { origin: rest };
    },
  );
};
