/**
 * A newcomer's default path against the fake API (e2e/serve.mjs), at 1280×800 (desktop) and 390×844 (phone):
 * no page is wider than the window; the compartment's tab bar shows the active tab (on load and on change); an
 * address that is no tab says so; a list value typed and not added still reaches the plan; reference fields
 * show their own kind; drafts say where they are kept and can be discarded; a viewer on /admin is told it is for
 * admins; after a navigation the focus is on the new page's heading; the Stats tab draws its samples; an admin
 * grants a role on one compartment and makes a token for it. Screenshots of each.
 */
import { expect, type Page, type TestInfo, test } from '@playwright/test';
import { login, withFakeApi } from './fake-support';
import { SCREENSHOTS } from './playwright.config';

withFakeApi();

// The phone project is a Pixel 7 (412 px wide): narrow it to 390×844, a common small phone.
test.beforeEach(async ({ page }, info) => {
  if (info.project.name === 'phone') await page.setViewportSize({ width: 390, height: 844 });
});

const shot = (page: Page, info: TestInfo, name: string) =>
  page.screenshot({ path: `${SCREENSHOTS}/${name}-${info.project.name}.png`, fullPage: true });

/**
 * The page is no wider than the window. (A phone browser zooms out to fit a page that is too wide, and then
 * reports a wider innerWidth: the layout width, the viewport's, is checked too.)
 */
async function expectNoHorizontalOverflow(page: Page, path: string): Promise<void> {
  const { scrollWidth, innerWidth, layoutWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    layoutWidth: document.documentElement.clientWidth,
  }));
  const viewport = page.viewportSize()?.width ?? layoutWidth;
  expect(scrollWidth, `${path} is wider than the window`).toBeLessThanOrEqual(innerWidth);
  expect(Math.max(scrollWidth, innerWidth, layoutWidth), `${path} is wider than the window`).toBeLessThanOrEqual(
    viewport,
  );
}

/** The main pages, and every tab of the demo compartment. */
const PAGES = [
  '/',
  '/c/demo',
  '/c/demo/dependencies',
  '/c/demo/edit',
  '/c/demo/plan',
  '/c/demo/logs',
  '/c/demo/stats',
  '/c/demo/terminal',
  '/c/demo/resources',
  '/c/demo/images',
  '/c/demo/history',
  '/c/demo/backups',
  '/c/demo/routes',
  '/c/demo/nope',
  '/catalog',
  '/templates',
  '/routes',
  '/import',
  '/admin',
  '/admin/tokens',
  '/admin/audit',
  '/admin/notifications',
];

test('no page is wider than the window', async ({ page }, info) => {
  await login(page, '/');
  await expect(page.getByText('cgroup-delegation')).toBeVisible();
  await shot(page, info, 'dashboard');
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page.locator('main h1').first()).toBeVisible();
    // (let the page's queries answer: an error or a table may be wider than its first render)
    await page.waitForTimeout(500);
    await expect.soft(async () => expectNoHorizontalOverflow(page, path)).toPass({ timeout: 1000 });
  }
});

test('the tab bar shows the active tab, on load and on change', async ({ page }, info) => {
  await login(page, '/c/demo/routes');
  const tabs = page.getByRole('navigation', { name: 'Compartment' });
  const active = tabs.locator('[aria-current="page"]');
  await expect(active).toHaveText('Routes');
  await expect(active).toBeInViewport({ ratio: 0.99 });
  await expectNoHorizontalOverflow(page, '/c/demo/routes');
  await shot(page, info, 'compartment-tabs-routes');

  // an address that is no tab: its links lead to the tabs, and the chosen one comes into view
  await page.goto('/c/demo/nope');
  const none = page.getByTestId('no-such-tab');
  await expect(none).toContainText('This compartment has no tab "nope".');
  await shot(page, info, 'compartment-no-such-tab');
  await none.getByRole('link', { name: 'Backups' }).click();
  await expect(page).toHaveURL(/\/c\/demo\/backups$/);
  await expect(active).toHaveText('Backups');
  await expect(active).toBeInViewport({ ratio: 0.99 });
  await none.waitFor({ state: 'detached' });

  // and back to the first tab from the last one
  await page.goto('/c/demo/routes');
  await expect(active).toHaveText('Routes');
  await page.goBack();
  await expect(active).toHaveText('Backups');
  await expect(active).toBeInViewport({ ratio: 0.99 });
});

