/**
 * Playwright for the web UI, driving Debian's Chromium (`apt-get install chromium`; never
 * `npx playwright install`). Without E2E_BASE_URL it builds the app and serves dist/ with e2e/serve.mjs (the
 * smoke test); with E2E_BASE_URL it runs against a quadletman server that is already up (the journey).
 * Screenshots go to artifacts/screenshots/ at the repository root, which CI keeps.
 */
import { resolve } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
const external = process.env.E2E_BASE_URL;
export const baseURL = external ?? `http://127.0.0.1:${port}`;
export const SCREENSHOTS = resolve(import.meta.dirname, '../../../artifacts/screenshots');

/** The flags STACK.md lists for Chromium in a container without a GPU or a sandbox. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // the journey's routes: their test host names are this host (the edge listens here)
  '--host-resolver-rules=MAP *.qm.test 127.0.0.1',
];

export default defineConfig({
  testDir: '.',
  testMatch: '*.e2e.ts',
  outputDir: resolve(import.meta.dirname, '../../../artifacts/e2e-results'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  // The machines are shared and slow at times: wait longer than the default 5 s for the page to catch up.
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    { name: 'phone', use: { ...devices['Pixel 7'], browserName: 'chromium' } },
  ],
  ...(external
    ? {}
    : {
        webServer: {
          command: 'npx vite build --logLevel warn && node e2e/serve.mjs',
          cwd: resolve(import.meta.dirname, '..'),
          url: `${baseURL}/healthz`,
          timeout: 180_000,
          reuseExistingServer: false,
          env: { E2E_PORT: String(port) },
        },
      }),
});
