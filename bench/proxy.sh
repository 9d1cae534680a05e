#!/usr/bin/env bash
# npm run bench:proxy — the edge benchmark (bench/proxy.bench.ts) inside the sandbox host, run as root there.
# Environment: BENCH_CHANGES (route changes timed, default 20), BENCH_SECONDS (each load run, default 10).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sandbox=$root/scripts/sandbox/sandbox.sh
exec "$root/scripts/sandbox/with-sandbox.sh" bench:proxy sh -c '
  exec "$1" exec --cwd /project --env QUADLETMAN_SANDBOX=1 --env BENCH_CHANGES="$2" --env BENCH_SECONDS="$3" \
    -- node node_modules/tsx/dist/cli.mjs bench/proxy.bench.ts' sh "$sandbox" "${BENCH_CHANGES:-20}" "${BENCH_SECONDS:-10}"
