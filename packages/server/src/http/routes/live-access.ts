/**
 * Which compartments a request's principal may view, asked of the guard itself (the auth module owns the
 * rules; this module never re-implements them): the guard's preHandler runs on the request with its route
 * parameters swapped for one naming the compartment (the real request object: the auth module keys what it
 * knows about a request by that object), and a reply that only records whether it was answered. A guard
 * that answers (401/403) or throws means no.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CompartmentId } from '../../core/ids.js';
import type { Guard, Role } from '../types.js';

function recordingReply(): { reply: FastifyReply; answered: () => boolean } {
  let answered = false;
  const reply: FastifyReply = new Proxy({} as FastifyReply, {
    get(_t, prop) {
      if (prop === 'sent') return answered;
      if (prop === 'then') return undefined;
      return (..._args: unknown[]) => {
        if (prop === 'send' || prop === 'redirect' || prop === 'hijack') answered = true;
        return reply;
      };
    },
  });
  return { reply, answered: () => answered };
}

/** True when the guard lets the request through for `role` in `compartment` (undefined: globally). */
export async function guardAllows(
  instance: FastifyInstance,
  guard: Guard,
  req: FastifyRequest,
  role: Role,
  compartment?: CompartmentId,
): Promise<boolean> {
  const handler =
    compartment === undefined ? guard(role, { compartmentParam: false }) : guard(role, { compartmentParam: 'id' });
  const { reply, answered } = recordingReply();
  const params = req.params;
  req.params = compartment === undefined ? {} : { id: compartment };
  try {
    await handler.call(instance, req, reply);
  } catch {
    return false;
  } finally {
    req.params = params;
  }
  return !answered();
}

/** The compartments among `all` the principal may view: 'all' with a global viewer grant, else a set. */
export async function viewable(
  instance: FastifyInstance,
  guard: Guard,
  req: FastifyRequest,
  all: readonly CompartmentId[],
): Promise<'all' | Set<CompartmentId>> {
  if (await guardAllows(instance, guard, req, 'viewer')) return 'all';
  const out = new Set<CompartmentId>();
  for (const id of all) if (await guardAllows(instance, guard, req, 'viewer', id)) out.add(id);
  return out;
}
