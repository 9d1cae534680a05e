/**
 * Timers and sockets through their guided forms (against e2e/serve.mjs's fake compartment): make a service for a
 * timer to start, then the timer (a calendar expression of its own, a delay after boot, a random delay) and a
 * socket activating the demo's container (a UNIX socket and a loopback port), with the forms' messages on the
 * way; the Edit tab lists what each starts, and the plan renders them into the systemd user folder. Screenshots
 * of both forms and the plan, at 1280×800 and 390×844.
 */
import { expect, test } from '@playwright/test';
import { login, withFakeApi } from './fake-support';
import { SCREENSHOTS } from './playwright.config';

withFakeApi();

test.beforeEach(async ({ page }, info) => {
  if (info.project.name === 'phone') await page.setViewportSize({ width: 390, height: 844 });
});

test('a timer and a socket made through their forms', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/${name}-${info.project.name}.png`, fullPage: true });
  const create = async (name: string, type: string) => {
    await page.getByLabel('New unit name').fill(name);
    await page.getByLabel('Type', { exact: true }).selectOption(type);
    await page.getByRole('button', { name: 'Create unit' }).click();
    await expect(page.getByRole('heading', { name: `${name}.${type}`, exact: true })).toBeVisible();
  };
  await login(page, '/c/demo/edit');
  const text = page.getByTestId('unit-text');
  const form = page.getByTestId('guided-form');

  // the job: a plain service, edited as text
  await create('cleanup', 'service');
  await expect(text).toContainText('Type=oneshot');
  await expect(page.getByText('No form for this kind of file: edit it as text.')).toBeVisible();

  // the timer: it starts cleanup.service by default
  await create('cleanup', 'timer');
  await expect(form.getByLabel('Starts')).toHaveValue('cleanup.service');
  await form.getByLabel('On the calendar').selectOption('custom');
  await expect(form.getByText('Write a calendar expression on one line, or choose another schedule.')).toBeVisible();
  await form.getByLabel('Calendar expression').fill('Mon..Fri *-*-* 03:00');
  await form.getByLabel('After boot').fill('soon');
  await expect(form.getByText('Write a time span like 30s, 15min, 1h or 2d 12h.')).toBeVisible();
  await expect(form.getByRole('status')).toContainText('1 field(s) to fix');
  await form.getByLabel('After boot').fill('5min');
  await form.getByLabel('Random delay').fill('10min');
  await form.getByLabel('Description').fill('Clean up on weekday nights');
  await expect(text).toHaveText(
    '[Unit]\nDescription=Clean up on weekday nights\n\n[Timer]\nOnCalendar=Mon..Fri *-*-* 03:00\nOnBootSec=5min\nRandomizedDelaySec=10min\nPersistent=true\nUnit=cleanup.service\n\n[Install]\nWantedBy=timers.target\n',
  );
  await expect(page.getByTestId('lint-summary')).toContainText('No problems found');
  await expect(page.getByRole('button', { name: /cleanup\.timer/ })).toContainText('starts cleanup.service');
  await shot('editor-timer');

  // the socket: the demo's container gets it from Podman
  await create('web', 'socket');
  await expect(form.getByLabel('Activates')).toHaveValue('web.service');
  await expect(form.getByLabel('Path')).toHaveValue('%t/web.sock');
  await form.getByRole('button', { name: 'Add a TCP port' }).click();
  const second = form.getByRole('group', { name: 'Address 2' });
  await second.getByLabel('Port').fill('70000');
  await expect(second.getByText('Write a port from 1 to 65535.')).toBeVisible();
  await form.getByLabel('Path').fill('/run/docker.sock');
  await expect(form.getByText(/A socket path starts with %t\/ .* or %h\//)).toBeVisible();
  await shot('editor-socket-problems');
  await form.getByLabel('Path').fill('%t/web.sock');
  await second.getByLabel('Port').fill('8080');
  await expect(text).toHaveText(
    '[Unit]\nDescription=web\n\n[Socket]\nListenStream=%t/web.sock\nListenStream=127.0.0.1:8080\nService=web.service\n\n[Install]\nWantedBy=sockets.target\n',
  );
  await expect(form.getByTestId('form-issue')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /web\.socket/ })).toContainText('activates web.service');
  await shot('editor-socket');

  // the plan: the three units become files of the systemd user folder; the timer and the socket start
  await page.getByRole('link', { name: 'Review the plan' }).click();
  await expect(page).toHaveURL(/\/c\/demo\/plan$/);
  for (const f of ['cleanup.service', 'cleanup.timer', 'web.socket']) {
    await expect(page.getByRole('heading', { name: `.config/systemd/user/${f} new` })).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: 'Start (2)' })).toBeVisible();
  await expect(page.getByText('+ListenStream=127.0.0.1:8080')).toBeVisible();
  await shot('plan-systemd-units');
  expect(errors).toEqual([]);
});
