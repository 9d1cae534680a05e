/**
 * Smoke test of the built UI in real Chromium: a visitor without a session lands on the login page (keeping
 * where they wanted to go), the form is labelled and reachable by keyboard, both themes render, and a
 * screenshot of each is written for CI to keep.
 */
import { expect, test } from '@playwright/test';
import { SCREENSHOTS } from './playwright.config';

test('a visitor without a session gets the login page', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/c/web/history');
  await expect(page).toHaveURL(/\/login\?next=%2Fc%2Fweb%2Fhistory/);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page.getByLabel('User name')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/login-${info.project.name}.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('the skip link comes first for keyboard users', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
});

test('the dark theme follows the system and the toggle', async ({ page }, info) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/login');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.screenshot({ path: `${SCREENSHOTS}/login-dark-${info.project.name}.png`, fullPage: true });
  await page.getByLabel('Theme').selectOption('light');
  await expect(page.locator('html')).not.toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
});
