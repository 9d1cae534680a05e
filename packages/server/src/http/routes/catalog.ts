/**
 * The app catalog: GET /api/catalog (the apps, with the compartments installed from each), GET
 * /api/catalog/:name (with its README and the entry as YAML), POST /api/catalog/:name/install (checks, lints and
 * plans unless `apply` is set; `upgrade` applies this version to a compartment installed from the app).
 *
 * Roles: reading is for viewers granted globally; installing needs admin granted globally.
 */
import { z } from 'zod';
import {
  CatalogAppDetailSchema,
  CatalogAppSchema,
  CatalogInstallBodySchema,
  CatalogParams,
  CreateFromTemplateResultSchema,
} from '../../api/contract.js';
import { compartmentTarget } from '../../core/audit-target.js';
import { templateToYaml } from '../../core/templates/template.js';
import { changedNothing } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { actorOf, audited, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';
import { createdAudit, createdDto } from './templates.js';

const tags = ['catalog'];

export const catalogRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const viewer = guard('viewer', { compartmentParam: false });
  const admin = guard('admin', { compartmentParam: false });
  const overview = overviewOf(app);

  r.get(
    '/api/catalog',
    {
      preHandler: viewer,
      schema: {
        tags,
        summary: 'The app catalog',
        response: {
          200: z.object({
            apps: z.array(CatalogAppSchema),
            problems: z.record(z.string(), z.string()).meta({ description: 'Entries that cannot be used, and why.' }),
          }),
        },
      },
    },
    async () => app.catalog.list(),
  );

  r.get(
    '/api/catalog/:name',
    {
      preHandler: viewer,
      schema: {
        tags,
        summary: 'A catalog app, with its README',
        params: CatalogParams,
        response: { 200: CatalogAppDetailSchema },
      },
    },
    async (req) => {
      const { entry, ...rest } = await app.catalog.get(req.params.name);
      return { ...rest, yaml: templateToYaml(entry.template) };
    },
  );

  r.post(
    '/api/catalog/:name/install',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Install a catalog app as a compartment (or upgrade one installed from it)',
        description:
          'Without `apply`: check the values, lint and plan only. Generated secrets are returned once, by the call ' +
          'that made them. With `upgrade`, the compartment must have been installed from this app; the values it ' +
          'was installed with are kept unless given.',
        params: CatalogParams,
        body: CatalogInstallBodySchema,
        response: { 200: CreateFromTemplateResultSchema },
      },
    },
    async (req) => {
      const { compartment, values, apply, upgrade } = req.body;
      try {
        if (!apply) {
          // checks, lints and plans only
          changedNothing(req);
          return createdDto(
            await app.catalog.install(req.params.name, compartment, values ?? {}, upgrade ? { upgrade: true } : {}),
          );
        }
        const made = await audited(
          audit,
          req,
          {
            action: upgrade ? 'catalog.upgrade' : 'catalog.install',
            target: compartmentTarget(compartment),
            details: { app: req.params.name },
          },
          () =>
            app.catalog.install(req.params.name, compartment, values ?? {}, {
              apply: { actor: actorOf(req) },
              ...(upgrade ? { upgrade: true } : {}),
            }),
          createdAudit,
        );
        return createdDto(made);
      } finally {
        overview.invalidate(compartment);
      }
    },
  );
};
