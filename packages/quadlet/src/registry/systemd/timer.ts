/**
 * systemd's `[Timer]` section (systemd.timer(5), systemd 257), for `.timer` files that start Quadlet services.
 */
import { list, sk } from './define';
import type { SystemdSectionDef } from './types';

export const TIMER_SECTION: SystemdSectionDef = {
  name: 'Timer',
  keys: [
    list('OnActiveSec', 'duration', 'Fires this long after the timer itself was activated.'),
    list('OnBootSec', 'duration', 'Fires this long after the machine booted.'),
    list('OnStartupSec', 'duration', 'Fires this long after the service manager started (user login for user timers).'),
    list('OnUnitActiveSec', 'duration', 'Fires this long after the unit was last activated.'),
    list('OnUnitInactiveSec', 'duration', 'Fires this long after the unit was last deactivated.'),
    list('OnCalendar', 'string', 'Calendar expression of wall-clock times to fire at (daily, Mon *-*-* 04:00…).'),
    sk('AccuracySec', 'duration', 'How late the timer may fire, to batch wake-ups (default 1min).'),
    sk('RandomizedDelaySec', 'duration', 'Random delay, up to this long, added to each firing.'),
    sk('FixedRandomDelay', 'bool', 'Keeps the random delay the same across firings of this timer.'),
    sk(
      'DeferReactivation',
      'bool',
      'Waits for the next elapse after the unit finishes, rather than firing again at once.',
    ),
    sk('OnClockChange', 'bool', 'Also fires when the system clock jumps.'),
    sk('OnTimezoneChange', 'bool', 'Also fires when the time zone changes.'),
    sk('Unit', 'string', 'Unit started by the timer (default: the .service of the same name).'),
    sk('Persistent', 'bool', 'Catches up on a firing missed while the machine was off.'),
    sk('WakeSystem', 'bool', 'Wakes the machine from suspend to fire.'),
    sk('RemainAfterElapse', 'bool', 'Keeps the timer loaded after it has fired for the last time.'),
  ],
};
