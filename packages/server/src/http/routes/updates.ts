/**
 * Update checks of a compartment's images: the last results with their time (viewer), and a check now (operator):
 * one manifest HEAD per image at its registry with the compartment's own logins, nothing pulled. A check changes
 * nothing (it only reads the registries): it is not audited.
 */
import { CompartmentParams, ImageCheckListSchema } from '../../api/contract.js';
import { READ_ONLY } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { zodInstance } from './compartments-common.js';

export const updateRoutes: RoutePlugin = async (instance, { app, guard }) => {
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
      config: READ_ONLY,
      preHandler: guard('operator'),
    },
    async (req) => ({ checks: await app.updates.check(req.params.id) }),
  );
};
