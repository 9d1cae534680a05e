#!/usr/bin/env bash
# Fetch Podman's own Quadlet test suite from a Debian suite's podman source package (through a private apt
# state folder with a deb-src line; nothing is installed) and keep only the case files (test/e2e/quadlet/)
# and the table that says what each case expects (test/e2e/quadlet_test.go), in
# .cache/oracle/<suite>-tests/. Prints that folder. Idempotent (the download is cached and reused).
# The suite is $1, else QUADLET_ORACLE_SUITE, else trixie.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${QUADLET_ORACLE_CACHE:-$root/.cache/oracle}
suite=${1:-${QUADLET_ORACLE_SUITE:-trixie}}
case "$suite" in *[!a-z0-9-]* | "") echo "fetch-podman-tests: bad suite name '$suite'" >&2; exit 1 ;; esac
out=$base/$suite-tests
if [ -f "$out/test/e2e/quadlet_test.go" ] && [ -d "$out/test/e2e/quadlet" ]; then echo "$out"; exit 0; fi

cache=$base/$suite-src
. "$root/scripts/oracle/debian-apt.sh"
debian_apt_setup src
mkdir -p "$cache/src"
(cd "$cache/src" && apt-get "${apt_opts[@]}" source --download-only podman >&2)
orig=$(ls -t "$cache"/src/podman_*.orig.tar.* | head -n 1)
version=$(basename "$orig" | sed -E 's/^podman_(.*)\.orig\.tar\..*$/\1/')
tmp=$(mktemp -d "$base/.tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The tarball's top folder is podman-<version>/ (or another single folder): strip it, keep the two paths.
tar -xf "$orig" -C "$tmp" --strip-components=1 --wildcards '*/test/e2e/quadlet/*' '*/test/e2e/quadlet_test.go'
[ -f "$tmp/test/e2e/quadlet_test.go" ] || { echo "fetch-podman-tests: $orig has no test/e2e/quadlet_test.go" >&2; exit 1; }
echo "$version" > "$tmp/VERSION"
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
echo "$out"
