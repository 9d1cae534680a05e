// Notification channels: their kinds and settings, and the zod schemas that check them at the edge (the API
// contract and the CLI use these). Depends on zod alone (the web client imports it through the contract).
//
// Secrets (a webhook's signing secret, an ntfy access token) are write-only: accepted here, stored, used to
// deliver, and never part of what is shown back (`secretSet` says whether one is set).
import { z } from 'zod';
import { NOTIFY_EVENT_KINDS } from './event.js';

export const NOTIFY_CHANNEL_KINDS = ['webhook', 'ntfy', 'email'] as const;
export type NotifyChannelKind = (typeof NOTIFY_CHANNEL_KINDS)[number];

export const NotifyEventKindSchema = z.enum(NOTIFY_EVENT_KINDS);
export const NotifyChannelKindSchema = z.enum(NOTIFY_CHANNEL_KINDS);

/** A channel's name: like a compartment id (lowercase letters, digits, '-', starting with a letter), ≤ 64 chars. */
export const ChannelNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and contain only a-z, 0-9 and -')
  .refine((s) => !s.includes('--'), 'must not contain --')
  .refine((s) => !s.endsWith('-'), 'must not end with -');

/** `*` (events of every compartment and of none) or one compartment's id (that compartment's events only). */
export const ChannelScopeSchema = z
  .string()
  .max(32, 'must be at most 32 characters')
  .regex(/^(\*|[a-z][a-z0-9-]*)$/, 'must be * or a compartment id')
  .meta({ description: 'A compartment id, or `*` for every compartment' });

/** `all` (every kind, including kinds added later) or a list of kinds. */
export const ChannelEventsSchema = z.union([
  z.literal('all'),
  z.array(NotifyEventKindSchema).min(1, 'name at least one event kind, or all').max(NOTIFY_EVENT_KINDS.length),
]);
export type ChannelEvents = z.infer<typeof ChannelEventsSchema>;

/** A channel as the store keeps it: its kind's settings (config) and its secret apart. */
export interface StoredChannelInput {
  name: string;
  kind: NotifyChannelKind;
  scope: string;
  events: ChannelEvents;
  config: Record<string, unknown>;
  secret: string | null;
  enabled: boolean;
}

/** What a change of a stored channel may set (`secret: null` removes it). */
export type StoredChannelPatch = Partial<
  Pick<StoredChannelInput, 'scope' | 'events' | 'config' | 'secret' | 'enabled'>
>;

/** An http(s) URL without user name or password, at most 2048 characters. */
export const ChannelUrlSchema = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .superRefine((s, ctx) => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${s.slice(0, 100)}' is not a URL` });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `must be an http or https URL, not ${u.protocol.replace(/:$/, '')}` });
    }
    if (u.username !== '' || u.password !== '') {
      ctx.addIssue({
        code: 'custom',
        message:
          'must not carry a user name or password (user:pass@host): give a webhook its secret, an ntfy topic its access token in the token field',
      });
    }
  });

/** A secret or token: 1–512 visible ASCII characters (it goes into a header or an HMAC key; no line breaks). */
const secretText = (min: number) =>
  z
    .string()
    .min(min, `must be at least ${min} characters`)
    .max(512, 'must be at most 512 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters only (no spaces or line breaks)');
export const WebhookSecretSchema = secretText(16);
export const NtfyTokenSchema = secretText(1);

/** An e-mail address, strictly: `local@domain.tld`, dot-atom local part, DNS labels; no display name, ≤ 254. */
export const EmailAddressSchema = z
  .string()
  .max(254, 'must be at most 254 characters')
  .regex(
    /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
    'must be a plain address local@domain (no name, no spaces, no line breaks)',
  );

export const NtfyPrioritySchema = z.number().int().min(1).max(5);
export const NtfyTagSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_+-]+$/, 'must be letters, digits, _, + or -');

/** The settings shown back for each kind (secrets never). */
export const WebhookConfigSchema = z.object({ url: ChannelUrlSchema });
export const NtfyConfigSchema = z.object({
  url: ChannelUrlSchema,
  /** 1 (min) … 5 (max); unset: by the event's kind. */
  priority: NtfyPrioritySchema.optional(),
  tags: z.array(NtfyTagSchema).max(10).optional(),
});
export const EmailConfigSchema = z.object({
  to: z.array(EmailAddressSchema).min(1, 'name at least one recipient').max(20),
  from: EmailAddressSchema,
});
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;
export type NtfyConfig = z.infer<typeof NtfyConfigSchema>;
export type EmailConfig = z.infer<typeof EmailConfigSchema>;
export type ChannelConfig = WebhookConfig | NtfyConfig | EmailConfig;

export const CONFIG_SCHEMAS = {
  webhook: WebhookConfigSchema,
  ntfy: NtfyConfigSchema,
  email: EmailConfigSchema,
} as const;

const common = {
  name: ChannelNameSchema,
  scope: ChannelScopeSchema.default('*'),
  events: ChannelEventsSchema.default('all'),
  enabled: z.boolean().default(true),
};

/** What creating a channel takes. */
export const CreateChannelSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('webhook'), url: ChannelUrlSchema, secret: WebhookSecretSchema }).strict(),
  z
    .object({
      ...common,
      kind: z.literal('ntfy'),
      url: ChannelUrlSchema,
      token: NtfyTokenSchema.optional(),
      priority: NtfyPrioritySchema.optional(),
      tags: z.array(NtfyTagSchema).max(10).optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      kind: z.literal('email'),
      to: z.array(EmailAddressSchema).min(1, 'name at least one recipient').max(20),
      from: EmailAddressSchema,
    })
    .strict(),
]);
export type CreateChannelInput = z.input<typeof CreateChannelSchema>;
export type CreateChannel = z.output<typeof CreateChannelSchema>;

/** What changing a channel takes: any of its settings (a kind's own are checked against its kind). `token: null`
 * removes an ntfy token. The name and the kind do not change. */
export const UpdateChannelSchema = z
  .object({
    scope: ChannelScopeSchema.optional(),
    events: ChannelEventsSchema.optional(),
    enabled: z.boolean().optional(),
    url: ChannelUrlSchema.optional(),
    secret: WebhookSecretSchema.optional(),
    token: NtfyTokenSchema.nullable().optional(),
    priority: NtfyPrioritySchema.nullable().optional(),
    tags: z.array(NtfyTagSchema).max(10).optional(),
    to: z.array(EmailAddressSchema).min(1, 'name at least one recipient').max(20).optional(),
    from: EmailAddressSchema.optional(),
  })
  .strict();
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>;

/** A channel as it is shown: settings, never the secret. */
export interface ChannelView {
  name: string;
  kind: NotifyChannelKind;
  scope: string;
  events: ChannelEvents;
  enabled: boolean;
  config: ChannelConfig;
  secretSet: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Whether a channel with this scope and these events receives an event of `kind` about `compartment`. */
export function channelMatches(
  channel: { scope: string; events: ChannelEvents; enabled: boolean },
  event: { kind: string; compartment: string | null },
): boolean {
  if (!channel.enabled) return false;
  if (channel.scope !== '*' && channel.scope !== event.compartment) return false;
  return channel.events === 'all' || (channel.events as readonly string[]).includes(event.kind);
}
