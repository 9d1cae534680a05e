/**
 * Unit routes: a compartment's systemd units with their state, and start/stop/restart of all of them or of
 * those named. Roles: viewer reads; operator starts, stops and restarts.
 */
import { CompartmentParams, UnitActionParams, UnitControlBody, UnitListSchema } from '../../api/contract.js';
import type { RoutePlugin } from '../types.js';
import { audited, unitDtos, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';

const tags = ['units'];

export const unitRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const overview = overviewOf(app);

  r.get(
    '/api/compartments/:id/units',
    {
      schema: {
        tags,
        summary: "The compartment's systemd units (services of its Quadlet files, its timers) and their state",
        description: 'States are read from systemd now (not from the dashboard cache).',
        params: CompartmentParams,
        response: { 200: UnitListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({ units: unitDtos(await app.compartments.units(req.params.id, { withStatus: true })) }),
  );

  r.post(
    '/api/compartments/:id/units/:action',
    {
      schema: {
        tags,
        summary: 'Start, stop or restart units of the compartment (all of them when none are named)',
        description: 'Answers with the state of the units acted on.',
        params: UnitActionParams,
        body: UnitControlBody,
        response: { 200: UnitListSchema },
      },
      preHandler: guard('operator'),
    },
    async (req) => {
      const { id, action } = req.params;
      const names = req.body?.units ?? [];
      try {
        const units = await audited(
          audit,
          req,
          { action: `unit.${action}`, target: `compartment:${id}`, details: { units: names.length ? names : 'all' } },
          () => app.compartments.control(id, action, names),
        );
        return { units: unitDtos(units) };
      } finally {
        overview.invalidate(id);
      }
    },
  );
};
