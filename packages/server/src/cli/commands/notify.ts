/**
 * Notification channels: `notify list`, `notify add NAME --kind webhook|ntfy|email …`, `notify remove NAME`,
 * `notify enable|disable NAME`, `notify test NAME` (waits for the first attempt; exit 1 unless delivered) and
 * `notify log` (the delivery log). A webhook's secret and an ntfy token are read from stdin only
 * (`--secret-stdin`), never from the command line, and reach no output or audit entry.
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import { InvalidError } from '../../core/errors.js';
import { type ChannelView, CreateChannelSchema, NOTIFY_CHANNEL_KINDS } from '../../core/notify/channel.js';
import { NOTIFY_EVENT_KINDS } from '../../core/notify/event.js';
import type { DeliveryView } from '../../core/service/notifications.js';
import type { DeliveryStatus } from '../../store/notifications.js';
import { audited, type Format, formatOption, print, table, withApp } from '../context.js';
import { secretFromStdin, UsageError } from '../usage.js';

/** The option a field of the input comes from, to name it in an error. */
const OPTION_OF: Record<string, string> = {
  name: 'NAME',
  kind: '--kind',
  url: '--url',
  secret: 'the secret on stdin',
  token: 'the token on stdin',
  priority: '--priority',
  tags: '--tag',
  to: '--to',
  from: '--from',
  scope: '--scope',
  events: '--events',
};

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  const field = String(i.path[0] ?? '');
  throw new InvalidError(
    `${OPTION_OF[field] ?? (field || 'the channel')}${i.path.length > 1 ? ` (${i.path.slice(1).join('.')})` : ''} ${i.message}`,
  );
}

const eventsText = (e: ChannelView['events']) => (e === 'all' ? 'all' : e.join(','));
const target = (c: ChannelView) =>
  'url' in c.config ? c.config.url : 'to' in c.config ? `${c.config.to.join(',')} (from ${c.config.from})` : '';

function channelsText(rows: readonly ChannelView[]): string {
  if (rows.length === 0) return '(no notification channels)';
  return table([
    ['NAME', 'KIND', 'SCOPE', 'EVENTS', 'ENABLED', 'SECRET', 'TARGET'],
    ...rows.map((c) => [
      c.name,
      c.kind,
      c.scope,
      eventsText(c.events),
      c.enabled ? 'yes' : 'no',
      c.secretSet ? 'set' : '-',
      target(c),
    ]),
  ]);
}

