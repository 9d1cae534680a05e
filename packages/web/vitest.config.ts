import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Component tests of the web UI: a DOM (jsdom), React Testing Library. Run with `npm run test:web` at the root
// (the root vitest run, which is Node only, excludes packages/web).
export default defineConfig({
  plugins: [react()],
  root: import.meta.dirname,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test-support/setup.ts'],
    testTimeout: 20_000,
  },
});
