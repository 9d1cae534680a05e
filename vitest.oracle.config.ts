import { defineConfig } from 'vitest/config';

// Differential tests against the real Quadlet generator fetched by scripts/oracle/fetch-quadlet.sh.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.oracle.test.ts'],
    testTimeout: 120_000,
    passWithNoTests: true,
    hookTimeout: 120_000,
  },
});
