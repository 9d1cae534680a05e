#!/usr/bin/env bash
# with-sandbox.sh NAME CMD... — run CMD (on this machine; it reaches inside with `sandbox.sh exec`) while the
# sandbox is up, then power the sandbox down, whatever happened, keeping CMD's exit code. Holds the sandbox's
# test-host.lock for the whole run, as scripts/sandbox/test-host.sh does, so that runs in one checkout queue
# instead of powering the sandbox down under each other. NAME only labels the messages. Must run as root.
set -uo pipefail
name=${1:?usage: with-sandbox.sh NAME CMD...}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || {
  echo "$name: must run as root (it boots a systemd-nspawn container)" >&2
  exit 1
}
sandbox=$root/scripts/sandbox/sandbox.sh
state=${QUADLETMAN_SANDBOX_DIR:-$root/.cache/sandbox}
mkdir -p "$state"
# tells sandbox.sh that its down comes from the run holding test-host.lock
export QUADLETMAN_SANDBOX_HARNESS=1
exec 8>"$state/test-host.lock"
if ! flock -n 8; then
  echo "$name: another run is using the sandbox; waiting for it" >&2
  flock -w 1800 8 || exit 1
fi
# Children must not inherit the lock's descriptor (a booted nspawn would hold it forever): 8>&- on each.
trap '"$sandbox" down 8>&- >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$sandbox" up 8>&- >&2 || exit $?
"$@" 8>&-
