#!/usr/bin/env bash
# Fetch the real Quadlet generator (the oracle for every unit file quadletman writes) without installing
# anything: download the podman package of Debian's trixie suite through a private apt state folder and
# extract its `quadlet` binary into .cache/oracle/. Prints the binary's path. Idempotent; set
# QUADLET_ORACLE_SUITE to use another suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${QUADLET_ORACLE_CACHE:-$root/.cache/oracle}
suite=${QUADLET_ORACLE_SUITE:-trixie}
bin=$cache/podman/usr/libexec/podman/quadlet
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial" "$cache/debs"
# The mirror this machine's apt already uses (deb822 or one-line sources).
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "fetch-quadlet: no Debian mirror found in this machine's apt sources" >&2; exit 1; }
echo "deb $mirror $suite main" > "$cache/apt/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache::Archives=$cache/apt/archives"
  -o "Dir::State::Status=/dev/null" -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1" -qq)
apt-get "${apt_opts[@]}" update >&2
(cd "$cache/debs" && apt-get "${apt_opts[@]}" download podman >&2)
deb=$(ls "$cache"/debs/podman_*.deb | head -n 1)
rm -rf "$cache/podman" && mkdir -p "$cache/podman"
dpkg-deb -x "$deb" "$cache/podman"
[ -x "$bin" ] || { echo "fetch-quadlet: $deb has no quadlet binary" >&2; exit 1; }
echo "$bin"
