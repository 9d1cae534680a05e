/**
 * The desired state and its changes: the spec (get, replace), plan, apply, history (with the live revision), one
 * revision, what a roll back to it would change, roll back.
 *
 * Apply progress: `POST /api/compartments/:id/apply` (and `PUT …/spec`, `POST …/rollback`) answer with the
 * apply result as JSON — or, when the request says `Accept: text/event-stream`, with a stream of the apply
 * itself: one `progress` event per step (`{step, status, message}`), then one `result` event carrying the
 * same JSON the plain answer would have (or one `error` event in the error shape when the apply threw after
 * the stream began), then the stream ends. The request is checked (spec, compartment, role) before the stream
 * begins, so those errors keep their status. One request, no apply id to correlate: the web client reads it
 * with fetch and a stream reader; curl with `-N -H 'accept: text/event-stream'`.
 *
 * Roles: viewer reads, plans and sees revisions; operator applies and rolls back. Applying never creates a
 * compartment (creating one is an admin's `POST /api/compartments`).
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApplyBodySchema,
  type ApplyResultDto,
  ApplyResultSchema,
  CompartmentParams,
  HistoryQuery,
  HistorySchema,
  PlanResultSchema,
  RevisionDetailSchema,
  RevisionParams,
  type RevisionSummaryDto,
  RollbackBodySchema,
  SpecDocumentSchema,
  SpecInputSchema,
  UpgradableListSchema,
  UpgradeBodySchema,
} from '../../api/contract.js';
import type { AppContext } from '../../app.js';
import type { ApplyOptions, ApplyResult, ProgressEvent } from '../../core/apply/engine.js';
import { compartmentTarget, inCompartment, unitsTarget } from '../../core/audit-target.js';
import { InvalidError, isAppError } from '../../core/errors.js';
import { type DesiredState, parseSpecText, specToYaml, toSpec, validateSpec } from '../../core/spec.js';
import { READ_ONLY } from '../audit.js';
import { appErrorBody, errorBody } from '../errors.js';
import type { Audit, RoutePlugin } from '../types.js';
import { actorOf, applyAuditResult, applyDto, audited, zodInstance } from './compartments-common.js';
import { overviewOf } from './compartments-overview.js';

const tags = ['apply'];
const SPEC_BODY_LIMIT = 16 * 1024 * 1024;

/** The spec of a request body, checked against the compartment of the path. */
function specOf(id: string, body: { spec?: Record<string, unknown> | undefined; text?: string | undefined }) {
  let state: DesiredState | undefined;
  if (body.text !== undefined) state = parseSpecText(body.text, 'body.text');
  else if (body.spec !== undefined) state = validateSpec(body.spec);
  if (state && state.id !== id) {
    throw new InvalidError(`The spec is for compartment '${state.id}', not '${id}'.`, {
      details: { path: 'compartment', expected: id, got: state.id },
    });
  }
  return state;
}

const wantsStream = (req: FastifyRequest) => (req.headers.accept ?? '').includes('text/event-stream');

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Runs an apply-like operation and answers: JSON, or the event stream of its progress (see the header).
 * Audits the outcome either way.
 */
async function answerApply(
  app: AppContext,
  audit: Audit,
  req: FastifyRequest,
  reply: FastifyReply,
  entry: { action: string; id: string; target?: string; details?: Record<string, unknown> },
  run: (options: ApplyOptions) => Promise<ApplyResult>,
): Promise<ApplyResultDto | undefined> {
  const overview = overviewOf(app);
  // the target: the one given, else the revision the apply makes (the compartment when it makes none)
  const auditEntry = {
    action: entry.action,
    target: entry.target ?? compartmentTarget(entry.id),
    details: entry.details ?? {},
  };
  const auditResult = applyAuditResult(entry.id, entry.target);
  const options: ApplyOptions = { actor: actorOf(req) };
  if (!wantsStream(req)) {
    try {
      const r = await audited(audit, req, auditEntry, () => run(options), auditResult);
      return applyDto(r);
    } finally {
      overview.invalidate(entry.id);
    }
  }
  const stream = new PassThrough();
  void reply
    .status(200)
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache, no-transform')
    .header('x-accel-buffering', 'no')
    .send(stream);
  stream.write(': apply\n\n');
  const onProgress = (e: ProgressEvent) => stream.write(sse('progress', e));
  try {
    const r = await audited(audit, req, auditEntry, () => run({ ...options, onProgress }), auditResult);
    stream.write(sse('result', applyDto(r)));
  } catch (err) {
    if (!isAppError(err)) req.log.error({ err }, 'apply failed');
    stream.write(
      sse(
        'error',
        isAppError(err)
          ? appErrorBody(err, req)
          : errorBody('internal', 'Internal error; the server log has the details.'),
      ),
    );
  } finally {
    overview.invalidate(entry.id);
    stream.end();
  }
  return undefined; // (the answer is the stream, already sent)
}

