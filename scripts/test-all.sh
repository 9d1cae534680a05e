#!/usr/bin/env bash
# Every test suite of quadletman, from a fresh clone: installs what is needed, then runs type checks, lint,
# unit tests, the differential tests against the real Quadlet generator, and the host integration tests in
# the sandbox host, then the end-to-end journey in Chromium.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
npm test
npm run test:host
npm run test:e2e # the user journey in Chromium against quadletman in the sandbox (scripts/e2e.sh)
