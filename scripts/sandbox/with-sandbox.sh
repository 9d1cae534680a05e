#!/usr/bin/env bash
# with-sandbox.sh NAME CMD... — run CMD (on this machine; it reaches inside with `sandbox.sh exec`) while the
# sandbox is up, then power the sandbox down, whatever happened, keeping CMD's exit code. Holds the sandbox
# lock for the whole run (harness.sh), as test-host.sh and e2e.sh do, so that runs in one checkout queue instead
# of powering the sandbox down under each other. NAME labels the messages. Must run as root.
set -uo pipefail
label=${1:?usage: with-sandbox.sh NAME CMD...}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || {
  echo "$label: must run as root (it boots a systemd-nspawn container)" >&2
  exit 1
}
sandbox=$root/scripts/sandbox/sandbox.sh
state=${QUADLETMAN_SANDBOX_DIR:-$root/.cache/sandbox}
# shellcheck source=harness.sh
. "$root/scripts/sandbox/harness.sh"
take_sandbox_lock
trap '"$sandbox" down 8>&- >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$sandbox" up 8>&- >&2 || exit $?
"$@" 8>&-
