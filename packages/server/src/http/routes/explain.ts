/**
 * Explain: what Podman's own Quadlet generator makes of a unit — the podman command lines behind a form —
 * by a dry run as the compartment's user over the set the editor holds. Changes nothing (the generator reads a
 * staging folder that is removed afterwards). Role: viewer of the compartment.
 */
import { getAll, parseUnitFile } from '@quadletman/quadlet';
import { CompartmentParams, ExplainBody, ExplainSchema } from '../../api/contract.js';
import { InvalidError } from '../../core/errors.js';
import { READ_ONLY } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { zodInstance } from './compartments-common.js';

const COMMAND_KEYS = ['ExecStartPre', 'ExecStart', 'ExecReload', 'ExecStop', 'ExecStopPost'];

export const explainRoutes: RoutePlugin = async (instance, { app, guard }) => {
  const r = zodInstance(instance);
  r.post(
    '/api/compartments/:id/explain',
    {
      schema: {
        tags: ['units'],
        summary: "The podman command lines Podman's Quadlet generator makes of a unit",
        params: CompartmentParams,
        body: ExplainBody,
        response: { 200: ExplainSchema },
      },
      config: READ_ONLY,
      preHandler: guard('viewer'),
    },
    async (req) => {
      const { unit, files } = req.body;
      if (!(unit in files)) throw new InvalidError(`files has no '${unit}'; send the unit with the set it belongs to.`);
      app.compartments.get(req.params.id);
      const session = await app.host.users.sessionFor(req.params.id);
      const result = await app.host.generator.dryRun(session, files);
      const verdict = result.verdicts.find((v) => v.file === unit);
      const service = verdict?.units[0] ?? null;
      const text = service ? result.units[service] : undefined;
      const commands = text
        ? COMMAND_KEYS.flatMap((key) =>
            getAll(parseUnitFile(text), 'Service', key).map((e) => ({ key, value: e.value })),
          )
        : [];
      const reason =
        verdict?.status === 'error'
          ? verdict.messages.join('; ')
          : verdict?.status === 'ok'
            ? null
            : 'no unit was generated';
      return { unit, ok: verdict?.status === 'ok', reason, service, commands };
    },
  );
};
