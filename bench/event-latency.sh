#!/usr/bin/env bash
# npm run bench:events — the event latency benchmark (bench/event-latency.bench.ts) inside the sandbox host.
# Like scripts/sandbox/test-host.sh it holds the sandbox's test-host.lock for the whole run (so no test:host
# run powers the sandbox down under it, and it waits for one that is running), boots the sandbox, runs the
# bench inside as root and always powers the sandbox down. Environment: BENCH_TRIALS (default 20).
# Its last line is `TARGET event_latency_p95_s <v> s`.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || {
  echo "bench:events: must run as root (it boots a systemd-nspawn container)" >&2
  exit 1
}
sandbox=$root/scripts/sandbox/sandbox.sh
state=${QUADLETMAN_SANDBOX_DIR:-$root/.cache/sandbox}
mkdir -p "$state"
export QUADLETMAN_SANDBOX_HARNESS=1
exec 8>"$state/test-host.lock"
if ! flock -n 8; then
  echo "bench:events: a test:host run is using the sandbox; waiting for it" >&2
  flock -w 1800 8 || exit 1
fi
trap '"$sandbox" down 8>&- >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$sandbox" up 8>&- >&2 || exit $?
"$sandbox" exec --cwd /project --env QUADLETMAN_SANDBOX=1 --env BENCH_TRIALS="${BENCH_TRIALS:-20}" -- \
  node node_modules/tsx/dist/cli.mjs bench/event-latency.bench.ts 8>&-
