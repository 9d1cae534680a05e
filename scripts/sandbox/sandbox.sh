#!/usr/bin/env bash
# sandbox.sh — quadletman's own test host: a Debian 13 (trixie) root file system with systemd 257 and
# rootless Podman 5 (Quadlet included), booted with systemd-nspawn on this machine.
#
# Why: the development machines are Debian 12 VMs whose PID 1 is not systemd, with a cgroup v1 hybrid
# hierarchy and podman 4.3 (no Quadlet). Inside the sandbox systemd 257 is PID 1 in a pure cgroup2, so
# compartment users, lingering, `systemctl --user` and real rootless containers behave as on a server.
#
# Usage: scripts/sandbox/sandbox.sh COMMAND [ARGS]
#   up                         build the rootfs if missing (cached under .cache/sandbox/), boot it, wait
#                              until systemd reports running/degraded. No-op when already up.
#   exec [--user U] [--env K=V]... [--cwd DIR] [--] CMD...
#                              run CMD inside: as root, or as user U inside U's systemd --user manager.
#                              The exit code is CMD's.
#   shell [--user U]           interactive login shell inside (root, or U in its user manager)
#   import-busybox USER        create localhost/busybox:latest in USER's podman storage (root: root's)
#                              from Debian's busybox-static (no registry is reachable). Idempotent.
#   registry                   start the sandbox's image registry (registry.sandbox.test:5000, TLS, user demo)
#                              with its test images (registry.sh says what). Idempotent; prints the login.
#   status                     print state; exit 0 when up, 3 when down
#   down                       clean poweroff; waits for systemd-nspawn to exit (kills the container's
#                              PID 1 if it does not within 60 s)
#   destroy [--purge]          down, then remove the rootfs and the state. --purge also removes the
#                              cached rootfs tarball (otherwise the next `up` re-creates from it in seconds).
#
# Layout (QUADLETMAN_SANDBOX_DIR, default <repo>/.cache/sandbox, gitignored):
#   rootfs/                    the trixie root file system (persistent between boots; `destroy` resets it)
#   image/trixie-<hash>.tar.zst   pristine debootstrap output, keyed by the package list (re-creation cache)
#   run/nspawn.pid, run/init.pid  the systemd-nspawn process and the container's PID 1 (systemd)
#   logs/  debootstrap.log, console.log (container console), timings.txt
#
# Inside: the repository is bind-mounted at /project (read-write), the host's node at /usr/local/bin/node
# (read-only), the host network is shared (ports published inside answer on the host's 127.0.0.1).
# Must run as root. Installs its own host packages with apt when missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
state=${QUADLETMAN_SANDBOX_DIR:-$root/.cache/sandbox}
rootfs=$state/rootfs
run=$state/run
logs=$state/logs
machine=quadletman-sandbox
suite=trixie

# Packages of the trixie rootfs. Podman 5.4 + its runtime pieces (crun, conmon, netavark/aardvark-dns for
# networks, passt for pasta — podman 5's default rootless network —, slirp4netns, fuse-overlayfs as a storage
# fallback, catatonit for RunInit=true, uidmap for newuidmap/newgidmap); systemd as PID 1 with logind (linger,
# user@UID.service) and the user bus (dbus-user-session); systemd-container for `systemd-run -M user@`;
# busybox-static to build the local test image; libcap2-bin for getcap (doctor checks file capabilities).
# The real parts later features build on: docker-registry (+ openssl for its CA, apache2-utils for its bcrypt
# htpasswd, skopeo) for images, caddy for the edge, restic for backups (registry.sh; caddy is masked below),
# openssh-server/client for backups to an SFTP repository (sshd on 127.0.0.1:22), acl for restores into another
# compartment (read access to the source repository is granted for the restore), rclone for a REST repository
# server (`rclone serve restic`).
pkgs=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,systemd-container,podman,crun,conmon,netavark
pkgs+=,aardvark-dns,uidmap,passt,slirp4netns,fuse-overlayfs,catatonit,busybox-static,curl,ca-certificates
pkgs+=,iproute2,procps,sudo,nftables,iptables,libcap2-bin,less
pkgs+=,docker-registry,openssl,apache2-utils,skopeo,caddy,restic,debootstrap,zstd,openssh-server,openssh-client,acl
pkgs+=,rclone

pkgs_hash=$(printf '%s %s' "$suite" "$pkgs" | sha256sum | cut -c1-12)
tarball=${QUADLETMAN_SANDBOX_TARBALL-$state/image/$suite-$pkgs_hash.tar.zst} # set to '' to disable the cache

