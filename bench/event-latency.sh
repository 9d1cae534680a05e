#!/usr/bin/env bash
# npm run bench:events — the event-latency benchmark (bench/event-latency.bench.ts) inside the sandbox host, run
# as root there (see scripts/sandbox/with-sandbox.sh): the time from `podman kill` to the event on /api/events.
# Environment: BENCH_TRIALS (default 20). Ends with `TARGET event_latency_p95_s <v> s`.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exec "$root/scripts/sandbox/with-sandbox.sh" bench:events "$root/scripts/sandbox/sandbox.sh" exec --cwd /project \
  --env QUADLETMAN_SANDBOX=1 --env BENCH_TRIALS="${BENCH_TRIALS:-20}" \
  -- node node_modules/tsx/dist/cli.mjs bench/event-latency.bench.ts
