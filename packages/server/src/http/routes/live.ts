/**
 * The live state routes as one route plugin: `/api/events` (SSE), `/api/compartments/:id/logs` (SSE),
 * `/api/compartments/:id/stats` and the container terminal (WebSocket). `liveRoutes` builds the runtime
 * (hub + per-compartment watchers) from the AppContext and stops the watchers when the server closes;
 * `makeLiveRoutes(runtime)` takes a ready one (route tests pass fakes).
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { RouteDeps, RoutePlugin } from '../types.js';
import { eventsRoutes, OpenStreams } from './live-events.js';
import { logsRoutes } from './live-logs.js';
import { createLiveRuntime, type LiveRuntime, type LiveRuntimeOptions } from './live-runtime.js';
import { statsRoutes } from './live-stats.js';
import { terminalRoutes } from './live-terminal.js';

async function register(instance: FastifyInstance, rt: LiveRuntime, deps: RouteDeps): Promise<void> {
  instance.setValidatorCompiler(validatorCompiler);
  instance.setSerializerCompiler(serializerCompiler);
  // the server may have registered the WebSocket plugin already (it must be before this plugin, at the root)
  if (!instance.hasDecorator('websocketServer')) await instance.register(websocket);
  const streams = new OpenStreams();
  instance.addHook('preClose', async () => streams.closeAll());
  await eventsRoutes(instance, rt, deps.guard, streams);
  await logsRoutes(instance, rt, deps.guard, streams);
  await statsRoutes(instance, rt, deps.guard);
  await terminalRoutes(instance, rt, deps.guard, deps.audit);
}

/** The live routes over a given runtime (which the caller owns and closes). */
export const makeLiveRoutes =
  (rt: LiveRuntime): RoutePlugin =>
  (instance, deps) =>
    register(instance, rt, deps);

/** The live routes with watchers of every compartment in the store; they stop when the server closes. */
export const liveRoutesWith =
  (options: LiveRuntimeOptions = {}): RoutePlugin =>
  async (instance, deps) => {
    const rt = createLiveRuntime(deps.app, {
      log: { warn: (msg, fields) => instance.log.warn(fields ?? {}, msg) },
      ...options,
    });
    instance.addHook('onClose', async () => rt.close());
    await register(instance, rt, deps);
  };

export const liveRoutes: RoutePlugin = liveRoutesWith();
