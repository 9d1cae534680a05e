/**
 * systemd's `[Unit]` section (systemd.unit(5), systemd 257): description, dependencies, conditions, limits.
 */
import { list, sk } from './define';
import type { SystemdKeyDef, SystemdSectionDef } from './types';

const JOB_MODES = [
  'fail',
  'replace',
  'replace-irreversibly',
  'isolate',
  'flush',
  'ignore-dependencies',
  'ignore-requirements',
];
const ACTIONS = [
  'none',
  'reboot',
  'reboot-force',
  'reboot-immediate',
  'poweroff',
  'poweroff-force',
  'poweroff-immediate',
  'exit',
  'exit-force',
  'soft-reboot',
  'soft-reboot-force',
  'kexec',
  'kexec-force',
  'halt',
  'halt-force',
  'halt-immediate',
];

/** Condition and assertion checks: `Condition<X>=` skips the unit, `Assert<X>=` fails it. */
const CHECKS: readonly [string, string][] = [
  ['Architecture', 'the CPU architecture'],
  ['Firmware', 'the firmware type or an SMBIOS field'],
  ['Virtualization', 'the virtualization or container technology'],
  ['Host', 'the host name or machine ID'],
  ['KernelCommandLine', 'a kernel command line option'],
  ['KernelVersion', 'the kernel release'],
  ['Credential', 'a credential passed to the service manager'],
  ['Environment', 'an environment variable of the service manager'],
  ['Security', 'an active security technology (selinux, apparmor…)'],
  ['Capability', 'a capability in the manager bounding set'],
  ['ACPower', 'whether the machine is on AC power'],
  ['NeedsUpdate', 'whether /etc or /var needs an update after /usr changed'],
  ['FirstBoot', 'whether this is the first boot'],
  ['PathExists', 'the existence of a path'],
  ['PathExistsGlob', 'a path glob matching something'],
  ['PathIsDirectory', 'a path being a directory'],
  ['PathIsSymbolicLink', 'a path being a symlink'],
  ['PathIsMountPoint', 'a path being a mount point'],
  ['PathIsReadWrite', 'a path being on a writable filesystem'],
  ['PathIsEncrypted', 'a path being on encrypted storage'],
  ['DirectoryNotEmpty', 'a directory having entries'],
  ['FileNotEmpty', 'a file being non-empty'],
  ['FileIsExecutable', 'a file being executable'],
  ['User', 'the user the manager runs as'],
  ['Group', 'the group of the manager'],
  ['ControlGroupController', 'an available cgroup controller'],
  ['Memory', 'the amount of physical memory'],
  ['CPUs', 'the number of CPUs'],
  ['CPUFeature', 'a CPU feature flag'],
  ['OSRelease', 'a field of os-release'],
  ['MemoryPressure', 'the memory pressure level'],
  ['CPUPressure', 'the CPU pressure level'],
  ['IOPressure', 'the IO pressure level'],
];

/** Checks that systemd 257 offers only as a condition, without the `Assert` form. */
const CONDITION_ONLY = new Set(['Firmware']);

const checks: SystemdKeyDef[] = CHECKS.flatMap(([name, what]) => [
  list(`Condition${name}`, 'string', `Skips the unit quietly unless ${what} matches.`),
  ...(CONDITION_ONLY.has(name) ? [] : [list(`Assert${name}`, 'string', `Fails the start unless ${what} matches.`)]),
]);

const OLD_NAME = (replacement: string) => `Old name systemd still reads; use ${replacement}.`;
const IGNORED = 'Obsolete: systemd parses it and ignores it.';

