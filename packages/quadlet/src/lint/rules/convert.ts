/**
 * The checks Podman's Quadlet generator makes while converting each unit type: required keys, keys that
 * exclude each other, and values it refuses. A file failing any of these gets no service unit.
 */
import { emptyEntrypointClears } from '../../generator-args';
import { splitWords } from '../../unit-file';
import type { EntryNode } from '../../unit-file/types';
import type { UnitContext } from '../context';
import { isFullyQualifiedImage, podmanBool } from '../values';
import {
  checkImageRef,
  checkMounts,
  checkNetworks,
  checkUnitDependencies,
  checkVolumes,
  reportUnreadable,
} from './references';

const words = (e: EntryNode): string[] => splitWords(e.value).words;
/** Podman's `LookupAllStrv`: the words of every effective assignment. */
const allWords = (ctx: UnitContext, key: string): string[] =>
  ctx.mainAll(key).flatMap((e) => splitWords(e.value, 'strv').words);

function missing(ctx: UnitContext, message: string, key?: string): void {
  ctx.report({ code: 'missing-required-key', message, ...(key ? { key } : {}) });
}

export function checkConversion(ctx: UnitContext): void {
  checkUnitDependencies(ctx);
  switch (ctx.type) {
    case 'container':
      checkContainer(ctx);
      break;
    case 'kube':
      checkKube(ctx);
      break;
    case 'network':
      checkNetwork(ctx);
      break;
    case 'volume':
      checkVolume(ctx);
      break;
    case 'image':
      if (!ctx.mainValue('Image')) missing(ctx, 'An .image unit needs Image= (the image to pull).', 'Image');
      break;
    case 'build':
      checkBuild(ctx);
      break;
    case 'pod':
      checkNetworks(ctx);
      checkVolumes(ctx);
      checkUserMappings(ctx, true);
      break;
    default:
      break;
  }
}

/**
 * `podman auto-update` rolls a unit back only when its restart fails, and a container starts (and its restart
 * succeeds) unless Notify=healthy holds the start until its health check passes: without it, a broken new image
 * stays.
 */
function checkAutoUpdate(ctx: UnitContext): void {
  const auto = ctx.mainLast('AutoUpdate');
  // podman auto-update compares the policy exactly; `image` is the old name of `registry`
  const value = ctx.mainValue('AutoUpdate')?.trim();
  const policy = value === 'image' ? 'registry' : value;
  if (!auto || (policy !== 'registry' && policy !== 'local')) return;
  if (ctx.mainValue('Notify')?.trim().toLowerCase() === 'healthy' && ctx.mainValue('HealthCmd')) return;
  ctx.report({
    code: 'auto-update-without-rollback',
    node: auto,
    message:
      `AutoUpdate=${value} without HealthCmd= and Notify=healthy: podman auto-update rolls back only when the restart fails, and a new image that starts but does not work is kept. ` +
      'Add both, or leave AutoUpdate= out and let quadletman upgrade the unit (updates: apply in its spec): its health gate rolls a failed upgrade back.',
  });
}

function checkContainer(ctx: UnitContext): void {
  const image = ctx.mainLast('Image');
  const rootfs = ctx.mainLast('Rootfs');
  const imageValue = ctx.mainValue('Image');
  const rootfsValue = ctx.mainValue('Rootfs');
  if (!imageValue && !rootfsValue) {
    missing(ctx, 'A .container unit needs Image= (or Rootfs=); the generator rejects the file without one.', 'Image');
  } else if (imageValue && rootfsValue) {
    ctx.report({
      code: 'conflicting-keys',
      node: rootfs,
      message: 'Image= and Rootfs= exclude each other; the generator rejects the file. Keep one.',
    });
  }
  if (image && imageValue) {
    checkImageRef(ctx, image, imageValue);
    if (!isFullyQualifiedImage(imageValue)) {
      ctx.report({
        code: 'short-image-name',
        node: image,
        message: `'${imageValue}' is a short image name: which registry it comes from depends on the host's configuration. Name it fully (registry/name:tag).`,
      });
    }
  }
  checkAutoUpdate(ctx);
  const reloadCmd = ctx.mainLast('ReloadCmd');
  const reloadSignal = ctx.mainLast('ReloadSignal');
  if (reloadCmd && splitWords(reloadCmd.value).words.length > 0 && reloadSignal && ctx.mainValue('ReloadSignal')) {
    ctx.report({
      code: 'conflicting-keys',
      node: reloadSignal,
      message: 'ReloadCmd= and ReloadSignal= exclude each other; the generator rejects the file.',
    });
  }
  checkNetworks(ctx);
  const group = ctx.mainLast('Group');
  if (group && ctx.mainValue('Group') && !ctx.mainValue('User')) {
    ctx.report({
      code: 'conflicting-keys',
      node: group,
      message: 'Group= needs User= as well; the generator rejects the file.',
    });
  }
  checkUserMappings(ctx, true);
  checkVolumes(ctx);
  for (const e of ctx.mainAll('ExposeHostPort')) {
    if (!/\d+(-\d+)?(\/udp|\/tcp)?$/.test(e.value.trim())) {
      ctx.report({
        code: 'invalid-value',
        node: e,
        message: `ExposeHostPort=${e.value} is not a port or range like 8080, 8000-8010 or 53/udp; the generator rejects the file.`,
      });
    }
  }
  checkMounts(ctx, words);
  checkPod(ctx);
  checkContainerSilent(ctx);
}

