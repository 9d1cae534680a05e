#!/usr/bin/env bash
# run.sh — install what quadletman needs on this machine, then run it.
#
#   scripts/run.sh ARGS...   run `quadletman ARGS...` (after scripts/setup.sh)
#   scripts/run.sh           install and serve: builds the web UI, then runs `quadletman serve`
#                            - on this machine when it can run compartments (systemd is PID 1 and Podman ≥ 4.4
#                              with Quadlet, as `quadletman doctor` checks; on Debian/Ubuntu a missing podman
#                              is installed with apt first): as root, `quadletman install` makes it a service
#                              (the server as the unprivileged user quadletman with the privileged helper) that
#                              keeps running after this script ends; as another user, `serve` in the foreground;
#                            - otherwise inside the sandbox host (scripts/sandbox/sandbox.sh: Debian 13 with
#                              systemd 257 and Podman 5 in systemd-nspawn, sharing this machine's network),
#                              powered down again when the server stops (Ctrl-C).
#                            The server prints its URL and, until an administrator exists, the one-time setup
#                            token. QUADLETMAN_LISTEN=HOST:PORT changes the address (default 127.0.0.1:8080).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# QUADLETMAN_SKIP_SETUP=1: the packages are there already (a second run, a machine set up by hand)
[ "${QUADLETMAN_SKIP_SETUP:-}" = 1 ] || "$root/scripts/setup.sh" >&2
[ $# -gt 0 ] && exec "$root/bin/quadletman" "$@"

listen=${QUADLETMAN_LISTEN:-127.0.0.1:8080}
say() { echo "run.sh: $*" >&2; }

say "building the web UI and the CLI"
npm run build -w @quadletman/web --silent >/dev/null
node scripts/build.mjs cli >&2

# ok CHECK...: every named doctor check passes on this machine (doctor exits 1 when any check fails, so its
# output is taken whatever its exit code)
ok() {
  local json
  json=$(bin/quadletman doctor --format json 2>/dev/null) || true
  printf '%s' "$json" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).checks;
      process.exit(process.argv.slice(1).every(id=>c.some(x=>x.id===id&&x.status!=="fail"))?0:1)})' "$@"
}

if ok systemd-pid1 && ! ok podman quadlet-generator && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "systemd is PID 1 but Podman with Quadlet is missing: installing podman"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq podman uidmap >/dev/null || true
fi

# install LISTEN: quadletman.service (as the user quadletman, with the helper) started, then its URL and, until an
# administrator exists, the setup token it printed to the journal
install() {
  local since url token="" i
  since=$(date +%s)
  bin/quadletman install --listen "$1" >&2
  url="http://$1/"
  for i in $(seq 1 120); do
    curl -fsS -o /dev/null "${url}healthz" 2>/dev/null && break
    sleep 0.5
  done
  for i in $(seq 1 20); do
    token=$(journalctl -u quadletman.service --since "@$since" -o cat --no-pager 2>/dev/null |
      sed -n 's/^Setup token (one use): //p' | tail -n 1)
    [ -n "$token" ] && break
    sleep 0.5
  done
  say "quadletman.service runs at $url (systemctl status quadletman; journalctl -u quadletman)"
  if [ -n "$token" ]; then say "setup token (one use): $token"; else say "an administrator exists: log in at $url"; fi
}

if ok systemd-pid1 podman quadlet-generator; then
  say "this machine runs systemd and Podman with Quadlet: serving here (bin/quadletman doctor lists any warnings)"
  [ "$(id -u)" = 0 ] && { install "$listen"; exit 0; }
  exec bin/quadletman serve --listen "$listen"
fi

[ "$(id -u)" = 0 ] || {
  say "this machine cannot run compartments (see bin/quadletman doctor) and the sandbox host needs root"
  exit 1
}
say "this machine cannot run compartments itself (bin/quadletman doctor says why): serving from the sandbox host"
sandbox=$root/scripts/sandbox/sandbox.sh
"$sandbox" up
trap 'say "powering the sandbox down"; "$sandbox" down || true' EXIT
"$sandbox" registry
say "images: the sandbox's registry serves registry.sandbox.test:5000/demo/web:v1, v2, v3 (user demo; the password:"
say "  \`$sandbox exec cat /etc/quadletman-sandbox/registry.env\`); log a compartment in under Volumes, secrets, files."
say "  \`$sandbox import-busybox qm-<compartment>\` makes localhost/busybox:latest without a registry"
say "stop with Ctrl-C (the sandbox powers down; its data stays for the next run)"
set +e
"$sandbox" exec --cwd /project -- node dist/cli/quadletman.cjs serve --listen "$listen"
rc=$?
# Ctrl-C ends the server with 130; that is how one stops it.
[ "$rc" = 130 ] && rc=0
exit "$rc"
