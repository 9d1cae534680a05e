#!/usr/bin/env bash
# Fetch the real Quadlet generator (the oracle for every unit file quadletman writes) without installing
# anything: download the podman package of a Debian suite through a private apt state folder and extract
# its `quadlet` binary. Prints the binary's path. Idempotent (the download is cached and reused).
# The suite is $1, else QUADLET_ORACLE_SUITE, else trixie (Podman 5.4), which lives in .cache/oracle/podman;
# any other suite (sid: 5.8, experimental: 6.1) in .cache/oracle/<suite>/podman.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${QUADLET_ORACLE_CACHE:-$root/.cache/oracle}
suite=${1:-${QUADLET_ORACLE_SUITE:-trixie}}
case "$suite" in *[!a-z0-9-]* | "") echo "fetch-quadlet: bad suite name '$suite'" >&2; exit 1 ;; esac
if [ "$suite" = trixie ]; then cache=$base; else cache=$base/$suite; fi
bin=$cache/podman/usr/libexec/podman/quadlet
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

. "$root/scripts/oracle/debian-apt.sh"
debian_apt_setup
mkdir -p "$cache/debs"
(cd "$cache/debs" && apt-get "${apt_opts[@]}" download podman >&2)
deb=$(ls -t "$cache"/debs/podman_*.deb | head -n 1)
rm -rf "$cache/podman" && mkdir -p "$cache/podman"
dpkg-deb -x "$deb" "$cache/podman"
[ -x "$bin" ] || { echo "fetch-quadlet: $deb has no quadlet binary" >&2; exit 1; }
echo "$bin"