function checkPod(ctx: UnitContext): void {
  const pod = ctx.mainLast('Pod');
  const podName = ctx.mainValue('Pod');
  if (pod && podName) {
    if (!podName.endsWith('.pod')) {
      ctx.report({
        code: 'not-quadlet-reference',
        node: pod,
        message: `Pod=${podName} must name a .pod unit of the set (like app.pod); the generator rejects the file.`,
      });
    } else if (!ctx.set.units.has(podName)) {
      if (reportUnreadable(ctx, pod, podName)) return;
      ctx.report({
        code: 'missing-reference',
        node: pod,
        message: `Pod= names '${podName}', but the set has no such unit, so the generator rejects the file.`,
      });
    } else {
      for (const e of ctx.mainAll('PublishPort')) {
        ctx.report({
          code: 'conflict-at-start',
          node: e,
          message:
            'A container in a pod cannot publish ports; podman refuses to start it. Publish the port in the .pod unit.',
        });
      }
    }
  } else {
    const startWithPod = ctx.mainLast('StartWithPod');
    if (startWithPod) {
      ctx.report({ code: 'ignored-key', node: startWithPod, message: 'StartWithPod= has no effect without Pod=.' });
    }
  }
}

/** What the container converter accepts but does not do as written. */
function checkContainerSilent(ctx: UnitContext): void {
  const notify = ctx.mainLast('Notify');
  if (notify?.value.toLowerCase() === 'healthy' && !ctx.mainValue('HealthCmd')) {
    ctx.report({
      code: 'conflict-at-start',
      node: notify,
      severity: 'warning',
      message:
        'Notify=healthy waits for a health check, but there is no HealthCmd=: the container never reports ready and the start times out.',
    });
  }
  const entrypoint = ctx.mainLast('Entrypoint');
  if (entrypoint && ctx.mainValue('Entrypoint') === '' && !emptyEntrypointClears(ctx.version)) {
    ctx.report({
      code: 'ignored-key',
      node: entrypoint,
      message: `An empty Entrypoint= is ignored before Podman 5.8: the image's entrypoint stays. Entrypoint=[] clears it.`,
    });
  }
  const volatile = ctx.mainLast('VolatileTmp');
  const readOnly = ctx.mainLast('ReadOnly');
  if (volatile && podmanBool(volatile.value) && readOnly && podmanBool(readOnly.value)) {
    ctx.report({
      code: 'ignored-key',
      node: volatile,
      message: 'VolatileTmp= is ignored when ReadOnly= is on (podman mounts a tmpfs on /tmp by itself then).',
    });
  }
  if (ctx.mainAll('PublishPort').length > 0) {
    const host = ctx.mainAll('Network').find((e) => e.value === 'host' || e.value === 'none');
    if (host) {
      ctx.report({
        code: 'ignored-key',
        node: host,
        message: `With Network=${host.value} published ports are ignored.`,
      });
    }
  }
}