export const applyRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);

  r.get(
    '/api/compartments/:id/spec',
    {
      schema: {
        tags,
        summary: 'The desired state, as a spec (JSON) and as YAML',
        params: CompartmentParams,
        response: { 200: SpecDocumentSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => {
      const state = app.compartments.state(req.params.id);
      return { spec: toSpec(state), yaml: specToYaml(state) };
    },
  );

  r.put(
    '/api/compartments/:id/spec',
    {
      schema: {
        tags,
        summary: 'Replace the desired state with a spec (JSON object or YAML text) and apply it',
        description:
          'The same as POST …/apply with a spec: the store keeps the new state only when the host matches it. ' +
          'Accepts `application/yaml` bodies. `Accept: text/event-stream` streams progress.',
        params: CompartmentParams,
        body: SpecInputSchema,
        response: { 200: ApplyResultSchema },
      },
      bodyLimit: SPEC_BODY_LIMIT,
      preHandler: guard('operator'),
    },
    async (req, reply) => {
      const { id } = req.params;
      const state = specOf(id, req.body)!;
      app.compartments.get(id);
      return answerApply(app, audit, req, reply, { action: 'compartment.apply', id }, (o) =>
        app.compartments.applyState(state, { ...o, create: false }),
      );
    },
  );

  r.get(
    '/api/compartments/:id/plan',
    {
      schema: {
        tags,
        summary: 'What applying the stored desired state would change on the host',
        params: CompartmentParams,
        response: { 200: PlanResultSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => app.compartments.plan(req.params.id),
  );

  r.post(
    '/api/compartments/:id/plan',
    {
      schema: {
        tags,
        summary: 'What applying this spec would change on the host (nothing is changed)',
        params: CompartmentParams,
        body: SpecInputSchema,
        response: { 200: PlanResultSchema },
      },
      config: READ_ONLY,
      bodyLimit: SPEC_BODY_LIMIT,
      preHandler: guard('viewer'),
    },
    async (req) => app.compartments.plan(req.params.id, specOf(req.params.id, req.body)),
  );

  r.post(
    '/api/compartments/:id/apply',
    {
      schema: {
        tags,
        summary: 'Apply a spec (or the stored desired state again): plan, validate, write, start, verify',
        description:
          'Answers 200 with the result whatever its outcome (applied, noop, refused, rolled-back, failed). ' +
          '`Accept: text/event-stream` streams `progress` events, then a `result` event. ' +
          'Accepts `application/yaml` bodies. With `wait: false`, answers 409 when another apply runs.',
        params: CompartmentParams,
        body: ApplyBodySchema.nullish(),
        response: { 200: ApplyResultSchema },
      },
      bodyLimit: SPEC_BODY_LIMIT,
      preHandler: guard('operator'),
    },
    async (req, reply) => {
      const { id } = req.params;
      const body = req.body ?? {};
      const state = specOf(id, body) ?? app.compartments.state(id);
      app.compartments.get(id);
      const wait = body.wait ?? true;
      return answerApply(app, audit, req, reply, { action: 'compartment.apply', id }, (o) =>
        app.compartments.applyState(state, { ...o, wait, create: false }),
      );
    },
  );

  r.get(
    '/api/compartments/:id/revisions',
    {
      schema: {
        tags,
        summary: 'The revisions of a compartment, newest first: who applied what, when, and the result',
        params: CompartmentParams,
        querystring: HistoryQuery,
        response: { 200: HistorySchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({
      revisions: app.compartments.history(req.params.id, {
        ...(req.query.limit ? { limit: req.query.limit } : {}),
      }) as RevisionSummaryDto[],
      live: app.compartments.liveRevision(req.params.id),
    }),
  );

  r.get(
    '/api/compartments/:id/revisions/:number',
    {
      schema: {
        tags,
        summary: 'One revision: its spec, every file it rendered and its diff against what was on disk',
        params: RevisionParams,
        response: { 200: RevisionDetailSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => app.resources.revision(req.params.id, req.params.number) as never,
  );

  r.get(
    '/api/compartments/:id/revisions/:number/rollback-plan',
    {
      schema: {
        tags,
        summary: 'What rolling back to this revision would change on the host (nothing is changed)',
        description:
          "The plan of the revision's desired state against the files on the host now: the files added, changed " +
          'and removed, the units started, restarted and stopped — what `POST …/rollback` applies.',
        params: RevisionParams,
        response: { 200: PlanResultSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => app.compartments.rollbackPlan(req.params.id, req.params.number),
  );

  r.get(
    '/api/compartments/:id/upgradable',
    {
      schema: {
        tags,
        summary: 'The units whose image comes from a registry (what an upgrade can move), with pins and update modes',
        params: CompartmentParams,
        response: { 200: UpgradableListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => ({ units: app.upgrades.upgradable(req.params.id) }),
  );

  r.post(
    '/api/compartments/:id/upgrade',
    {
      schema: {
        tags,
        summary:
          'Upgrade units to newer images: pull, restart, health gate (healthy for the settle window), automatic roll back to the exact previous image',
        params: CompartmentParams,
        body: UpgradeBodySchema,
        response: { 200: ApplyResultSchema },
      },
      preHandler: guard('operator'),
    },
    async (req, reply) => {
      const { id } = req.params;
      const { units, to, backup, wait } = req.body;
      app.compartments.get(id);
      return answerApply(
        app,
        audit,
        req,
        reply,
        {
          action: 'compartment.upgrade',
          id,
          target: unitsTarget(id, units ?? []),
          details: { units: units ?? [], ...(to ? { to } : {}), ...(backup === false ? { backup } : {}) },
        },
        (o) =>
          app.upgrades.upgrade(
            id,
            { ...(units ? { units } : {}), ...(to ? { to } : {}), ...(backup === false ? { backup } : {}) },
            { ...o, wait: wait ?? true },
          ),
      );
    },
  );

  r.post(
    '/api/compartments/:id/rollback',
    {
      schema: {
        tags,
        summary: "Return to an earlier revision's desired state (applied as a new revision)",
        params: CompartmentParams,
        body: RollbackBodySchema,
        response: { 200: ApplyResultSchema },
      },
      preHandler: guard('operator'),
    },
    async (req, reply) => {
      const { id } = req.params;
      const { revision, wait } = req.body;
      app.compartments.get(id);
      return answerApply(
        app,
        audit,
        req,
        reply,
        {
          action: 'compartment.rollback',
          id,
          target: inCompartment(id, 'revision', revision),
          details: { to: revision },
        },
        (o) => app.compartments.rollback(id, revision, { ...o, wait: wait ?? true }),
      );
    },
  );
};
