/**
 * A compartment's Backups tab in real Chromium, against e2e/serve.mjs's fake API (desktop and phone): no
 * repository at first; the first backup (stop mode) shows its progress while it runs, then the repository's
 * password once with what it did, a second (live) one does not; the repository is checked (the Schedule card
 * names the check, and the daily schedule the repository brought); a snapshot is restored after the
 * confirmation; a REST location is set with its login. A screenshot of each step.
 */
import { expect, test } from '@playwright/test';
import { login, withFakeApi } from './fake-support';
import { SCREENSHOTS } from './playwright.config';

withFakeApi();

/** The fake repository's password (e2e/serve.mjs). */
const REPO_PASSWORD = 'Hs8dK2pXq7LmV4cN9tRw3BzF';

test('back up a compartment, check the repository, restore a snapshot', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/backups-${name}-${info.project.name}.png`, fullPage: true });

  await login(page, '/c/demo/backups');
  await expect(page.getByRole('link', { name: 'Backups' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('repository')).toContainText('None yet: the first backup makes one.');
  await expect(page.getByText('No snapshots yet.')).toBeVisible();
  await shot('empty');

  await expect(page.getByLabel(/^Stop/)).toBeChecked();
  await page.getByRole('button', { name: 'Back up now' }).click();
  // while it runs: restic's progress, polled every second
  const progress = page.getByTestId('backup-progress');
  await expect(progress).toContainText('Backup under way');
  await expect(progress.getByRole('progressbar')).toBeVisible();
  await expect(progress).toContainText(/of 214 files/);
  await shot('progress');
  const secret = page.getByTestId('repository-password');
  await expect(secret.getByTestId('secret-repository')).toHaveText(REPO_PASSWORD);
  await expect(secret).toContainText('needed to restore these backups on another host');
  await expect(page.getByTestId('backup-result')).toContainText('web.service; down for 2.1 s');
  await expect(page.getByTestId('repository')).toContainText('/home/qm-demo/.local/share/quadletman/backups');
  await expect(page.getByRole('row').filter({ hasText: '11111111' })).toContainText('mode stop');
  await expect(page.getByRole('row').filter({ hasText: '11111111' })).toContainText('18.0 MiB');
  await expect(progress).toHaveCount(0);
  await shot('first');

  await secret.getByRole('button', { name: 'I have copied it: hide' }).click();
  await page.getByLabel(/^Live/).check();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByRole('row').filter({ hasText: '22222222' })).toContainText('mode live');
  await expect(page.getByTestId('backup-result')).toContainText('Nothing stopped (live).');
  await expect(page.getByTestId('repository-password')).toHaveCount(0);

  await page.getByRole('button', { name: 'Check repository' }).click();
  await expect(page.getByTestId('check-result')).toContainText('no errors were found');
  // the repository brought daily backups; the check is recorded with the policy
  const policy = page.getByTestId('backup-policy');
  await expect(policy).toContainText('daily 02:17');
  await page.reload();
  await expect(page.getByTestId('last-check')).toContainText('the repository is sound');
  await shot('second');

  await page.getByRole('button', { name: 'Restore snapshot 11111111' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText("each volume's contents are replaced by the snapshot's");
  await dialog.scrollIntoViewIfNeeded();
  await shot('confirm');
  await dialog.getByRole('button', { name: 'Stop, replace the volumes and start again' }).click();
  const restored = page.getByTestId('restore-result');
  await expect(restored).toContainText('Snapshot 11111111 restored in 4.3 s.');
  await expect(restored).toContainText('Started again: web.service');
  await expect(restored).toContainText("The compartment's probes answer with the restored data (1).");
  await expect(dialog).toHaveCount(0);
  await restored.scrollIntoViewIfNeeded();
  await shot('restored');
  expect(errors).toEqual([]);
});

test('set a REST repository with its login', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await login(page, '/c/demo/backups');
  const location = page.getByRole('textbox', { name: 'Location', exact: true });
  await location.fill('s3:https://s3.example.test/backups/demo');
  const fields = page.getByTestId('repository-credentials');
  await expect(fields).toContainText('The S3 access key');
  await page.getByRole('button', { name: 'Set location' }).click();
  await expect(fields).toContainText('an s3: location needs the access key id and secret access key');
  await location.fill('rest:https://backup.example.test:8000/demo');
  await expect(fields).toContainText("The REST server's login");
  await expect(fields).not.toContainText('needs the access key'); // (said of the s3: location before)
  await fields.getByLabel('User').fill('demo');
  await fields.getByLabel('Password').fill('Zq9-rest-s3cret');
  await fields.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/backups-rest-${info.project.name}.png`, fullPage: true });
  await page.getByRole('button', { name: 'Set location' }).click();
  await expect(page.getByTestId('repository-set')).toContainText('The next backup makes the repository there.');
  await expect(page.getByTestId('repository-details')).toContainText('rest:https://backup.example.test:8000/demo');
  await expect(page.getByTestId('repository-details')).toContainText('a REST server');
  await expect(fields).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("quadletman's own backups: the repository root set, a failed night, Back up now", async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/self-backup-${name}-${info.project.name}.png`, fullPage: true });

  // the dashboard tells the administrator that last night's backup of quadletman failed
  await login(page, '/');
  const failed = page.getByTestId('own-backup-failed');
  await expect(failed).toContainText("The last backup of quadletman's own state failed");
  await expect(page.getByText(/No route to host/)).toBeVisible();
  await shot('dashboard');
  await failed.getByRole('link', { name: 'Own backups' }).click();
  await expect(page.getByRole('link', { name: 'Own backups' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('self-location')).toHaveText('sftp:keeper@nas.home.arpa:quadletman');
  await expect(page.getByText(/quadletman-self-backup$/)).toBeVisible();
  await expect(page.getByTestId('self-last-run')).toContainText('Failed');
  await expect(page.getByTestId('self-last-run')).toContainText('No route to host');
  await expect(page.getByRole('row').filter({ hasText: '77777777' })).toContainText('3.3 MiB');
  await shot('failed-night');

  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByRole('button', { name: 'Backing up…' })).toBeDisabled();
  await expect(page.getByTestId('self-last-run')).toContainText('Done', { timeout: 15_000 });
  await expect(page.getByRole('row').filter({ hasText: '88888888' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Back up now' })).toBeEnabled();
  await shot('backed-up');
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Compartments' })).toBeVisible();
  await expect(page.getByTestId('own-backup-failed')).toHaveCount(0);
  expect(errors).toEqual([]);
});
