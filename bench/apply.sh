#!/usr/bin/env bash
# npm run bench:apply — the apply benchmark (bench/apply.bench.ts) inside the sandbox host, run as root there
# (see scripts/sandbox/with-sandbox.sh). Environment: BENCH_RUNS, BENCH_NOOP_RUNS.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exec "$root/scripts/sandbox/with-sandbox.sh" bench:apply "$root/scripts/sandbox/sandbox.sh" exec --cwd /project \
  --env QUADLETMAN_SANDBOX=1 --env BENCH_RUNS="${BENCH_RUNS:-5}" --env BENCH_NOOP_RUNS="${BENCH_NOOP_RUNS:-9}" \
  -- node node_modules/tsx/dist/cli.mjs bench/apply.bench.ts
