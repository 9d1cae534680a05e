/**
 * The guided forms of a timer and a socket as a user drives them in the unit editor: the form opens on a text
 * that fits it, writes the unit text as fields change, says under a field what is wrong (and then writes
 * nothing), refuses what would add a line, reads back a text changed elsewhere, and leaves a text it cannot
 * show to the text editor, saying why.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { systemdStarterText } from './systemd-units';
import { UnitEditor } from './UnitEditor';

const UNITS = [
  { path: 'web.container', text: '[Container]\nImage=docker.io/library/nginx\n' },
  { path: 'cleanup.service', text: '[Service]\nType=oneshot\nExecStart=/bin/true\n' },
];

const LINT = { siblings: UNITS };

function Harness({ path, initial, log }: { path: string; initial: string; log: string[] }) {
  const [text, setText] = useState(initial);
  return (
    <>
      <UnitEditor
        path={path}
        text={text}
        units={UNITS}
        lintContext={LINT}
        onChange={(next) => {
          log.push(next);
          setText(next);
        }}
      />
      <button type="button" onClick={() => setText(initial)}>
        reset
      </button>
    </>
  );
}

const open = (path: string, initial: string) => {
  const log: string[] = [];
  render(<Harness path={path} initial={initial} log={log} />);
  return log;
};
const unitText = () => screen.getByTestId('unit-text').textContent ?? '';
const type = (label: string | RegExp, value: string, within_: HTMLElement = document.body) =>
  fireEvent.change(within(within_).getByLabelText(label), { target: { value } });
const issueOf = (label: string | RegExp) => {
  const input = screen.getByLabelText(label);
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ');
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
};

describe('the timer form', () => {
  it('opens on a new timer, and writes the text as the fields change', () => {
    const log = open('cleanup.timer', systemdStarterText('timer', 'cleanup'));
    const form = screen.getByTestId('guided-form');
    expect(screen.getByRole('tab', { name: 'Form' }).getAttribute('aria-selected')).toBe('true');
    // what it starts: the compartment's units, the default first chosen
    const starts = screen.getByLabelText('Starts') as HTMLSelectElement;
    expect(starts.value).toBe('cleanup.service');
    expect([...starts.options].map((o) => o.textContent)).toEqual([
      'cleanup.service',
      'web.service (from web.container)',
    ]);
    type('On the calendar', 'custom', form);
    // an empty expression is refused and nothing is written
    expect(issueOf('Calendar expression')).toMatch(/Write a calendar expression on one line/);
    expect(screen.getByLabelText('Calendar expression').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('status').textContent).toMatch(/1 field\(s\) to fix/);
    expect(log).toEqual([]);
    type('Calendar expression', 'Mon..Fri *-*-* 03:00', form);
    type('After boot', '5min', form);
    type('Random delay', '10min', form);
    fireEvent.click(screen.getByLabelText('Catch up on missed runs'));
    fireEvent.change(starts, { target: { value: 'web.service' } });
    expect(log.at(-1)).toBe(
      '[Unit]\nDescription=cleanup\n\n[Timer]\nOnCalendar=Mon..Fri *-*-* 03:00\nOnBootSec=5min\nRandomizedDelaySec=10min\nUnit=web.service\n\n[Install]\nWantedBy=timers.target\n',
    );
    expect(unitText()).toBe(log.at(-1));
    expect(screen.queryAllByTestId('form-issue')).toEqual([]);
  });

  it('says what is wrong under the field, and keeps the last good text meanwhile', () => {
    const log = open('cleanup.timer', systemdStarterText('timer', 'cleanup'));
    type('After boot', 'soon');
    expect(issueOf('After boot')).toMatch(/Write a time span like 30s, 15min, 1h or 2d 12h/);
    type('On the calendar', '');
    expect(screen.getByRole('group', { name: 'When' }).textContent).not.toMatch(/Choose when it runs/);
    type('After boot', '');
    expect(screen.getByRole('group', { name: 'When' }).textContent).toMatch(/Choose when it runs/);
    expect(log).toEqual([]);
    expect(unitText()).toBe(systemdStarterText('timer', 'cleanup'));
    type('Again after', '1h');
    expect(screen.getByTestId('form-notes').textContent).toMatch(/never starts it the first time/);
    expect(log.at(-1)).toContain('OnUnitActiveSec=1h\n');
    expect(log.at(-1)).not.toContain('OnCalendar');
  });

  it('refuses what would add a line, in every field, and never writes it', () => {
    const log = open('cleanup.timer', systemdStarterText('timer', 'cleanup'));
    type('On the calendar', 'custom');
    // (an input drops \n and \r itself; these separators it keeps)
    for (const [label, value] of [
      ['Description', 'Backup\u2028[Service]\u2028ExecStart=/bin/sh'],
      ['Calendar expression', 'daily\u2029ExecStartPre=/bin/sh'],
      ['After boot', '5min\u0085[Install]'],
      ['Again after', '1h\u000bx'],
      ['Random delay', '1s\\'],
    ] as const) {
      type(label, value);
      expect(issueOf(label), label).toMatch(/Must be on one line|Must not contain control|Must not end in a backslash/);
    }
    const refused = ['\u2028', '\u2029', '\u0085', '\u000b', 'ExecStart'];
    expect(log.filter((t) => refused.some((r) => t.includes(r)))).toEqual([]);
    expect(unitText()).not.toMatch(/ExecStart|\u2028/);
  });

  it("lists the linter's messages about the file above the form", () => {
    open('nightly.timer', systemdStarterText('timer', 'nightly'));
    const problems = screen.getByRole('list', { name: 'Problems in this file' });
    expect(problems.textContent).toMatch(
      /The timer starts nightly\.service, which is neither a service file of the set/,
    );
    type('Starts', 'cleanup.service');
    expect(screen.queryByRole('list', { name: 'Problems in this file' })).toBeNull();
    expect(screen.getByTestId('lint-summary').textContent).toBe('No problems found');
    // a message about one key too: the form has no field per key
    cleanup();
    open('cleanup.timer', systemdStarterText('timer', 'cleanup').replace('Description=cleanup', 'Description=100%x'));
    expect(screen.getByRole('list', { name: 'Problems in this file' }).textContent).toMatch(
      /'%x' is not a systemd specifier/,
    );
    expect(issueOf('Description')).toMatch(/%x is no systemd specifier/);
  });

  it('reads back a text changed elsewhere', () => {
    open('cleanup.timer', '[Timer]\nOnCalendar=hourly\n\n[Install]\nWantedBy=timers.target\n');
    type('On the calendar', 'weekly');
    expect(unitText()).toContain('OnCalendar=weekly');
    fireEvent.click(screen.getByRole('button', { name: 'reset' }));
    expect((screen.getByLabelText('On the calendar') as HTMLSelectElement).value).toBe('hourly');
  });

  it('leaves a timer the form cannot show whole to the text editor, and says why', () => {
    open('cleanup.timer', '# every night\n[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n');
    expect(screen.getByRole('tab', { name: 'Form' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByTestId('form-unfit').textContent).toBe(
      'The form does not fit this unit, so edit it as text: it has comments, which the form would not keep.',
    );
    expect(screen.queryByTestId('guided-form')).toBeNull();
    expect(screen.getByTestId('raw-editor')).toBeTruthy();
  });
});

describe('the socket form', () => {
  it('opens on a new socket, adds a TCP port, and writes the text', () => {
    const log = open('web.socket', systemdStarterText('socket', 'web'));
    expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('%t/web.sock');
    const activates = screen.getByLabelText('Activates') as HTMLSelectElement;
    expect(activates.value).toBe('web.service');
    expect([...activates.options].map((o) => o.textContent)).toEqual([
      'cleanup.service',
      'web.service (from web.container)',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Add a TCP port' }));
    const second = screen.getByRole('group', { name: 'Address 2' });
    type('Port', '70000', second);
    expect(within(second).getByTestId('form-issue').textContent).toBe('Write a port from 1 to 65535.');
    expect(within(second).getByLabelText('Port').getAttribute('aria-invalid')).toBe('true');
    expect(log).toEqual([]);
    type('Port', '8080', second);
    expect(log.at(-1)).toBe(
      '[Unit]\nDescription=web\n\n[Socket]\nListenStream=%t/web.sock\nListenStream=127.0.0.1:8080\nService=web.service\n\n[Install]\nWantedBy=sockets.target\n',
    );
    type('On', 'all', second);
    expect(log.at(-1)).toContain('ListenStream=8080\n');
    type('Port', '80', second);
    expect(screen.getByTestId('form-notes').textContent).toMatch(/net\.ipv4\.ip_unprivileged_port_start/);
    fireEvent.click(screen.getByRole('button', { name: 'Remove address 1' }));
    expect(log.at(-1)).not.toContain('%t/web.sock');
    expect(log.at(-1)).toContain('ListenStream=80\n');
  });

  it('keeps a socket path in the compartment', () => {
    const log = open('web.socket', systemdStarterText('socket', 'web'));
    type('Path', '/run/docker.sock');
    expect(issueOf('Path')).toMatch(/A socket path starts with %t\/ .* or %h\//);
    type('Path', '%t/../../etc/evil.sock');
    expect(issueOf('Path')).toMatch(/never \. or \.\. alone/);
    type('Path', '%t/web.sock\u2028ExecStartPre=/bin/sh');
    expect(issueOf('Path')).toMatch(/Must be on one line/);
    expect(log).toEqual([]);
    type('Path', '%h/sockets/web.sock');
    expect(log.at(-1)).toContain('ListenStream=%h/sockets/web.sock\n');
  });

  it('writes Accept without Service=, and says which template it starts', () => {
    const log = open('echo.socket', systemdStarterText('socket', 'echo'));
    fireEvent.click(screen.getByLabelText('A service per connection (Accept)'));
    expect((screen.getByLabelText('Activates') as HTMLSelectElement).disabled).toBe(true);
    expect(screen.getByTestId('form-notes').textContent).toMatch(/instance of echo@\.service/);
    expect(log.at(-1)).toContain('Accept=yes\n');
    expect(log.at(-1)).not.toContain('Service=');
  });

  it('says so when nothing is left to listen on', () => {
    const log = open('web.socket', systemdStarterText('socket', 'web'));
    fireEvent.click(screen.getByRole('button', { name: 'Remove address 1' }));
    expect(screen.getByRole('group', { name: 'Listens on' }).textContent).toMatch(/Add at least one address/);
    expect(log).toEqual([]);
  });

  it('leaves a socket the form cannot show to the text editor, and says why', () => {
    open('web.socket', '[Socket]\nListenStream=0.0.0.0:80\n\n[Install]\nWantedBy=sockets.target\n');
    expect(screen.getByTestId('form-unfit').textContent).toMatch(/the form cannot show ListenStream=0\.0\.0\.0:80\./);
  });

  it('switches to the text and back without losing an edit', async () => {
    open('web.socket', systemdStarterText('socket', 'web'));
    type('Description', 'Web on demand');
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Unit file' })));
    expect(screen.getByTestId('raw-editor').textContent).toContain('Description=Web on demand');
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Form' })));
    expect((screen.getByLabelText('Description') as HTMLInputElement).value).toBe('Web on demand');
  });
});

describe('a service and a target', () => {
  it('have no form: they are edited as text', () => {
    open('cleanup.service', systemdStarterText('service', 'cleanup'));
    expect(screen.getByText('No form for this kind of file: edit it as text.')).toBeTruthy();
    expect(screen.queryByTestId('guided-form')).toBeNull();
  });
});
