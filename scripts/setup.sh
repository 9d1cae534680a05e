#!/usr/bin/env bash
# Install what quadletman and its tests need on a fresh Debian/Ubuntu machine: the npm dependencies and the
# Debian packages used by the oracle and the sandbox host. Idempotent; safe to re-run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  # libpam0g-dev and a C++ toolchain build the PAM binding (authenticate-pam) from source.
  # chromium: the end-to-end tests drive Debian's Chromium with Playwright (never `npx playwright install`).
  # Debian only: Ubuntu's chromium is a snap wrapper that fails to install without snapd.
  for p in debootstrap systemd-container zstd curl bc procps util-linux libpam0g-dev g++ make python3 \
    $(. /etc/os-release && [ "$ID" = debian ] && echo chromium); do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
  fi
fi
# `npm ci` can reject a lockfile made on another platform's optional binaries; `npm install` honours it.
# A registry that drops a connection mid-download leaves a failed install: try again (what was fetched stays cached).
for attempt in 1 2 3; do
  npm install --no-audit --no-fund --loglevel=error && break
  [ "$attempt" = 3 ] && exit 1
  echo "setup.sh: npm install failed (attempt $attempt of 3); trying again" >&2
  sleep 5
done
