/**
 * The unit editor in real Chromium (against e2e/serve.mjs's fake compartment): log in, open the unit, edit a
 * field in the form, see exactly that line change in the raw editor (CodeMirror), type a bad value in the raw
 * editor and see the linter's message inline and under the field in the form. Screenshots of both views.
 */
import { expect, test } from '@playwright/test';
import { SCREENSHOTS } from './playwright.config';

test.skip(!!process.env.E2E_BASE_URL, 'needs the fake compartment of e2e/serve.mjs');

test('form and raw editor stay in step', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/c/demo/edit');
  await page.getByLabel('User name').fill('demo');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/c\/demo\/edit$/);
  await expect(page.getByRole('link', { name: 'Edit units' })).toHaveAttribute('aria-current', 'page');

  const image = page.locator('[data-field="Container/Image"] input');
  await expect(image).toHaveValue('localhost/busybox:latest');
  await image.fill('docker.io/library/busybox:1.37');
  await expect(page.getByTestId('unit-text')).toContainText('Image=docker.io/library/busybox:1.37');
  await expect(page.getByTestId('unit-text')).toContainText('# serve /www on 8080');
  await page.screenshot({ path: `${SCREENSHOTS}/editor-form-${info.project.name}.png`, fullPage: true });

  await page.getByRole('tab', { name: 'Unit file' }).click();
  const editor = page.locator('.cm-content');
  await expect(editor).toContainText('Image=docker.io/library/busybox:1.37');
  await expect(editor).toContainText('# The demo web server');
  // Type a broken value on a new line after PublishPort.
  await editor.locator('.cm-line', { hasText: 'PublishPort=127.0.0.1:18080:8080' }).click();
  await page.keyboard.press('End');
  // insertText rather than an Enter key press: mobile Chromium sometimes loses a synthetic Enter in CodeMirror.
  await page.keyboard.insertText('\nMemory=12xyz');
  await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
  await expect(page.getByTestId('lint-summary')).toContainText('1 error');
  await page.screenshot({ path: `${SCREENSHOTS}/editor-raw-${info.project.name}.png`, fullPage: true });

  await page.getByRole('tab', { name: 'Form' }).click();
  const memory = page.locator('[data-field="Container/Memory"]');
  await expect(memory.locator('input')).toHaveValue('12xyz');
  await expect(memory).toContainText('Memory=12xyz is not a size');
  await expect(memory.locator('input')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('link', { name: 'Plan and apply (1)' }).click();
  await expect(page).toHaveURL(/\/c\/demo\/plan$/);
  await expect(page.getByRole('heading', { name: '.config/containers/systemd/web.container changed' })).toBeVisible();
  await expect(page.getByText('+Memory=12xyz')).toBeVisible();
  expect(errors).toEqual([]);
});
