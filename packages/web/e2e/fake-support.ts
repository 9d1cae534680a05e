/**
 * What the UI's tests against the fake API (e2e/serve.mjs) share: every test starts from the fake's own state, and
 * logs in as demo on the page it asks for.
 */
import { expect, type Page, test } from '@playwright/test';

/** Skips the file against the real server, and resets the fake before each test (and viewport). */
export function withFakeApi(): void {
  test.skip(!!process.env.E2E_BASE_URL, 'needs the fake API of e2e/serve.mjs');
  test.beforeEach(async ({ request }) => {
    expect((await request.post('/__reset')).ok()).toBe(true);
  });
}

/** Opens `path`, logs in as demo there, and waits until the page is back on `path`. */
export async function login(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByLabel('User name').fill('demo');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}