function deliveriesText(rows: readonly DeliveryView[]): string {
  if (rows.length === 0) return '(no deliveries)';
  return table([
    ['TIME', 'CHANNEL', 'EVENT', 'COMPARTMENT', 'STATUS', 'TRIES', 'ERROR'],
    ...rows.map((d) => [
      d.createdAt,
      d.channel,
      d.eventKind,
      d.compartment ?? '-',
      d.status,
      String(d.attempts),
      d.lastError ?? '',
    ]),
  ]);
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface AddOptions {
  kind: string;
  url?: string;
  secretStdin?: boolean;
  priority?: string;
  tag?: string[];
  to?: string[];
  from?: string;
  scope: string;
  events: string;
  disabled?: boolean;
  format: Format;
}

export function registerNotify(program: Command): void {
  const notify = program
    .command('notify')
    .description('Notification channels (webhook, ntfy, e-mail through sendmail) and their delivery log.');

  notify
    .command('list')
    .description('The channels: kind, scope, events, enabled, whether a secret is set (never the secret).')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const rows = app.notifications.list();
        print(opts.format, rows, () => channelsText(rows));
      }),
    );

  notify
    .command('add')
    .description(
      'Add a channel. A webhook needs --url and its signing secret on stdin (--secret-stdin); an ntfy topic --url and, ' +
        'optionally, an access token on stdin; e-mail --to (repeatable) and --from.',
    )
    .argument('<name>', 'the channel name (a-z, 0-9, -)')
    .requiredOption('--kind <kind>', `one of ${NOTIFY_CHANNEL_KINDS.join(', ')}`)
    .option('--url <url>', 'the webhook URL or the ntfy topic URL (http or https, no user:password@)')
    .option('--secret-stdin', "read the webhook's secret or the ntfy token from stdin (never on the command line)")
    .option('--priority <1-5>', 'ntfy: the priority of every message (default: by the event)')
    .option('--tag <tag>', 'ntfy: a tag (repeatable; default: by the event)', collect)
    .option('--to <address>', 'e-mail: a recipient (repeatable)', collect)
    .option('--from <address>', 'e-mail: the sender')
    .option('--scope <scope>', 'a compartment id, or * for every compartment', '*')
    .option('--events <kinds>', `all, or a comma-separated list of: ${NOTIFY_EVENT_KINDS.join(', ')}`, 'all')
    .option('--disabled', 'add it disabled')
    .addOption(formatOption())
    .action(async (name: string, opts: AddOptions, cmd: Command) => {
      const secret = opts.secretStdin ? secretFromStdin() : undefined;
      if (opts.kind === 'webhook' && secret === undefined)
        throw new UsageError("give the webhook's secret on stdin with --secret-stdin");
      if (opts.kind === 'email' && secret !== undefined) throw new UsageError('an e-mail channel has no secret');
      const input = parse(CreateChannelSchema, {
        name,
        kind: opts.kind,
        scope: opts.scope,
        events: opts.events === 'all' ? 'all' : opts.events.split(',').filter(Boolean),
        enabled: !opts.disabled,
        ...(opts.url !== undefined ? { url: opts.url } : {}),
        ...(secret !== undefined ? (opts.kind === 'ntfy' ? { token: secret } : { secret }) : {}),
        ...(opts.priority !== undefined ? { priority: Number(opts.priority) } : {}),
        ...(opts.tag ? { tags: opts.tag } : {}),
        ...(opts.to ? { to: opts.to } : {}),
        ...(opts.from !== undefined ? { from: opts.from } : {}),
      });
      await withApp(cmd, async (app) => {
        const { secret: _s, token: _t, ...shown } = input as Record<string, unknown>;
        const c = await audited(
          app,
          {
            action: 'notify.channel.create',
            target: `notify-channel:${name}`,
            details: { ...shown, ...(secret !== undefined ? { secret: 'set' } : {}) },
          },
          async () => app.notifications.create(input),
        );
        print(opts.format, c, () => `Added the ${c.kind} channel ${c.name}.`);
      });
    });

  notify
    .command('remove')
    .description('Remove a channel and its delivery log.')
    .argument('<name>', 'the channel')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      withApp(cmd, async (app) => {
        await audited(app, { action: 'notify.channel.delete', target: `notify-channel:${name}` }, async () =>
          app.notifications.remove(name),
        );
        print('text', null, () => `Removed the channel ${name}.`);
      }),
    );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    notify
      .command(verb)
      .description(enabled ? 'Send events to the channel again.' : 'Send the channel no events (a test still goes).')
      .argument('<name>', 'the channel')
      .action(async (name: string, _opts: unknown, cmd: Command) =>
        withApp(cmd, async (app) => {
          await audited(
            app,
            { action: 'notify.channel.update', target: `notify-channel:${name}`, details: { enabled } },
            async () => app.notifications.update(name, { enabled }),
          );
          print('text', null, () => `${enabled ? 'Enabled' : 'Disabled'} the channel ${name}.`);
        }),
      );
  }

  notify
    .command('test')
    .description(
      'Send a test event to the channel and wait for the first attempt (exit 1 unless it was delivered; a retry it ' +
        'asks for is made by the server).',
    )
    .argument('<name>', 'the channel')
    .addOption(formatOption())
    .action(async (name: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const o = await audited(
          app,
          { action: 'notify.channel.test', target: `notify-channel:${name}` },
          () => app.notifications.sendTest(name, process.env.SUDO_USER || process.env.USER || 'root'),
          (r) => ({
            result: r.status === 'failed' ? 'failed' : 'ok',
            details: { delivery: r.delivery, status: r.status, ...(r.error ? { error: r.error } : {}) },
          }),
        );
        print(opts.format, o, () =>
          o.status === 'delivered'
            ? `Delivered a test to ${name}.`
            : o.status === 'pending'
              ? `The test to ${name} was not delivered (${o.error}); the server retries it.`
              : `The test to ${name} failed: ${o.error}`,
        );
        if (o.status !== 'delivered') process.exitCode = 1;
      }),
    );

  notify
    .command('log')
    .description('The delivery log, newest first: channel, event, compartment, status, tries, the last error.')
    .option('--channel <name>', 'one channel only')
    .option('--status <status>', 'pending, delivered or failed')
    .option('--limit <n>', 'at most this many (1–500)', '50')
    .addOption(formatOption())
    .action(async (opts: { channel?: string; status?: string; limit: string; format: Format }, cmd: Command) => {
      if (opts.status !== undefined && !['pending', 'delivered', 'failed'].includes(opts.status))
        throw new UsageError(`--status must be pending, delivered or failed, not '${opts.status}'`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new UsageError(`--limit must be a whole number from 1 to 500, not '${opts.limit}'`);
      await withApp(cmd, async (app) => {
        const rows = app.notifications.deliveries({
          ...(opts.channel ? { channel: opts.channel } : {}),
          ...(opts.status ? { status: opts.status as DeliveryStatus } : {}),
          limit,
        });
        print(opts.format, rows, () => deliveriesText(rows));
      });
    });
}