die() {
  echo "sandbox: $*" >&2
  exit 1
}
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
# timing NAME START_MS: record how long a phase took, in logs/timings.txt and on stderr
timing() {
  local ms=$(($(now_ms) - $2))
  mkdir -p "$logs"
  local line
  line=$(printf '%s %-22s %7d.%01ds' "$(date -u +%FT%TZ)" "$1" $((ms / 1000)) $((ms % 1000 / 100)))
  echo "$line" >>"$logs/timings.txt"
  echo "sandbox: $line" >&2
}

# with_lock: serialize up/down/destroy across concurrent callers (fd 9 is opened on $state/lock by the caller)
with_lock() { flock -w 300 9 || die "another sandbox.sh has held $state/lock for 5 minutes"; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (debootstrap, systemd-nspawn and nsenter need it)"; }

# ---------------------------------------------------------------------------------------------------------
# host side

ensure_host_packages() {
  local need=() cmd pkg
  for pair in debootstrap:debootstrap systemd-nspawn:systemd-container zstd:zstd nsenter:util-linux \
    flock:util-linux pgrep:procps; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing ${need[*]} and no apt-get to install them"
  echo "sandbox: installing host packages: ${need[*]}" >&2
  local t0
  t0=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  # A freshly booted VM may still be running apt in the background: wait for its lock instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  timing "host packages" "$t0"
}

# The Debian mirror this machine's apt already uses (deb822 first, then one-line sources); only Debian's
# archive is reachable from these machines, so we never guess another one.
mirror() {
  local m=${QUADLETMAN_SANDBOX_MIRROR:-}
  [ -n "$m" ] || m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' \
    /etc/apt/sources.list 2>/dev/null || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# $rootfs/.quadletman-image names the package list a rootfs was built from: when the list above changes, the
# next `up` rebuilds instead of silently booting a rootfs without the new packages.
image_id=$suite-$pkgs_hash

build_rootfs() {
  if [ -x "$rootfs/usr/bin/podman" ]; then
    [ "$(cat "$rootfs/.quadletman-image" 2>/dev/null)" = "$image_id" ] && return 0
    echo "sandbox: the rootfs predates the current package list ($image_id): re-creating it" >&2
  fi
  local t0
  t0=$(now_ms)
  rm -rf "$rootfs" "$rootfs.partial"
  mkdir -p "$logs"
  if [ -n "$tarball" ] && [ -f "$tarball" ]; then
    mkdir -p "$rootfs.partial"
    tar --zstd -xpf "$tarball" -C "$rootfs.partial" --numeric-owner --xattrs --xattrs-include='*'
    echo "$image_id" >"$rootfs.partial/.quadletman-image"
    mv "$rootfs.partial" "$rootfs"
    timing "rootfs from tarball" "$t0"
    return 0
  fi
  echo "sandbox: building the $suite rootfs with debootstrap (about a minute; log: $logs/debootstrap.log)" >&2
  # minbase + an explicit package list keeps it small (no recommends like podman's docker-compose shims).
  # bookworm's debootstrap knows trixie; bookworm's archive keyring verifies trixie's Release file.
  # Build into .partial and rename, so an interrupted build never looks like a finished rootfs.
  if ! debootstrap --variant=minbase --include="$pkgs" "$suite" "$rootfs.partial" "$(mirror)" \
    >"$logs/debootstrap.log" 2>&1; then
    tail -n 20 "$logs/debootstrap.log" >&2
    die "debootstrap failed (full log: $logs/debootstrap.log)"
  fi
  # Drop downloaded .debs and apt lists: 100+ MB the sandbox never needs (no apt inside during tests).
  rm -rf "$rootfs.partial"/var/cache/apt/archives/*.deb "$rootfs.partial"/var/lib/apt/lists/*_Packages
  timing "rootfs debootstrap" "$t0"
  if [ -n "$tarball" ]; then
    t0=$(now_ms)
    mkdir -p "$(dirname "$tarball")"
    # keep only the newest image: an older package list's tarball is dead weight
    rm -f "$(dirname "$tarball")"/*.tar.zst
    # xattrs: file capabilities (e.g. on newuidmap) must survive the round trip
    tar --zstd -cpf "$tarball.tmp" -C "$rootfs.partial" --numeric-owner --xattrs --xattrs-include='*' .
    mv "$tarball.tmp" "$tarball"
    timing "rootfs tarball" "$t0"
  fi
  echo "$image_id" >"$rootfs.partial/.quadletman-image"
  mv "$rootfs.partial" "$rootfs"
}

# Idempotent tweaks applied before every boot (cheap), so changes here reach an existing rootfs without a
# rebuild.
configure_rootfs() {
  echo "$machine" >"$rootfs/etc/hostname"
  # sudo (and some podman code paths) resolve the hostname: give it an /etc/hosts line.
  grep -q "$machine" "$rootfs/etc/hosts" 2>/dev/null ||
    printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$machine" >>"$rootfs/etc/hosts"
  # An empty machine-id lets systemd generate one per boot (no "first boot" setup prompts).
  [ -s "$rootfs/etc/machine-id" ] || : >"$rootfs/etc/machine-id"
  # Root without password: `shell` over nsenter does not need it, but a console login should not lock us out.
  sed -i 's/^root:[^:]*:/root::/' "$rootfs/etc/shadow"

  local sys=$rootfs/etc/systemd/system
  mkdir -p "$sys/multi-user.target.wants" "$sys/sysinit.target.wants"
  # Every Quadlet unit pulls in podman-user-wait-network-online.service, which waits (90 s) for the
  # *system* network-online.target; in a container nothing activates it, so pull it in at boot.
  ln -sf /usr/lib/systemd/system/network-online.target "$sys/multi-user.target.wants/network-online.target"

  # The container's cgroup2 has no controllers enabled (the host's cgroup v1 hierarchies own cpu, memory,
  # pids…), so podman's default pids limit makes crun fail ("controller `pids` is not available").
  mkdir -p "$rootfs/etc/containers/containers.conf.d"
  printf '# written by scripts/sandbox/sandbox.sh: no pids controller in this sandbox\n[containers]\npids_limit = 0\n' \
    >"$rootfs/etc/containers/containers.conf.d/50-quadletman-sandbox.conf"

  # Early-boot fixups, as a oneshot unit ordered before user sessions (so before any user@UID.service):
  # 1. systemd-nspawn >= 256 over-mounts single files in /proc (/proc/kmsg, /proc/sys/kernel/random/boot_id).
  #    Such locked over-mounts make /proc "not fully visible" to a user namespace, and crun then fails with
  #    "mount `proc` to `proc`: Operation not permitted". Unmount them (a no-op under nspawn 252).
  # 2. nspawn copies the host's /dev/net/tun node with the host's mode. Without udev on the host that mode is
  #    0600, so pasta (podman 5's rootless network) fails: "Failed to open() /dev/net/tun: Permission denied".
  #    udev normally makes it 0666; do the same inside (/dev in the container is its own tmpfs).
  cat >"$sys/quadletman-sandbox-fixups.service" <<'UNIT'
# written by scripts/sandbox/sandbox.sh (the reasons are explained there)
[Unit]
Description=quadletman sandbox: unmask /proc for rootless podman, open /dev/net/tun for pasta
DefaultDependencies=no
After=systemd-journald.service
Before=sysinit.target systemd-user-sessions.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'umount -l /proc/kmsg 2>/dev/null; while umount -l /proc/sys/kernel/random/boot_id 2>/dev/null; do :; done; true'
ExecStart=-/bin/chmod 0666 /dev/net/tun
[Install]
WantedBy=sysinit.target
UNIT
  ln -sf ../quadletman-sandbox-fixups.service "$sys/sysinit.target.wants/quadletman-sandbox-fixups.service"

  # Debian's caddy starts a server on :80 at boot, and the sandbox shares this machine's network: quadletman
  # runs its own Caddy when it needs one.
  ln -sf /dev/null "$sys/caddy.service"

  # No apt timers waking up in the middle of a test run.
  rm -f "$sys"/timers.target.wants/apt-daily*.timer
}

nspawn_version() { systemd-nspawn --version | awk 'NR==1{print $2; exit}'; }

# pid_alive PID NAME: PID exists and runs NAME (pid files can outlive a reboot; never trust them blindly)
pid_alive() { [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
nspawn_pid() { cat "$run/nspawn.pid" 2>/dev/null || true; }
init_pid() { cat "$run/init.pid" 2>/dev/null || true; }
is_up() { pid_alive "$(nspawn_pid)" systemd-nspawn && pid_alive "$(init_pid)" systemd; }

# in_ctr CMD...: run CMD as root in the container's namespaces, with a clean environment. Processes entered
# this way are not in the container's cgroup tree, which is fine for root tools (systemctl, useradd, node).
# ctr_env_opts: options for env(1) inside (e.g. --chdir=DIR); env stops parsing options at NAME=VALUE.
ctr_env_opts=()
in_ctr() {
  nsenter -t "$(init_pid)" -m -u -i -n -p -C -- \
    /usr/bin/env -i "${ctr_env_opts[@]}" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@"
}

boot() {
  local t0 ver vfs=network
  t0=$(now_ms)
  mkdir -p "$run" "$logs"
  ver=$(nspawn_version)
  # nspawn mounts /proc/sys etc. read-only. netavark and crun write network sysctls, so make the network part
  # writable. nspawn >= 256 adds read-only over-mounts of /proc/sys, /proc/acpi… that stop crun from
  # mounting proc in a user namespace; there only the fully writable API VFS works (bookworm ships 252).
  if [ "$ver" -ge 256 ]; then vfs=1; fi
  local args=(
    -D "$rootfs" --machine="$machine" -b
    # No systemd/machined/system bus on the host: do not register the machine, do not ask for a scope unit.
    --register=no --keep-unit
    # The console goes to logs/console.log; nothing reads from it.
    --console=read-only
    # crun creates a session keyring per container ("create keyring: Operation not permitted" otherwise).
    --system-call-filter=@keyring
    # quadletman's loopback guard is an nftables table (host/loopback-guard.ts). nspawn keeps CAP_NET_ADMIN only
    # with a private network, and the sandbox shares this machine's: the guard's tests load their table into it
    # and remove it afterwards (`down` does too).
    --capability=CAP_NET_ADMIN
    --bind="$root:/project"
  )
  # The host's node runs on trixie's newer glibc; node_modules come from the host via /project.
  # (/usr/bin/node on these machines; resolved through PATH and symlinks for other installs.)
  local node
  node=$(readlink -f "$(command -v node || echo /usr/bin/node)")
  [ -x "$node" ] && args+=(--bind-ro="$node:/usr/local/bin/node")
  # shellcheck disable=SC2206 # deliberate word splitting of extra flags
  [ -n "${QUADLETMAN_SANDBOX_NSPAWN_EXTRA:-}" ] && args+=(${QUADLETMAN_SANDBOX_NSPAWN_EXTRA})
  # SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1: a pure cgroup2 inside even though the host is a v1 hybrid
  #   (systemd 257 no longer boots on cgroup v1).
  # setsid: nspawn gets its own session, so it outlives this script and a Ctrl-C in the caller's terminal.
  # 9>&-: do not hand our lock file descriptor to nspawn, or it would hold the sandbox lock while it runs.
  # The inner shell writes its own PID, then execs nspawn under that PID (reliable, unlike $! + setsid).
  SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 SYSTEMD_NSPAWN_API_VFS_WRITABLE=$vfs \
    setsid bash -c 'echo $$ >"$0"; exec systemd-nspawn "$@"' "$run/nspawn.pid" "${args[@]}" \
    >"$logs/console.log" 2>&1 </dev/null 9>&- &
  local st='' i npid c
  for i in $(seq 1 600); do
    npid=$(nspawn_pid)
    if [ -n "$npid" ] && ! kill -0 "$npid" 2>/dev/null; then
      tail -n 30 "$logs/console.log" >&2
      die "systemd-nspawn exited during boot (console: $logs/console.log)"
    fi
    # nspawn's child in the new PID namespace execs systemd: that is the container's PID 1.
    if [ -n "$npid" ] && c=$(pgrep -P "$npid" -x systemd); then
      echo "$c" >"$run/init.pid"
      st=$(in_ctr systemctl is-system-running 2>/dev/null || true)
      case $st in running | degraded) break ;; esac
    fi
    sleep 0.1
  done
  case $st in
  running) ;;
  degraded) in_ctr systemctl --failed --no-pager --no-legend >&2 || true ;;
  *)
    tail -n 30 "$logs/console.log" >&2
    stop_container # do not leave a half-booted container behind
    die "container did not finish booting in 60 s (state '${st:-unknown}'; console: $logs/console.log)"
    ;;
  esac
  timing "boot (nspawn $ver)" "$t0"
}

cmd_up() {
  need_root
  ensure_host_packages
  (
    with_lock
    if is_up; then
      echo "sandbox: already up (nspawn pid $(nspawn_pid))" >&2
      exit 0
    fi
    build_rootfs
    configure_rootfs
    # /project is this checkout, and users inside (compartment users, the server's user quadletman) run code from
    # it: its top folder must let them through. A checkout made in a private folder (mktemp -d: 0700) does not.
    if [ "$(($(stat -c '%#a' "$root") & 1))" = 0 ]; then
      echo "sandbox: $root lets other users through now (chmod o+x): the sandbox's users run code from it" >&2
      chmod o+x "$root"
    fi
    boot
  ) 9>"$(mkdir -p "$state" && echo "$state/lock")"
}

# wait_for_harness: a `down`/`destroy` from outside would power the sandbox off under a running
# `npm run test:host` (test-host.sh holds test-host.lock for its whole run and sets QUADLETMAN_SANDBOX_HARNESS=1
# for its own calls). Wait for that run to end instead; it powers the sandbox down itself.
wait_for_harness() {
  [ "${QUADLETMAN_SANDBOX_HARNESS:-0}" = 1 ] && return 0
  exec 7>"$state/test-host.lock"
  if ! flock -n 7; then
    echo "sandbox: a test:host run is using the sandbox; waiting for it to finish" >&2
    flock -w 1800 7 || die "test:host still running after 30 minutes"
  fi
  exec 7>&-
}

cmd_down() {
  need_root
  mkdir -p "$state"
  wait_for_harness
  (
    with_lock
    stop_container
  ) 9>"$(mkdir -p "$state" && echo "$state/lock")"
}

stop_container() {
  local npid ipid t0 i
  npid=$(nspawn_pid) ipid=$(init_pid)
  if ! pid_alive "$npid" systemd-nspawn; then
    # nspawn gone but its PID 1 still alive would be a leaked container: stop that too.
    pid_alive "$ipid" systemd && kill -KILL "$ipid" 2>/dev/null
    rm -f "$run/nspawn.pid" "$run/init.pid"
    return 0
  fi
  t0=$(now_ms)
  # The loopback guard's table lives in this machine's network namespace, which the sandbox shares.
  pid_alive "$ipid" systemd && in_ctr sh -c 'nft delete table inet quadletman 2>/dev/null' >/dev/null 2>&1 || true
  # Killing systemd-nspawn does not stop the booted container: ask its systemd to power off.
  pid_alive "$ipid" systemd && in_ctr systemctl poweroff --no-block >/dev/null 2>&1 || true
  for i in $(seq 1 600); do
    kill -0 "$npid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$npid" 2>/dev/null; then
    echo "sandbox: nspawn $npid did not exit in 60 s; killing the container's PID 1 $ipid" >&2
    # SIGKILL on the PID namespace's init kills every process in the namespace; nspawn then exits.
    pid_alive "$ipid" systemd && kill -KILL "$ipid" 2>/dev/null
    for i in $(seq 1 100); do
      kill -0 "$npid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$npid" 2>/dev/null && kill -KILL "$npid" 2>/dev/null
  fi
  rm -f "$run/nspawn.pid" "$run/init.pid"
  timing "down" "$t0"
}

cmd_destroy() {
  need_root
  local purge=0
  [ "${1:-}" = --purge ] && purge=1
  mkdir -p "$state"
  wait_for_harness
  (
    with_lock
    stop_container
    # A leftover bind mount would make rm -rf walk into the repository: refuse when anything is mounted.
    if grep -q " $rootfs[/ ]" /proc/self/mountinfo 2>/dev/null; then
      die "something is still mounted under $rootfs; not removing it"
    fi
    rm -rf "$rootfs" "$rootfs.partial" "$run"
    [ $purge = 1 ] && rm -rf "$state/image"
    true
  ) 9>"$(mkdir -p "$state" && echo "$state/lock")"
  echo "sandbox: destroyed$([ $purge = 1 ] && echo ' (and purged the rootfs tarball)')" >&2
}

cmd_status() {
  if is_up; then
    local st
    st=$(in_ctr systemctl is-system-running 2>/dev/null || true)
    echo "up: $st (nspawn pid $(nspawn_pid), init pid $(init_pid), machine $machine)"
  else
    echo "down"
  fi
  echo "rootfs: $([ -x "$rootfs/usr/bin/podman" ] && echo "$rootfs ($(du -sh "$rootfs" 2>/dev/null | cut -f1))" || echo missing)"
  echo "tarball: $([ -n "$tarball" ] && [ -f "$tarball" ] && echo "$tarball" || echo none)"
  [ -f "$logs/timings.txt" ] && {
    echo "last timings:"
    tail -n 5 "$logs/timings.txt"
  }
  is_up || return 3
}

require_up() { is_up || die "the sandbox is not up (run: scripts/sandbox/sandbox.sh up)"; }

# ensure_user_manager USER: `systemd-run -M USER@ --user` needs USER's systemd --user manager. Lingering users
# have one; otherwise start user@UID.service (no linger: it stops when the sandbox powers off).
ensure_user_manager() {
  local u=$1 uid
  uid=$(in_ctr id -u "$u" 2>/dev/null) || die "no user '$u' in the sandbox"
  in_ctr systemctl is-active -q "user@$uid.service" && return 0
  in_ctr systemctl start "user@$uid.service"
}

cmd_exec() {
  local user='' cwd='' envs=()
  while [ $# -gt 0 ]; do
    case $1 in
    --user) user=${2:?--user needs a value} && shift 2 ;;
    --user=*) user=${1#*=} && shift ;;
    --env) envs+=("${2:?--env needs K=V}") && shift 2 ;;
    --env=*) envs+=("${1#*=}") && shift ;;
    --cwd) cwd=${2:?--cwd needs a directory} && shift 2 ;;
    --cwd=*) cwd=${1#*=} && shift ;;
    --) shift && break ;;
    *) break ;;
    esac
  done
  [ $# -gt 0 ] || die "exec: no command given"
  need_root
  require_up
  if [ -z "$user" ] || [ "$user" = root ]; then
    [ -n "$cwd" ] && ctr_env_opts=(--chdir="$cwd")
    in_ctr "${envs[@]}" "$@" # under set -e, a failure exits with the command's own code
    ctr_env_opts=()
  else
    ensure_user_manager "$user"
    local props=()
    for e in "${envs[@]}"; do props+=(--setenv="$e"); done
    [ -n "$cwd" ] && props+=(--working-directory="$cwd")
    # A transient service in USER's manager: its cgroup, XDG_RUNTIME_DIR and user bus are the real ones.
    # --pipe forwards stdin/stdout/stderr, --wait returns the command's exit code.
    # KillMode=process: leftovers of `podman run -d` (conmon, pasta) must survive the end of the unit.
    in_ctr systemd-run -M "$user@" --user --pipe --wait --quiet -p KillMode=process "${props[@]}" -- "$@"
  fi
}

cmd_shell() {
  local user=''
  case ${1:-} in
  --user) user=${2:?--user needs a value} ;;
  --user=*) user=${1#*=} ;;
  esac
  need_root
  require_up
  if [ -z "$user" ] || [ "$user" = root ]; then
    in_ctr /bin/bash -l
  else
    ensure_user_manager "$user"
    # machinectl shell opens a real PAM login session for USER with a pty, inside the sandbox.
    in_ctr machinectl shell "$user@.host"
  fi
}

cmd_import_busybox() {
  local user=${1:?usage: import-busybox USER}
  need_root
  require_up
  local as=()
  [ "$user" != root ] && as=(--user "$user")
  if cmd_exec "${as[@]}" podman image exists localhost/busybox:latest; then
    echo "sandbox: localhost/busybox:latest already exists for $user" >&2
    return 0
  fi
  local t0 tar
  t0=$(now_ms)
  tar=$(in_ctr mktemp /tmp/busybox-rootfs.XXXXXX.tar)
  in_ctr sh /project/scripts/sandbox/mk-busybox-tar.sh "$tar"
  in_ctr chmod 0644 "$tar"
  cmd_exec "${as[@]}" podman import --quiet --change 'CMD=["/bin/sh"]' "$tar" localhost/busybox:latest >/dev/null
  in_ctr rm -f "$tar"
  timing "import-busybox $user" "$t0"
}

cmd_registry() {
  need_root
  require_up
  local t0
  t0=$(now_ms)
  in_ctr sh /project/scripts/sandbox/registry.sh "$@"
  timing "registry" "$t0"
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case $cmd in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  destroy) cmd_destroy "$@" ;;
  status) cmd_status "$@" ;;
  exec) cmd_exec "$@" ;;
  shell) cmd_shell "$@" ;;
  import-busybox) cmd_import_busybox "$@" ;;
  registry) cmd_registry "$@" ;;
  -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
  *)
    echo "usage: $0 up|down|destroy [--purge]|status|exec [--user U] CMD...|shell [--user U]|import-busybox USER|registry [debian]" >&2
    exit 2
    ;;
  esac
}

main "$@"