/** UserNS/UIDMap/GIDMap/SubUIDMap/SubGIDMap against the deprecated Remap* keys. */
function checkUserMappings(ctx: UnitContext, supportManual: boolean): void {
  const explicit =
    !!ctx.mainValue('UserNS') ||
    allWords(ctx, 'UIDMap').length > 0 ||
    allWords(ctx, 'GIDMap').length > 0 ||
    !!ctx.mainValue('SubUIDMap') ||
    !!ctx.mainValue('SubGIDMap');
  const remapUid = ctx.mainLast('RemapUid');
  const remapGid = ctx.mainLast('RemapGid');
  const remapUsers = ctx.mainLast('RemapUsers');
  const reject = (node: EntryNode | undefined, message: string) =>
    ctx.report({ code: 'conflicting-keys', message, ...(node ? { node } : {}) });
  if (explicit) {
    const remap = remapUid ?? remapGid ?? remapUsers;
    if (remap)
      reject(
        remap,
        `${remap.key}= (deprecated) cannot be combined with UserNS=/UIDMap=/GIDMap=/SubUIDMap=/SubGIDMap=.`,
      );
    return;
  }
  const uids = allWords(ctx, 'RemapUid');
  const gids = allWords(ctx, 'RemapGid');
  switch (remapUsers?.value ?? '') {
    case '':
      if (uids.length > 0) reject(remapUid, 'RemapUid= needs RemapUsers=; the generator rejects the file.');
      else if (gids.length > 0) reject(remapGid, 'RemapGid= needs RemapUsers=; the generator rejects the file.');
      return;
    case 'manual':
      if (!supportManual) reject(remapUsers, `RemapUsers=manual is not supported in .${ctx.type} units.`);
      return;
    case 'auto':
      return;
    case 'keep-id':
      if (uids.length > 1) reject(remapUid, 'RemapUsers=keep-id takes a single RemapUid= value.');
      else if (gids.length > 1) reject(remapGid, 'RemapUsers=keep-id takes a single RemapGid= value.');
      return;
    default:
      ctx.report({
        code: 'invalid-value',
        node: remapUsers!,
        message: `RemapUsers=${remapUsers!.value} is not one of manual, auto, keep-id; the generator rejects the file.`,
      });
  }
}

function checkKube(ctx: UnitContext): void {
  // Up to 5.6 the generator reads the last Yaml= value; from 5.7 on every word of every Yaml= line
  // (LookupAllStrv: an empty line clears the list, a quoted empty word adds nothing).
  const yamls = ctx.atLeast('5.7') ? allWords(ctx, 'Yaml').length > 0 : !!ctx.mainValue('Yaml');
  if (!yamls) missing(ctx, 'A .kube unit needs Yaml= (the Kubernetes YAML file to play).', 'Yaml');
  checkUserMappings(ctx, false);
  checkNetworks(ctx);
  checkWorkingDirectory(ctx);
}

/** SetWorkingDirectory=: yaml (kube), file (build), unit, or — in .build units only — a path or URL. */
function checkWorkingDirectory(ctx: UnitContext): string | undefined {
  const swd = ctx.mainLast('SetWorkingDirectory');
  const raw = ctx.mainValue('SetWorkingDirectory');
  if (!swd || !raw) return undefined;
  const v = raw.toLowerCase();
  const bad = (message: string) => ctx.report({ code: 'invalid-value', node: swd, message });
  if (v === 'yaml') {
    if (ctx.type !== 'kube') bad('SetWorkingDirectory=yaml is only for .kube units; the generator rejects the file.');
    else if (!ctx.atLeast('5.7')) {
      if (ctx.mainLast('Yaml') === undefined) bad('SetWorkingDirectory=yaml needs Yaml=.');
    } else {
      // From 5.7 on Yaml= takes several files; the working directory can follow only one.
      const yamls = allWords(ctx, 'Yaml');
      if (yamls.length === 0) bad('SetWorkingDirectory=yaml needs Yaml=.');
      else if (yamls.length > 1)
        bad(
          `SetWorkingDirectory=yaml needs a single Yaml= file, and there are ${yamls.length}; the generator rejects the file.`,
        );
    }
    return undefined;
  }
  if (v === 'file') {
    if (ctx.type !== 'build') bad('SetWorkingDirectory=file is only for .build units; the generator rejects the file.');
    else if (ctx.mainLast('File') === undefined)
      bad('SetWorkingDirectory=file needs File=; the generator rejects the file.');
    return undefined;
  }
  if (v === 'unit') return undefined;
  if (ctx.type !== 'build') {
    bad(`SetWorkingDirectory=${raw} is not one of yaml, unit; the generator rejects the file.`);
    return undefined;
  }
  return raw;
}

