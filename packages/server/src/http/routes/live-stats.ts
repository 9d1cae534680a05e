/**
 * `GET /api/compartments/:id/stats`: CPU (and memory and pids where the host's cgroups give them; null, not 0,
 * where they do not) of the compartment's running containers, one sample.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Guard } from '../types.js';
import type { LiveRuntime } from './live-runtime.js';
import { IdParams, StatsSchema } from './live-schemas.js';

export async function statsRoutes(instance: FastifyInstance, rt: LiveRuntime, guard: Guard): Promise<void> {
  const r = instance.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/compartments/:id/stats',
    {
      schema: {
        tags: ['live'],
        summary: "Resource use of a compartment's running containers (CPU; memory and pids where cgroups allow)",
        params: IdParams,
        response: { 200: StatsSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => rt.stats.stats(rt.compartment(req.params.id)),
  );
}
