#!/usr/bin/env bash
# e2e.sh — `npm run test:e2e`: the whole user journey in real Chromium against a real quadletman.
# Phases, each timed:
#   1. build  the web UI (packages/web/dist) and the CLI bundle (dist/cli)
#      ui     the UI's own Playwright tests against its fake API (e2e/serve.mjs, port 18682), both viewports
#   2. up     boot the sandbox host (systemd 257 + rootless Podman 5; see scripts/sandbox/sandbox.sh)
#   3. serve  `quadletman serve --listen 127.0.0.1:18680 --data-dir /var/lib/qm-e2e-… --no-pam` INSIDE the
#             sandbox as root (the sandbox shares the host network, so the host reaches it at that address);
#             the one-time setup token is read from its output
#   4. test   Playwright on the host with Debian's Chromium: packages/web/e2e/journey.e2e.ts (desktop viewport)
#   5. down   always (trap): stop the server by its pid, delete a compartment the journey left behind, remove
#             the data folder, power the sandbox down. The exit code of the run is kept.
# Screenshots go to artifacts/screenshots/, the server's log to artifacts/e2e-server.log.
#
# Usage: scripts/e2e.sh [PLAYWRIGHT ARGS...]
# Environment: QUADLETMAN_SANDBOX_KEEP=1 leaves the sandbox up (the server is stopped all the same).
# Shares test-host.sh's lock: one sandbox user at a time per checkout.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sandbox=$root/scripts/sandbox/sandbox.sh
state=${QUADLETMAN_SANDBOX_DIR:-$root/.cache/sandbox}
label=test:e2e
# shellcheck source=sandbox/harness.sh
. "$root/scripts/sandbox/harness.sh"
mkdir -p artifacts/screenshots
listen=127.0.0.1:18680
compartment=e2e-$(date +%H%M%S)
data=/var/lib/qm-e2e-$compartment
pidfile=$data.pid
log=$root/artifacts/e2e-server.log

[ "$(id -u)" = 0 ] || {
  echo "test:e2e: must run as root (it boots a systemd-nspawn container)" >&2
  exit 1
}
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || {
  echo "test:e2e: needs Debian's chromium (apt-get install chromium; scripts/setup.sh installs it on Debian)" \
    "or CHROMIUM_PATH naming another Chromium binary" >&2
  exit 1
}

take_sandbox_lock

server_pid=''
stop_server() {
  "$sandbox" status >/dev/null 2>&1 || return 0
  # The server inside wrote its own pid (below); stop exactly that process and wait for it to go.
  "$sandbox" exec -- sh -c '
    pid=$(cat "$1" 2>/dev/null) || exit 0
    kill "$pid" 2>/dev/null || exit 0
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null; exit 0' sh "$pidfile"
  [ -n "$server_pid" ] && wait "$server_pid" 2>/dev/null
  # Whatever the journey left: the compartment (user, units, storage), the data folder.
  "$sandbox" exec --cwd /project -- node dist/cli/quadletman.cjs --data-dir "$data" compartment delete \
    "$compartment" --volumes >/dev/null 2>&1 || true
  "$sandbox" exec -- rm -rf "$data" "$pidfile" || true
}

power_down_on_exit phase stop stop_server

build() {
  npm run build -w @quadletman/web --silent >&2 && node scripts/build.mjs cli
}
phase build build || exit $?

# The UI's own browser tests (login page, keyboard, themes, unit editor; desktop and phone) against the fake
# API of packages/web/e2e/serve.mjs: no sandbox needed, so they run first.
phase ui env E2E_PORT=18682 sh -c 'cd packages/web && exec npx --no-install playwright test -c e2e/playwright.config.ts' ||
  exit $?
phase up "$sandbox" up || exit $?

serve() {
  "$sandbox" exec -- sh -c 'mkdir -p "$1" && chmod 0755 "$1"' sh "$data" || return 1
  : >"$log"
  # Runs in the background for the whole journey; `exec` keeps the pid written the server's own.
  "$sandbox" exec --cwd /project --env QUADLETMAN_LOG_LEVEL=warn -- sh -c 'echo $$ >"$1"; shift; exec "$@"' sh \
    "$pidfile" node dist/cli/quadletman.cjs serve --listen "$listen" --data-dir "$data" --no-pam >"$log" 2>&1 &
  server_pid=$!
  local i
  for i in $(seq 150); do
    token=$(sed -n 's/^Setup token (one use): //p' "$log")
    [ -n "$token" ] && curl -fsS "http://$listen/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "test:e2e: the server did not come up with a setup token; its output:" >&2
  cat "$log" >&2
  return 1
}
token=''
phase serve serve || exit $?

phase test env E2E_BASE_URL="http://$listen" E2E_SETUP_TOKEN="$token" E2E_COMPARTMENT="$compartment" \
  E2E_SANDBOX="$sandbox" sh -c 'cd packages/web && exec npx --no-install playwright test "$@"' sh -c e2e/playwright.config.ts \
  --project=desktop journey.e2e.ts "$@"
