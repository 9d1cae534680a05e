/**
 * Update checks of a compartment's images: the last results with their time (viewer), and a check now (operator):
 * one manifest HEAD per image at its registry with the compartment's own logins, nothing pulled. A check is
 * audited with how many updates it found.
 */
import { CompartmentParams, ImageCheckListSchema } from '../../api/contract.js';
import type { RoutePlugin } from '../types.js';
import { audited, zodInstance } from './compartments-common.js';

export const updateRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);

  r.get(
    '/api/compartments/:id/updates',
    {
      schema: {
        tags: ['images'],
        summary: "The last update check of each of the compartment's images (none before the first)",
        params: CompartmentParams,
        response: { 200: ImageCheckListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({ checks: app.updates.list(req.params.id) }),
  );

  r.post(
    '/api/compartments/:id/updates/check',
    {
      schema: {
        tags: ['images'],
        summary: "Check the compartment's images for updates now (a manifest HEAD each; nothing is pulled)",
        params: CompartmentParams,
        response: { 200: ImageCheckListSchema },
      },
      preHandler: guard('operator'),
    },
    async (req) => {
      const { id } = req.params;
      const checks = await audited(
        audit,
        req,
        { action: 'image.update-check', target: `compartment:${id}` },
        () => app.updates.check(id),
        (rows) => ({
          result: 'ok' as const,
          details: { images: rows.length, updates: rows.filter((c) => c.status === 'update-available').length },
        }),
      );
      return { checks };
    },
  );
};
