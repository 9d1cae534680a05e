/**
 * Notification channels and their delivery log: /api/notifications/* (global admin only). Creating, changing,
 * deleting and testing a channel are audited, with the channel's settings but never its secret (a webhook's
 * signing secret, an ntfy token): those are write-only, and the API shows `secretSet` instead.
 */
import {
  CreateNotifyChannelBody,
  NotifyChannelListSchema,
  NotifyChannelParams,
  NotifyChannelSchema,
  NotifyDeliveryListSchema,
  NotifyDeliveryQuery,
  NotifyTestResultSchema,
  UpdateNotifyChannelBody,
} from '../../api/contract.js';
import type { RoutePlugin } from '../types.js';
import { actorOf, audited, zodInstance } from './compartments-common.js';

/** What the audit log keeps of a channel's input: everything but the secret, and whether one was given. */
function auditDetails(input: Record<string, unknown>): Record<string, unknown> {
  const { secret, token, ...rest } = input;
  return {
    ...rest,
    ...(secret !== undefined ? { secret: 'set' } : {}),
    ...(token !== undefined ? { token: token === null ? 'removed' : 'set' } : {}),
  };
}

export const notificationRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  const admin = guard('admin', { compartmentParam: false });
  const tags = ['notifications'];

  r.get(
    '/api/notifications/channels',
    {
      preHandler: admin,
      schema: { tags, summary: 'Notification channels (no secrets)', response: { 200: NotifyChannelListSchema } },
    },
    async () => ({ channels: app.notifications.list() }),
  );

  r.post(
    '/api/notifications/channels',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Add a notification channel: a webhook, an ntfy topic or e-mail through sendmail',
        description:
          'A webhook is POSTed the event as JSON, signed: `X-Quadletman-Signature: sha256=<hex HMAC-SHA256 of ' +
          '"<X-Quadletman-Timestamp>.<body>" keyed by the secret>`. The secret and an ntfy token are never shown again.',
        body: CreateNotifyChannelBody,
        response: { 201: NotifyChannelSchema },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const channel = await audited(
        audit,
        req,
        {
          action: 'notify.channel.create',
          target: `notify-channel:${b.name}`,
          details: auditDetails(b as Record<string, unknown>),
        },
        () => app.notifications.create(b),
      );
      return reply.status(201).send(channel);
    },
  );

  r.patch(
    '/api/notifications/channels/:id',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Change a channel's settings, enable or disable it, replace its secret",
        params: NotifyChannelParams,
        body: UpdateNotifyChannelBody,
        response: { 200: NotifyChannelSchema },
      },
    },
    async (req) =>
      audited(
        audit,
        req,
        {
          action: 'notify.channel.update',
          target: `notify-channel:${req.params.id}`,
          details: auditDetails(req.body as Record<string, unknown>),
        },
        () => app.notifications.update(req.params.id, req.body),
      ),
  );

  r.delete(
    '/api/notifications/channels/:id',
    {
      preHandler: admin,
      schema: { tags, summary: 'Remove a channel and its delivery log', params: NotifyChannelParams },
    },
    async (req, reply) => {
      await audited(audit, req, { action: 'notify.channel.delete', target: `notify-channel:${req.params.id}` }, () =>
        app.notifications.remove(req.params.id),
      );
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/notifications/channels/:id/test',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Send a test event to the channel and wait for the first attempt',
        description:
          'Sent even when the channel is disabled. A retry, if the first attempt asks for one, goes on later.',
        params: NotifyChannelParams,
        response: { 200: NotifyTestResultSchema },
      },
    },
    async (req) =>
      audited(
        audit,
        req,
        { action: 'notify.channel.test', target: `notify-channel:${req.params.id}` },
        () => app.notifications.sendTest(req.params.id, actorOf(req)),
        (o) => ({
          result: o.status === 'failed' ? 'failed' : 'ok',
          details: { delivery: o.delivery, status: o.status, ...(o.error ? { error: o.error } : {}) },
        }),
      ),
  );

  r.get(
    '/api/notifications/deliveries',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'The delivery log, newest first (the newest 500 per channel are kept)',
        querystring: NotifyDeliveryQuery,
        response: { 200: NotifyDeliveryListSchema },
      },
    },
    async (req) => ({ deliveries: app.notifications.deliveries(req.query) }),
  );
};
