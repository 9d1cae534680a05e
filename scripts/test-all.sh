#!/usr/bin/env bash
# Every test suite of quadletman, from a fresh clone: installs what is needed, then runs type checks, lint,
# unit tests, the differential tests against the real Quadlet generator, and the host integration tests in
# the sandbox host.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
npm test
npm run test:host
