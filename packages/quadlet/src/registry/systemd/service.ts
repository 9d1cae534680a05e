/**
 * systemd's `[Service]` section as of systemd 257: systemd.service(5) plus the execution environment
 * (systemd.exec(5)), killing (systemd.kill(5)) and resource control (systemd.resource-control(5)) keys.
 */
import { EXEC_KEYS, KILL_KEYS, RESOURCE_CONTROL_KEYS } from './contexts';
import { list, OLD_NAME, sk } from './define';
import type { SystemdKeyDef, SystemdSectionDef } from './types';

const SERVICE: SystemdKeyDef[] = [
  sk('Type', 'enum', 'How systemd decides the service has started.', {
    values: ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle'],
  }),
  sk('ExitType', 'enum', 'Whether the service ends with its main process or with its whole cgroup.', {
    values: ['main', 'cgroup'],
  }),
  sk('RemainAfterExit', 'bool', 'Keeps the service active after all its processes have exited.'),
  sk('GuessMainPID', 'bool', 'Lets systemd guess the main process of a forking service without PIDFile=.'),
  sk('PIDFile', 'path', 'File from which the main PID of a forking service is read.'),
  sk('BusName', 'string', 'D-Bus name the service takes, for Type=dbus.'),
  sk('ExecStart', 'words', 'Command that starts the service (Quadlet sets this itself).'),
  list('ExecStartPre', 'words', 'Command run before ExecStart=.'),
  list('ExecStartPost', 'words', 'Command run after ExecStart= has started.'),
  list('ExecCondition', 'words', 'Command whose failure skips the start without failing the unit.'),
  list('ExecReload', 'words', 'Command run by `systemctl reload`.'),
  list('ExecStop', 'words', 'Command run to stop the service.'),
  list('ExecStopPost', 'words', 'Command run after the service has stopped.'),
  sk('RestartSec', 'duration', 'Pause before an automatic restart.'),
  sk('RestartSteps', 'int', 'Number of steps to grow the restart pause towards RestartMaxDelaySec=.'),
  sk('RestartMaxDelaySec', 'duration', 'Longest restart pause when it grows with RestartSteps=.'),
  sk(
    'TimeoutStartSec',
    'duration',
    'Time allowed for startup before the service is failed (Quadlet pulls may need more).',
  ),
  sk('TimeoutStopSec', 'duration', 'Time allowed for stopping before processes are killed.'),
  sk('TimeoutAbortSec', 'duration', 'Time allowed for stopping after a watchdog abort.'),
  sk('TimeoutSec', 'duration', 'Sets TimeoutStartSec= and TimeoutStopSec= together.'),
  sk('TimeoutStartFailureMode', 'enum', 'What to do with the processes when startup times out.', {
    values: ['terminate', 'abort', 'kill'],
  }),
  sk('TimeoutStopFailureMode', 'enum', 'What to do with the processes when stopping times out.', {
    values: ['terminate', 'abort', 'kill'],
  }),
  sk('RuntimeMaxSec', 'duration', 'Longest time the service may stay active before it is stopped.'),
  sk('RuntimeRandomizedExtraSec', 'duration', 'Random extra time added to RuntimeMaxSec=.'),
  sk('WatchdogSec', 'duration', 'Interval within which the service must ping the watchdog.'),
  sk('Restart', 'enum', 'When the service is restarted automatically.', {
    values: ['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog'],
  }),
  sk('RestartMode', 'enum', 'Whether a restart passes through the failed/inactive state or goes straight on.', {
    values: ['normal', 'direct', 'debug'],
  }),
  list('SuccessExitStatus', 'words', 'Extra exit codes and signals counted as success.'),
  list('RestartPreventExitStatus', 'words', 'Exit codes and signals that never cause a restart.'),
  list('RestartForceExitStatus', 'words', 'Exit codes and signals that always cause a restart.'),
  sk('RootDirectoryStartOnly', 'bool', 'Applies RootDirectory= only to ExecStart=, not to the other commands.'),
  sk('NonBlocking', 'bool', 'Sets O_NONBLOCK on the file descriptors passed by socket activation.'),
  sk('NotifyAccess', 'enum', 'Which processes may send readiness notifications (Quadlet uses all).', {
    values: ['none', 'main', 'exec', 'all'],
  }),
  list('Sockets', 'words', 'Socket units whose sockets are passed to the service.'),
  sk('FileDescriptorStoreMax', 'int', 'How many file descriptors the service may park in systemd.'),
  sk('FileDescriptorStorePreserve', 'enum', 'When parked file descriptors are kept across restarts.', {
    values: ['no', 'yes', 'restart'],
  }),
  sk('USBFunctionDescriptors', 'path', 'USB FunctionFS descriptors file for the service.'),
  sk('USBFunctionStrings', 'path', 'USB FunctionFS strings file for the service.'),
  sk('OOMPolicy', 'enum', 'What happens to the service when the kernel OOM killer hits one of its processes.', {
    values: ['continue', 'stop', 'kill'],
  }),
  list('OpenFile', 'string', 'File opened by systemd and passed to the service as a descriptor.'),
  sk('ReloadSignal', 'signal', 'Signal sent for a reload with Type=notify-reload.'),
  sk('PermissionsStartOnly', 'bool', 'Old way to run the other Exec commands without the sandboxing.', {
    deprecated: 'Deprecated by systemd; prefix commands with + instead.',
  }),
  sk('StartLimitInterval', 'duration', 'Old spelling of the start rate limit window.', {
    deprecated: OLD_NAME('StartLimitIntervalSec= in [Unit]'),
  }),
  sk('StartLimitBurst', 'int', 'Old location of the start rate limit burst.', {
    deprecated: OLD_NAME('StartLimitBurst= in [Unit]'),
  }),
  sk('StartLimitAction', 'string', 'Old location of the start rate limit action.', {
    deprecated: OLD_NAME('StartLimitAction= in [Unit]'),
  }),
  sk('FailureAction', 'string', 'Old location of the failure action.', {
    deprecated: OLD_NAME('FailureAction= in [Unit]'),
  }),
  sk('RebootArgument', 'string', 'Old location of the reboot argument.', {
    deprecated: OLD_NAME('RebootArgument= in [Unit]'),
  }),
];

export const SERVICE_SECTION: SystemdSectionDef = {
  name: 'Service',
  keys: [...SERVICE, ...EXEC_KEYS, ...KILL_KEYS, ...RESOURCE_CONTROL_KEYS],
};
