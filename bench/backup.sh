#!/usr/bin/env bash
# npm run bench:backup — the backup benchmark (bench/backup.bench.ts) inside the sandbox host, run as root there.
# Environment: BENCH_MIB (the data's size in MiB, default 1024), BENCH_TRACE=1 (each command and its time).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sandbox=$root/scripts/sandbox/sandbox.sh
exec "$root/scripts/sandbox/with-sandbox.sh" bench:backup sh -c '
  exec "$1" exec --cwd /project --env QUADLETMAN_SANDBOX=1 --env BENCH_MIB="$2" --env BENCH_TRACE="$3" \
    -- node node_modules/tsx/dist/cli.mjs bench/backup.bench.ts' sh "$sandbox" "${BENCH_MIB:-1024}" "${BENCH_TRACE:-0}"
