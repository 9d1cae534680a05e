#!/usr/bin/env bash
# npm run bench:upgrade — the upgrade benchmark (bench/upgrade.bench.ts) inside the sandbox host, run as root
# there, with the sandbox's registry up (scripts/sandbox/registry.sh). Environment: BENCH_RUNS (rounds, default 3).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sandbox=$root/scripts/sandbox/sandbox.sh
exec "$root/scripts/sandbox/with-sandbox.sh" bench:upgrade sh -c '
  "$1" registry >&2 || exit $?
  exec "$1" exec --cwd /project --env QUADLETMAN_SANDBOX=1 --env BENCH_RUNS="$2" --env BENCH_VERBOSE="$3" \
    -- node node_modules/tsx/dist/cli.mjs bench/upgrade.bench.ts' sh "$sandbox" "${BENCH_RUNS:-3}" "${BENCH_VERBOSE:-}"
