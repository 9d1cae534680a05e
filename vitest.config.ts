import { defineConfig } from 'vitest/config';

// Unit and in-process tests. Host integration tests (`*.host.test.ts`) run inside the sandbox host
// (npm run test:host); differential tests against the real Quadlet generator (`*.oracle.test.ts`) run
// with npm run test:oracle.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.host.test.ts', '**/*.oracle.test.ts', 'packages/web/**'],
    testTimeout: 20_000,
  },
});