test('a list value typed and not added reaches the plan; drafts say where they are', async ({ page }, info) => {
  await login(page, '/c/demo/edit');
  const ports = page.locator('[data-field="Container/PublishPort"]');
  const fresh = ports.getByLabel('New value for PublishPort');
  await fresh.fill('127.0.0.1:18443:8443');
  // no Add: straight to the plan
  await page.getByRole('link', { name: /^Plan and apply/ }).click();
  await expect(page).toHaveURL(/\/c\/demo\/plan$/);
  await expect(page.getByText('+PublishPort=127.0.0.1:18443:8443')).toBeVisible();
  await expect(page.getByTestId('drafts-note')).toContainText('1 draft kept in this browser tab, not yet applied.');
  await shot(page, info, 'plan-typed-port');

  // the draft survives a reload, and says so
  await page.goto('/c/demo/edit');
  await page.reload();
  await expect(page.getByText('Draft kept in this browser tab, not yet applied', { exact: true })).toBeVisible();
  await expect(page.getByText(/unsaved/i)).toHaveCount(0);
  await expect(page.locator('[data-field="Container/PublishPort"] input').nth(1)).toHaveValue('127.0.0.1:18443:8443');

  // a new container: its reference fields show their own kind
  await page.getByLabel('New unit name').fill('app');
  await page.getByRole('button', { name: 'Create unit' }).click();
  await expect(page.locator('[data-field="Container/Image"] input')).toHaveAttribute('placeholder', 'name.image');
  await expect(page.locator('[data-field="Container/Pod"] input')).toHaveAttribute('placeholder', 'name.pod');
  await expect(page.getByLabel('New value for Network')).toHaveAttribute('placeholder', 'name.network');
  await expect(page.getByTestId('drafts-note')).toContainText('2 drafts kept in this browser tab');
  await shot(page, info, 'edit-drafts');

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Discard all drafts' }).click();
  await expect(page.getByTestId('drafts-note')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^app\.container/ })).toHaveCount(0);
});

test('after a navigation the focus is on the heading of the new page', async ({ page }) => {
  await login(page, '/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeFocused();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('link', { name: /^demo/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'demo' })).toBeFocused();
});

test('a viewer on /admin is told it is for administrators', async ({ page }, info) => {
  await page.goto('/admin');
  await page.getByLabel('User name').fill('viewer');
  await page.getByLabel('Password').fill('viewer');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('alert')).toHaveText(
    'This page is for administrators of the whole server only. You are signed in as viewer; an administrator can give you that role.',
  );
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await shot(page, info, 'admin-viewer');
});

test('the Stats tab draws the samples of each running container', async ({ page }, info) => {
  test.slow(); // three samples, 5 s apart
  await login(page, '/c/demo/stats');
  const row = page.getByRole('row', { name: /systemd-web/ });
  await expect(row).toContainText('24.0\u00a0MiB / 512.0\u00a0MiB');
  await expect(
    row.getByRole('img', { name: /^CPU of systemd-web, last 3 samples: min .+, max .+, now .+$/ }),
  ).toBeVisible({ timeout: 20_000 });
  await expect(row.getByRole('img', { name: /^Memory of systemd-web, last 3 samples/ })).toBeVisible();
  await expectNoHorizontalOverflow(page, '/c/demo/stats');
  await shot(page, info, 'compartment-stats');
});

test('an admin grants a role on one compartment and makes a token for it', async ({ page }, info) => {
  await login(page, '/admin');
  const form = page.getByRole('group', { name: 'Grant viewer a role on a compartment' });
  const viewer = page.getByRole('listitem').filter({ has: form });
  await form.getByLabel('Compartment').selectOption('demo');
  await form.getByLabel('Role').selectOption('operator');
  await form.getByRole('button', { name: 'Grant' }).click();
  await expect(viewer.getByRole('status')).toHaveText('viewer is now operator on demo.');
  await expect(viewer.getByRole('button', { name: 'Revoke operator on demo' })).toBeVisible();
  // the last global administrator stays one: the refusal is said in the row
  const demo = page.getByRole('listitem').filter({ has: page.getByLabel('Role of demo') });
  await demo.getByLabel('Role of demo').selectOption('viewer');
  await expect(demo.getByRole('alert')).toContainText('This would leave no global administrator');
  await expectNoHorizontalOverflow(page, '/admin');
  await shot(page, info, 'admin-roles');

  await page.goto('/admin/tokens');
  await page.getByLabel('Name').fill('deploy');
  await page.getByLabel('Compartment').selectOption('demo');
  await page.getByLabel('Role').selectOption('operator');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('Copy the token now: it is shown only once.')).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'deploy' })).toContainText('only compartment demo');
  await expectNoHorizontalOverflow(page, '/admin/tokens');
  await shot(page, info, 'admin-tokens');
});
