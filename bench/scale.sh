#!/usr/bin/env bash
# npm run bench:scale — the idle cost of the live watching with many compartments (bench/scale.bench.ts) inside
# the sandbox host, run as root there (see scripts/sandbox/with-sandbox.sh). The CLI bundle that `quadletman
# serve` runs is built here first, so that the sandbox's time goes to the benchmark.
# Environment: BENCH_COMPARTMENTS (100), BENCH_CONTAINERS (5), BENCH_PARALLEL (6), BENCH_IDLE_S (60),
# BENCH_BASELINE_S (20), BENCH_TRIALS (5); BENCH_CLEANUP_ONLY=1 only deletes what an earlier run left. Ends with `TARGET idle_cpu_percent_of_core <x>` and
# `TARGET rss_mb_per_compartment <y>`. Takes about 15 minutes at the defaults (most of it making and deleting
# the compartments).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node "$root/scripts/build.mjs" cli >&2 || exit $?
exec "$root/scripts/sandbox/with-sandbox.sh" bench:scale "$root/scripts/sandbox/sandbox.sh" exec --cwd /project \
  --env QUADLETMAN_SANDBOX=1 \
  --env BENCH_COMPARTMENTS="${BENCH_COMPARTMENTS:-100}" --env BENCH_CONTAINERS="${BENCH_CONTAINERS:-5}" \
  --env BENCH_PARALLEL="${BENCH_PARALLEL:-6}" --env BENCH_IDLE_S="${BENCH_IDLE_S:-60}" \
  --env BENCH_BASELINE_S="${BENCH_BASELINE_S:-20}" --env BENCH_TRIALS="${BENCH_TRIALS:-5}" \
  --env BENCH_CLEANUP_ONLY="${BENCH_CLEANUP_ONLY:-0}" \
  -- node node_modules/tsx/dist/cli.mjs bench/scale.bench.ts