export const UNIT_SECTION: SystemdSectionDef = {
  name: 'Unit',
  keys: [
    sk('Description', 'string', 'Human-readable name shown by systemctl and in logs.'),
    list('Documentation', 'words', 'URIs of documentation (http, https, file, info, man).'),
    list('Wants', 'words', 'Units started along with this one; their failure is tolerated.'),
    list('Requires', 'words', 'Units started along with this one; if they fail, so does this one.'),
    list('Requisite', 'words', 'Units that must already be active, or this one fails at once.'),
    list('BindsTo', 'words', 'Like Requires=, and also stops this unit when those stop.'),
    list('PartOf', 'words', 'Units whose stop and restart also stop and restart this one.'),
    list('Upholds', 'words', 'Units kept running (restarted when they stop) while this one is active.'),
    list('Conflicts', 'words', 'Units stopped when this one starts, and the other way round.'),
    list('Before', 'words', 'Units that start after this one (ordering only).'),
    list('After', 'words', 'Units this one starts after (ordering only).'),
    list('OnFailure', 'words', 'Units activated when this one fails.'),
    list('OnSuccess', 'words', 'Units activated when this one finishes successfully.'),
    list('PropagatesReloadTo', 'words', 'Units reloaded whenever this one is reloaded.'),
    list('ReloadPropagatedFrom', 'words', 'Units whose reload also reloads this one.'),
    list('PropagatesStopTo', 'words', 'Units stopped whenever this one is stopped.'),
    list('StopPropagatedFrom', 'words', 'Units whose stop also stops this one.'),
    list('JoinsNamespaceOf', 'words', 'Units whose tmp, network or IPC namespaces this one shares.'),
    list('RequiresMountsFor', 'words', 'Paths whose mount units are required and ordered before this unit.'),
    list('WantsMountsFor', 'words', 'Paths whose mount units are wanted and ordered before this unit.'),
    sk('OnFailureJobMode', 'enum', 'Job mode used to queue the OnFailure= units.', { values: JOB_MODES }),
    sk('OnSuccessJobMode', 'enum', 'Job mode used to queue the OnSuccess= units.', { values: JOB_MODES }),
    sk('IgnoreOnIsolate', 'bool', 'Keeps the unit running when another unit is isolated.'),
    sk('StopWhenUnneeded', 'bool', 'Stops the unit once nothing needs it any more.'),
    sk('RefuseManualStart', 'bool', 'Only dependencies may start the unit, not an explicit start.'),
    sk('RefuseManualStop', 'bool', 'Only dependencies may stop the unit, not an explicit stop.'),
    sk('AllowIsolate', 'bool', 'Allows `systemctl isolate` to this unit.'),
    sk('DefaultDependencies', 'bool', "Whether systemd adds its implicit dependencies for this unit's type."),
    sk('SurviveFinalKillSignal', 'bool', 'Leaves the processes alive through the final kill at shutdown.'),
    sk('CollectMode', 'enum', 'When the unit is unloaded: when inactive, or also when failed.', {
      values: ['inactive', 'inactive-or-failed'],
    }),
    sk('FailureAction', 'enum', 'System action taken when the unit fails.', { values: ACTIONS }),
    sk('SuccessAction', 'enum', 'System action taken when the unit finishes successfully.', { values: ACTIONS }),
    sk('FailureActionExitStatus', 'int', 'Exit status passed on by FailureAction=exit.'),
    sk('SuccessActionExitStatus', 'int', 'Exit status passed on by SuccessAction=exit.'),
    sk('JobTimeoutSec', 'duration', 'Time limit for a queued job of this unit.'),
    sk('JobRunningTimeoutSec', 'duration', 'Time limit for a job of this unit once it runs.'),
    sk('JobTimeoutAction', 'enum', 'System action taken when a job of this unit times out.', { values: ACTIONS }),
    sk('JobTimeoutRebootArgument', 'string', 'Argument for the reboot system call of JobTimeoutAction=.'),
    sk('StartLimitIntervalSec', 'duration', 'Window in which the start rate limit counts starts (0 disables it).'),
    sk('StartLimitBurst', 'int', 'Starts allowed within StartLimitIntervalSec= before starting is refused.'),
    sk('StartLimitAction', 'enum', 'System action taken when the start rate limit is hit.', { values: ACTIONS }),
    sk('RebootArgument', 'string', 'Argument for the reboot system call of the *Action= settings.'),
    sk('SourcePath', 'path', 'File the unit was generated from (set by generators such as Quadlet).'),
    ...checks,
    list('BindTo', 'words', 'Old spelling of BindsTo=.', { deprecated: OLD_NAME('BindsTo=') }),
    list('PropagateReloadTo', 'words', 'Old spelling of PropagatesReloadTo=.', {
      deprecated: OLD_NAME('PropagatesReloadTo='),
    }),
    list('PropagateReloadFrom', 'words', 'Old spelling of ReloadPropagatedFrom=.', {
      deprecated: OLD_NAME('ReloadPropagatedFrom='),
    }),
    sk('OnFailureIsolate', 'bool', 'Old way to isolate to the OnFailure= unit.', {
      deprecated: OLD_NAME('OnFailureJobMode=isolate'),
    }),
    sk('StartLimitInterval', 'duration', 'Old spelling of StartLimitIntervalSec=.', {
      deprecated: OLD_NAME('StartLimitIntervalSec='),
    }),
    list('RequiresOverridable', 'words', 'Removed dependency type.', { deprecated: IGNORED }),
    list('RequisiteOverridable', 'words', 'Removed dependency type.', { deprecated: IGNORED }),
  ],
};
