#!/usr/bin/env bash
# e2e.sh — `npm run test:e2e`: the whole user journey in real Chromium against a real quadletman.
# Phases, each timed:
#   1. build  the web UI (packages/web/dist) and the CLI bundle (dist/cli)
#      ui     the UI's own Playwright tests against its fake API (e2e/serve.mjs, port 18682), both viewports
#   2. up     boot the sandbox host (systemd 257 + rootless Podman 5; see scripts/sandbox/sandbox.sh)
#   3. serve  `quadletman --data-dir /var/lib/qm-e2e-… install --listen 127.0.0.1:18680` INSIDE the sandbox: the
#             server runs as its own unprivileged user `quadletman` with the privileged helper's socket, as on an
#             installed host (the sandbox shares the host network, so the host reaches it at that address); the
#             one-time setup token is read from its journal
#   4. test   Playwright on the host with Debian's Chromium: packages/web/e2e/journey.e2e.ts (desktop viewport)
#   5. down   always (trap): stop and remove the installed units, delete a compartment the journey left behind,
#             remove the data folders, power the sandbox down. The exit code of the run is kept.
# Screenshots go to artifacts/screenshots/, the server's and the helper's journal to artifacts/e2e-server.log.
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

layout=(--data-dir "$data" --homes-dir "$data-homes" --volumes-dir "$data-volumes")
stop_server() {
  "$sandbox" status >/dev/null 2>&1 || return 0
  "$sandbox" exec -- sh -c 'journalctl -u quadletman.service -u "quadletman-helper@*" -u quadletman-edge.service -u quadletman-self-backup.service -o cat --no-pager' >"$log" 2>&1
  "$sandbox" exec -- systemctl disable --now quadletman.service quadletman-helper.socket quadletman-edge.service \
    quadletman-self-backup.timer >/dev/null 2>&1
  "$sandbox" exec -- rm -f /etc/systemd/system/quadletman.service /etc/systemd/system/quadletman-helper.socket \
    /etc/systemd/system/quadletman-helper@.service /etc/systemd/system/quadletman-edge.service \
    /etc/systemd/system/quadletman-self-backup.service /etc/systemd/system/quadletman-self-backup.timer \
    /etc/quadletman/layout.json /etc/quadletman/edge-bootstrap.json
  # quadletman's own backups (the journey sets a repository in the data folder's sibling)
  "$sandbox" exec -- rm -rf /var/lib/quadletman-self-backup "$data-self-backups" || true
  "$sandbox" exec -- systemctl daemon-reload
  # Whatever the journey left: the compartment (user, units, storage), the data folders.
  for c in "$compartment" "$compartment-compose" "$compartment-copy"; do
    "$sandbox" exec --cwd /project -- node dist/cli/quadletman.cjs "${layout[@]}" compartment delete \
      "$c" --volumes >/dev/null 2>&1 || true
  done
  "$sandbox" exec -- rm -rf "$data" "$data-homes" "$data-volumes" || true
}

power_down_on_exit phase stop stop_server

build() {
  npm run build -w @quadletman/web --silent >&2 && node scripts/build.mjs cli
}
phase build build || exit $?

# The UI's own browser tests (login page, keyboard, themes, unit editor; desktop and phone) against the fake
# API of packages/web/e2e/serve.mjs: no sandbox needed, so they run first.
# (QUADLETMAN_E2E_SKIP_UI=1 skips them, to iterate on the journey alone)
[ "${QUADLETMAN_E2E_SKIP_UI:-}" = 1 ] || phase ui env E2E_PORT=18682 sh -c 'cd packages/web && exec npx --no-install playwright test -c e2e/playwright.config.ts' ||
  exit $?
phase up "$sandbox" up || exit $?
# the registry the journey pulls its last app from, and upgrades it with (scripts/sandbox/registry.sh)
phase registry "$sandbox" registry || exit $?

serve() {
  # installed as on a host: the server as the user quadletman, the helper socket-activated (docs/security.md)
  "$sandbox" exec --cwd /project -- node dist/cli/quadletman.cjs "${layout[@]}" install --listen "$listen" || return 1
  local i
  # only this start's lines: the journal keeps earlier servers' tokens (the host tests install one too), and a
  # stale one could be read before this server has printed its own
  local invocation
  for i in $(seq 150); do
    invocation=$("$sandbox" exec -- systemctl show -p InvocationID --value quadletman.service 2>/dev/null | tr -d '\r')
    token=''
    [ -n "$invocation" ] && token=$("$sandbox" exec -- journalctl "_SYSTEMD_INVOCATION_ID=$invocation" -o cat \
      --no-pager 2>/dev/null | sed -n 's/^Setup token (one use): //p' | tail -n 1)
    [ -n "$token" ] && curl -fsS "http://$listen/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "test:e2e: the server did not come up with a setup token; its journal:" >&2
  "$sandbox" exec -- journalctl -u quadletman.service -o cat --no-pager -n 60 >&2
  return 1
}
token=''
phase serve serve || exit $?

phase test env E2E_BASE_URL="http://$listen" E2E_SETUP_TOKEN="$token" E2E_COMPARTMENT="$compartment" \
  E2E_SANDBOX="$sandbox" E2E_CLI_LAYOUT="${layout[*]}" sh -c 'cd packages/web && exec npx --no-install playwright test "$@"' sh -c e2e/playwright.config.ts \
  --project=desktop journey.e2e.ts "$@"