function checkNetwork(ctx: UnitContext): void {
  const subnets = ctx.mainAll('Subnet');
  const gateways = ctx.mainAll('Gateway');
  const ranges = ctx.mainAll('IPRange');
  const reject = (node: EntryNode, message: string) => ctx.report({ code: 'conflicting-keys', node, message });
  if (subnets.length > 0) {
    if (gateways.length > subnets.length)
      reject(gateways[subnets.length]!, 'There are more Gateway= than Subnet= lines; the generator rejects the file.');
    if (ranges.length > subnets.length)
      reject(ranges[subnets.length]!, 'There are more IPRange= than Subnet= lines; the generator rejects the file.');
  } else {
    const first = gateways[0] ?? ranges[0];
    if (first) reject(first, `${first.key}= needs a Subnet=; the generator rejects the file.`);
  }
}

function checkVolume(ctx: UnitContext): void {
  const driver = ctx.mainLast('Driver');
  if (driver && ctx.mainValue('Driver') === 'image') {
    const image = ctx.mainLast('Image');
    if (!image) missing(ctx, 'Driver=image needs Image= (the image to mount).', 'Image');
    else checkImageRef(ctx, image, ctx.mainValue('Image') ?? '');
    return;
  }
  const device = ctx.mainValue('Device');
  // From 6.0 on Options= applies without a Device= too.
  for (const key of ctx.atLeast('6.0') ? ['Type'] : ['Type', 'Options']) {
    const e = ctx.mainLast(key);
    if (e && ctx.mainValue(key) && !device) {
      ctx.report({
        code: 'conflicting-keys',
        node: e,
        message: `${key}= needs Device=; the generator rejects the file.`,
      });
    }
  }
  for (const key of ['User', 'Group']) {
    const e = ctx.mainLast(key);
    if (e && !/^\d+$/.test(e.value)) {
      ctx.report({
        code: 'suspicious-value',
        node: e,
        message: `${key}=${e.value} in a .volume must be a numeric id; Podman reads '${e.value}' as 0 (root).`,
      });
    }
  }
}

/** Whether a path starts with a systemd specifier (`%h/…`; `%%` is a literal percent sign). */
const startsWithSpecifier = (path: string): boolean => path.startsWith('%') && !path.startsWith('%%');

const URL = /^((https?)|(git)):\/\/|^github\.com\/.+$/;

function checkBuild(ctx: UnitContext): void {
  const tags = ctx.mainAll('ImageTag');
  if (tags.length === 0 || !tags[0]!.value) {
    missing(ctx, 'A .build unit needs ImageTag= (the name of the image it builds).', 'ImageTag');
  }
  checkNetworks(ctx);
  checkVolumes(ctx);
  const context = checkWorkingDirectory(ctx);
  const swd = ctx.mainValue('SetWorkingDirectory')?.toLowerCase();
  const file = ctx.mainValue('File');
  const serviceWd = ctx.value('Service', 'WorkingDirectory');
  // The generator sets the service's working directory for SetWorkingDirectory=unit, =file and relative paths.
  const workingDir =
    !!serviceWd ||
    swd === 'unit' ||
    (swd === 'file' && !!ctx.mainValue('File')) ||
    (context !== undefined && !context.startsWith('/') && !URL.test(context));
  if (!workingDir && !file && !context) {
    missing(ctx, 'A .build unit needs File= or SetWorkingDirectory= (where the build context is).', 'File');
    return;
  }
  // From 5.7 on a File= that starts with a systemd specifier (%h/…) counts as absolute.
  const absolute = file?.startsWith('/') || (ctx.atLeast('5.7') && startsWithSpecifier(file ?? ''));
  if (!context && file && !absolute && !URL.test(file) && !workingDir) {
    const message = startsWithSpecifier(file)
      ? `Podman ${ctx.version} takes a File= starting with a specifier as relative (from 5.7 on it counts as absolute), and a relative File= needs SetWorkingDirectory=; the generator rejects the file.`
      : 'A relative File= needs SetWorkingDirectory= to say what it is relative to; the generator rejects the file.';
    ctx.report({ code: 'missing-required-key', node: ctx.mainLast('File')!, message });
  }
}
