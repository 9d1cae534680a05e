#!/usr/bin/env bash
# Install what quadletman needs on this machine, then run it with the given arguments.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" >&2
exec "$root/bin/quadletman" "$@"
