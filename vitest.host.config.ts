import { defineConfig } from 'vitest/config';

// Host integration tests (`*.host.test.ts`): they change a real machine (users, units, containers), so they
// run only INSIDE the sandbox host (systemd 257 as PID 1, rootless Podman 5), started by
// `npm run test:host` (scripts/sandbox/test-host.sh), which sets QUADLETMAN_SANDBOX=1 there.
// One file at a time: files share one systemd and one set of users; timeouts are generous because a
// cold `podman` or `systemctl --user` start in the sandbox takes seconds, not milliseconds.
export default defineConfig({
  test: {
    // scripts/sandbox/sandbox.host.test.ts checks the sandbox itself.
    include: ['packages/*/src/**/*.host.test.ts', 'scripts/**/*.host.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    passWithNoTests: false,
  },
});
