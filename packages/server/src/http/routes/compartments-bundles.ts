/**
 * Bundle routes: adopt a folder of Quadlet files on the host into a compartment, export a compartment as a
 * `.quadlets` bundle, import a bundle into a new (or empty) compartment. Adopt and import only validate, lint
 * and plan unless `apply` is set; applying creates the compartment when it is new.
 *
 * Roles: export is a viewer's read; adopt and import need admin granted globally (adopt reads any folder on
 * the host as root, and both may create a compartment).
 */
import {
  AdoptBodySchema,
  AdoptResultSchema,
  CompartmentParams,
  ExportResultSchema,
  ImportBodySchema,
  ImportResultSchema,
} from '../../api/contract.js';
import { compartmentTarget, planChanges } from '../../core/audit-target.js';
import type { PreparedState } from '../../core/service/bundles.js';
import { toSpec } from '../../core/spec.js';
import { changedNothing } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { actorOf, applyDto, audited, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';

const tags = ['bundles'];

/** The API form of a prepared state: the state as a spec, the apply result in its API form. */
function preparedDto<T extends PreparedState>(p: T) {
  const { state, apply, ...rest } = p;
  return { ...rest, spec: toSpec(state), ...(apply ? { apply: applyDto(apply) } : {}) };
}

const auditResult = (p: PreparedState) => ({
  result:
    !p.apply || p.apply.outcome === 'applied' || p.apply.outcome === 'noop' ? ('ok' as const) : ('failed' as const),
  details: {
    applied: !!p.apply,
    ...(p.apply ? { outcome: p.apply.outcome, revision: p.apply.revision ?? null, ...planChanges(p.apply.plan) } : {}),
  },
});

export const bundleRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const overview = overviewOf(app);

  r.post(
    '/api/compartments/:id/adopt',
    {
      schema: {
        tags,
        summary: 'Adopt a folder of Quadlet files on the host into a compartment (verbatim units)',
        description:
          "The folder is only read: its user's units keep running (sourceAdvice says how to stop them). " +
          'Without `apply`: validate, lint and plan only.',
        params: CompartmentParams,
        body: AdoptBodySchema,
        response: { 200: AdoptResultSchema },
      },
      preHandler: guard('admin', { compartmentParam: false }),
    },
    async (req) => {
      const { id } = req.params;
      const { dir, apply } = req.body;
      try {
        if (!apply) {
          // validates, lints and plans only
          changedNothing(req);
          return preparedDto(await app.bundles.adopt(id, dir));
        }
        const result = await audited(
          audit,
          req,
          { action: 'compartment.adopt', target: compartmentTarget(id), details: { dir } },
          () => app.bundles.adopt(id, dir, { apply: { actor: actorOf(req) } }),
          auditResult,
        );
        return preparedDto(result);
      } finally {
        overview.invalidate(id);
      }
    },
  );

  r.get(
    '/api/compartments/:id/export',
    {
      schema: {
        tags,
        summary: 'Export the compartment as a .quadlets bundle (its rendered Quadlet units and more)',
        params: CompartmentParams,
        response: { 200: ExportResultSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => app.bundles.export(req.params.id),
  );

  r.post(
    '/api/compartments/:id/import',
    {
      schema: {
        tags,
        summary: 'Import a .quadlets bundle into a new (or empty) compartment',
        description: 'Without `apply`: validate, lint and plan only. Accepts up to 16 MiB.',
        params: CompartmentParams,
        body: ImportBodySchema,
        response: { 200: ImportResultSchema },
      },
      bodyLimit: 16 * 1024 * 1024 + 64 * 1024,
      preHandler: guard('admin', { compartmentParam: false }),
    },
    async (req) => {
      const { id } = req.params;
      const { text, source, apply } = req.body;
      try {
        if (!apply) {
          // validates, lints and plans only
          changedNothing(req);
          return preparedDto(await app.bundles.import(id, text, source ?? 'request body'));
        }
        const result = await audited(
          audit,
          req,
          { action: 'compartment.import', target: compartmentTarget(id), details: { source: source ?? 'request' } },
          () => app.bundles.import(id, text, source ?? 'request body', { apply: { actor: actorOf(req) } }),
          auditResult,
        );
        return preparedDto(result);
      } finally {
        overview.invalidate(id);
      }
    },
  );
};
