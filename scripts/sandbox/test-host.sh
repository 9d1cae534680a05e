#!/usr/bin/env bash
# test-host.sh — `npm run test:host`: quadletman's host integration tests, on a real systemd + rootless Podman
# host (the sandbox, see sandbox.sh). Phases, each timed:
#   1. bare   on THIS machine: doctor's bare-machine test (what doctor finds missing on a plain Debian 12 VM)
#   2. up     boot the sandbox (builds/re-creates the trixie rootfs on first use), start its image registry
#   3. tests  vitest INSIDE the sandbox as root: vitest.host.config.ts (`*.host.test.ts`), QUADLETMAN_SANDBOX=1
#   4. down   always (trap), whatever happened before; the exit code of the run is kept
#
# Usage: scripts/sandbox/test-host.sh [VITEST ARGS...]     e.g. test-host.sh packages/server/src/host/users
# Environment:
#   QUADLETMAN_SANDBOX_KEEP=1   leave the sandbox up afterwards (to look around with `sandbox.sh shell`)
#   QUADLETMAN_SANDBOX_FRESH=1  start from a pristine rootfs (destroy first; the tarball cache makes it fast)
#   QUADLETMAN_SKIP_BARE=1      skip phase 1
# Two runs in the same checkout share one sandbox, so a run waits for the previous one (lock below).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
sandbox=$root/scripts/sandbox/sandbox.sh
state=${QUADLETMAN_SANDBOX_DIR:-$root/.cache/sandbox}
label=test:host
# shellcheck source=harness.sh
. "$root/scripts/sandbox/harness.sh"

[ "$(id -u)" = 0 ] || {
  echo "test:host: must run as root (it boots a systemd-nspawn container)" >&2
  exit 1
}

# One sandbox run at a time per checkout: a second run would power the sandbox down under the first.
take_sandbox_lock

power_down_on_exit

# 1. Bare machine: doctor must report what this machine lacks (no systemd PID 1, no Quadlet, cgroup v1…).
#    The test skips itself on a machine that unexpectedly has all of it.
bare_test=packages/server/src/host/doctor.bare.test.ts
if [ "${QUADLETMAN_SKIP_BARE:-0}" != 1 ] && [ -f "$bare_test" ]; then
  phase bare node node_modules/vitest/vitest.mjs run "$bare_test" || exit $?
fi

# 2. Boot (and, when asked, reset) the sandbox.
if [ "${QUADLETMAN_SANDBOX_FRESH:-0}" = 1 ]; then
  phase destroy "$sandbox" destroy || exit $?
fi
phase up "$sandbox" up || exit $?
# The sandbox's image registry with its test images (registry.sh): the image tests pull from it.
phase registry "$sandbox" registry || exit $?

# 3. The host tests, inside, as root. node_modules come from the host through the /project bind mount: the
#    host's node and native modules were built against bookworm's glibc, which trixie's newer glibc runs.
phase tests "$sandbox" exec --cwd /project --env QUADLETMAN_SANDBOX=1 --env CI="${CI:-}" \
  --env QUADLETMAN_RACE_OPS="${QUADLETMAN_RACE_OPS:-}" --env QUADLETMAN_HOSTILE_SEED="${QUADLETMAN_HOSTILE_SEED:-}" \
  --env QUADLETMAN_HOSTILE_N="${QUADLETMAN_HOSTILE_N:-}" -- \
  node node_modules/vitest/vitest.mjs run --config vitest.host.config.ts "$@"
