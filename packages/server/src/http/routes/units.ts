/**
 * Unit routes: a compartment's systemd units with their state, and start/stop/restart of all of them or of
 * those named, and the dependencies between them (core/unit-graph.ts). Roles: viewer reads; operator starts, stops
 * and restarts.
 */
import {
  CompartmentParams,
  UnitActionParams,
  UnitControlBody,
  UnitGraphSchema,
  UnitListSchema,
} from '../../api/contract.js';
import { unitsTarget } from '../../core/audit-target.js';
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

  r.get(
    '/api/compartments/:id/dependencies',
    {
      schema: {
        tags,
        summary: "The dependencies between the compartment's units and the order systemd starts them in",
        description:
          'From the files its desired state renders: [Unit] Requires/Requisite/Wants/BindsTo/PartOf/After/Before, the ' +
          "dependencies Quadlet's generator adds (Image=, Network=, Volume=, Mount=, Pod=), [Install] WantedBy of the " +
          "compartment's target and timers. Edges after a Notify=healthy container are health gates; references to " +
          'Quadlet files the compartment lacks are `missing`, ordering cycles are listed in `cycles`.',
        params: CompartmentParams,
        response: { 200: UnitGraphSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => app.compartments.dependencies(req.params.id),
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
          {
            action: `unit.${action}`,
            target: unitsTarget(id, names),
            details: { units: names.length ? names : 'all' },
          },
          () => app.compartments.control(id, action, names),
        );
        return { units: unitDtos(units) };
      } finally {
        overview.invalidate(id);
      }
    },
  );
};
