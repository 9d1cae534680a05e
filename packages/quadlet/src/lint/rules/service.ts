/**
 * The [Service] and [Install] settings Quadlet constrains or overrides, and advice for user units.
 */
import type { UnitContext } from '../context';

/** Unit types whose generated service Quadlet runs with KillMode mixed/control-group only. */
const KILLMODE_CHECKED = new Set(['container', 'kube']);

export function checkService(ctx: UnitContext): void {
  if (KILLMODE_CHECKED.has(ctx.type)) {
    const killMode = ctx.last('Service', 'KillMode');
    if (killMode && killMode.value !== 'mixed' && killMode.value !== 'control-group') {
      ctx.report({
        code: 'invalid-service-setting',
        node: killMode,
        message: `KillMode=${killMode.value} is refused by Quadlet for .${ctx.type} units: use mixed (the default) or control-group.`,
      });
    }
    const type = ctx.last('Service', 'Type');
    if (type && type.value !== 'notify' && type.value !== 'oneshot') {
      ctx.report({
        code: 'invalid-service-setting',
        node: type,
        message: `Type=${type.value} is refused by Quadlet for .${ctx.type} units: use notify (the default) or oneshot.`,
      });
    }
  }
  if (ctx.type === 'pod') {
    const type = ctx.last('Service', 'Type');
    if (type) {
      ctx.report({
        code: 'ignored-key',
        node: type,
        message: 'Quadlet runs pods with Type=forking and overrides this setting.',
      });
    }
  }
  checkServiceUser(ctx);
  for (const e of ctx.all('Service', 'ExecStart')) {
    ctx.report({
      code: 'conflict-at-start',
      node: e,
      message:
        'Quadlet writes ExecStart itself; a second ExecStart makes systemd refuse the service. Use Exec= instead.',
    });
  }
  checkInstall(ctx);
}

/** User=, Group= and DynamicUser= in [Service]: from 5.6 on the generator warns about each in any unit type;
 * a user's (rootless) systemd manager cannot run the service as another user at all. */
function checkServiceUser(ctx: UnitContext): void {
  const warns = ctx.atLeast('5.6');
  for (const key of ['User', 'Group', 'DynamicUser']) {
    const e = ctx.last('Service', key);
    if (!e) continue;
    if (ctx.set.scope === 'user' && key === 'User') {
      ctx.report({
        code: 'conflict-at-start',
        node: e,
        severity: 'warning',
        message:
          'User= in [Service] does not work in a rootless (user) unit; run the container as another user with User= in the Quadlet section.',
      });
    } else if (warns) {
      ctx.report({
        code: 'conflict-at-start',
        node: e,
        severity: 'warning',
        message: `${key}= in [Service] is not supported by Quadlet: the generator of Podman ${ctx.version} warns that it is used at your own risk. To pick a container's user, use User= and Group= in the Quadlet section.`,
      });
    }
  }
}

function checkInstall(ctx: UnitContext): void {
  if (ctx.set.scope === 'user') checkUserTargets(ctx);
  const hasInstall = ['WantedBy', 'RequiredBy', 'UpheldBy', 'Alias'].some((k) => ctx.last('Install', k));
  if (!hasInstall && ['container', 'kube', 'pod'].includes(ctx.type)) {
    ctx.report({
      code: 'no-install-section',
      message:
        'No [Install] section: the unit starts only when started by hand or pulled in by another unit. Add WantedBy=default.target to start it at boot.',
    });
  }
}

/** A user's (rootless) systemd manager has no multi-user.target or graphical.target. */
function checkUserTargets(ctx: UnitContext): void {
  for (const key of ['WantedBy', 'RequiredBy', 'UpheldBy']) {
    for (const e of ctx.all('Install', key)) {
      for (const target of e.value.split(/\s+/)) {
        if (target === 'multi-user.target' || target === 'graphical.target') {
          ctx.report({
            code: 'user-unit-target',
            node: e,
            message: `${key}=${target}: a user's systemd manager has no ${target}, so the unit will not start at boot. Use default.target.`,
          });
        }
      }
    }
  }
}
