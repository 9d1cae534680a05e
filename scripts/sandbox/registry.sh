#!/bin/sh
# registry.sh — runs INSIDE the sandbox as root (through `sandbox.sh registry`): a real image registry for
# quadletman's tests and for trying pulls and upgrades by hand, since no public registry is reachable.
#
# What it sets up (idempotent; a second run only checks that the registry answers):
#   - a CA made here (/etc/quadletman-sandbox/ca.{crt,key}) and a server certificate for REGISTRY_HOST;
#     Podman, Buildah and skopeo trust the CA through /etc/containers/certs.d/<host:port>/ca.crt, and every
#     other TLS client through the system store (update-ca-certificates)
#   - Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1:5000 with TLS and htpasswd auth;
#     the name resolves through /etc/hosts
#   - one account: user `demo`, a random password in /etc/quadletman-sandbox/registry.env (root only)
#   - test images of one small HTTP app (busybox httpd, port $PORT or 8080): demo/web:v1 and :v2 (pages
#     "demo web v1"/"v2", /health answers "ok"), and :v3, which starts but has no /health (a failing health
#     check); plus library/busybox:latest. Each version has its own digest.
#   - with the argument `debian` (only then: it takes a minute): library/debian:trixie, a minbase Debian 13
#     made by debootstrap from the mirror this sandbox was made from (its apt sources point there, so a build
#     FROM it can `apt-get install`), for the catalog's apps built from Debian packages.
set -eu
what=${1:-}

host=registry.sandbox.test
port=5000
conf=/etc/quadletman-sandbox
regdir=/etc/docker/registry
hostport=$host:$port

say() { echo "registry: $*" >&2; }

mkdir -p "$conf"
chmod 0755 "$conf"

# --- name ------------------------------------------------------------------------------------------------
grep -q " $host\$" /etc/hosts || echo "127.0.0.1 $host" >>/etc/hosts

# --- CA and server certificate -----------------------------------------------------------------------------
if [ ! -s "$conf/ca.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=quadletman sandbox CA' \
    -keyout "$conf/ca.key" -out "$conf/ca.crt" 2>/dev/null
  chmod 0600 "$conf/ca.key"
  chmod 0644 "$conf/ca.crt"
fi
if [ ! -s "$regdir/tls/registry.crt" ]; then
  mkdir -p "$regdir/tls"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$host" -keyout "$regdir/tls/registry.key" \
    -out "$regdir/tls/registry.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$host" >"$regdir/tls/ext.cnf"
  openssl x509 -req -in "$regdir/tls/registry.csr" -CA "$conf/ca.crt" -CAkey "$conf/ca.key" -CAcreateserial \
    -days 3650 -extfile "$regdir/tls/ext.cnf" -out "$regdir/tls/registry.crt" 2>/dev/null
  rm -f "$regdir/tls/registry.csr"
  chown -R docker-registry: "$regdir/tls"
  chmod 0600 "$regdir/tls/registry.key"
fi
mkdir -p "/etc/containers/certs.d/$hostport"
cp "$conf/ca.crt" "/etc/containers/certs.d/$hostport/ca.crt"
if [ ! -s /usr/local/share/ca-certificates/quadletman-sandbox.crt ]; then
  cp "$conf/ca.crt" /usr/local/share/ca-certificates/quadletman-sandbox.crt
  update-ca-certificates >/dev/null 2>&1
fi

# --- account ------------------------------------------------------------------------------------------------
if [ ! -s "$conf/registry.env" ]; then
  pass=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c1-20)
  umask 077
  printf 'REGISTRY=%s\nREGISTRY_USER=demo\nREGISTRY_PASSWORD=%s\n' "$hostport" "$pass" >"$conf/registry.env"
  htpasswd -bcB "$regdir/htpasswd" demo "$pass" 2>/dev/null
  umask 022
  chown docker-registry: "$regdir/htpasswd"
  chmod 0640 "$regdir/htpasswd"
fi
. "$conf/registry.env"

# --- the registry service -----------------------------------------------------------------------------------
cat >"$regdir/config.yml.new" <<YAML
# written by scripts/sandbox/registry.sh
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /var/lib/docker-registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  tls:
    certificate: $regdir/tls/registry.crt
    key: $regdir/tls/registry.key
auth:
  htpasswd:
    realm: quadletman-sandbox
    path: $regdir/htpasswd
YAML
if ! cmp -s "$regdir/config.yml.new" "$regdir/config.yml"; then
  mv "$regdir/config.yml.new" "$regdir/config.yml"
  systemctl restart docker-registry.service
else
  rm -f "$regdir/config.yml.new"
  systemctl is-active -q docker-registry.service || systemctl restart docker-registry.service
fi
i=0
until curl -fsS -o /dev/null 2>/dev/null -u "demo:$REGISTRY_PASSWORD" "https://$hostport/v2/"; do
  i=$((i + 1))
  [ $i -lt 100 ] || {
    systemctl status --no-pager docker-registry.service >&2 || true
    journalctl -u docker-registry.service --no-pager -n 5 -o cat >&2 || true
    say "the registry does not answer on https://$hostport/v2/ (the sandbox shares the host's network: is another"
    say "sandbox, from another clone, up and holding port $port? bring it down with its sandbox.sh down)"
    exit 1
  }
  sleep 0.1
done

# --- test images --------------------------------------------------------------------------------------------
# exists REPO:TAG: the registry has it (a manifest HEAD, as an update check does)
exists() {
  curl -fsS -o /dev/null -I 2>/dev/null -u "demo:$REGISTRY_PASSWORD" \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "https://$hostport/v2/${1%%:*}/manifests/${1#*:}"
}

build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT
base=$build_dir/busybox.tar
# push_image NAME:TAG CMD-JSON [PAGE [HEALTH]]: busybox root file system, imported and pushed; with PAGE, /www
# serves it (and HEALTH as /health) through /bin/demo-web (a CMD without spaces: `podman import --change` splits
# an instruction at its first space)
push_image() {
  ref=$1 cmd=$2 page=${3:-} health=${4:-}
  exists "$ref" && return 0
  [ -s "$base" ] || sh /project/scripts/sandbox/mk-busybox-tar.sh "$base"
  d=$build_dir/$(echo "$ref" | tr '/:' '__')
  mkdir -p "$d/rootfs"
  tar -xf "$base" -C "$d/rootfs"
  if [ -n "$page" ]; then
    echo "$page" >"$d/rootfs/www/index.html"
    [ -z "$health" ] || echo "$health" >"$d/rootfs/www/health"
    printf '#!/bin/sh\nexec httpd -f -p "${PORT:-8080}" -h /www\n' >"$d/rootfs/bin/demo-web"
    chmod 0755 "$d/rootfs/bin/demo-web"
  fi
  tar -C "$d/rootfs" -cf "$d/rootfs.tar" .
  podman import --quiet --change "CMD=$cmd" --change 'ENV=PORT=8080' --change 'EXPOSE=8080' \
    "$d/rootfs.tar" "$hostport/$ref" >/dev/null
  rm -rf "$d"
  podman push --quiet --creds "demo:$REGISTRY_PASSWORD" "$hostport/$ref" >/dev/null
  podman rmi --force "$hostport/$ref" >/dev/null 2>&1 || true
  say "pushed $hostport/$ref"
}
web='["/bin/demo-web"]'
push_image library/busybox:latest '["/bin/sh"]'
push_image demo/web:v1 "$web" 'demo web v1' ok
push_image demo/web:v2 "$web" 'demo web v2' ok
push_image demo/web:v3 "$web" 'demo web v3'
say "https://$hostport (user $REGISTRY_USER; password in $conf/registry.env) serves demo/web:v1, v2, v3 and library/busybox:latest"

# --- the Debian base (on request) ---------------------------------------------------------------------------
if [ "$what" = debian ]; then
  if exists library/debian:trixie; then
    say "library/debian:trixie is there"
  else
    mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    [ -n "$mirror" ] || { say "no Debian mirror in this sandbox's apt sources"; exit 1; }
    rootfs=$build_dir/debian
    if ! debootstrap --variant=minbase trixie "$rootfs" "$mirror" >"$build_dir/debootstrap.log" 2>&1; then
      tail -n 20 "$build_dir/debootstrap.log" >&2
      say "debootstrap of the Debian base failed"
      exit 1
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | podman import --quiet --change 'CMD=["/bin/bash"]' - "$hostport/library/debian:trixie" >/dev/null
    podman push --quiet --creds "demo:$REGISTRY_PASSWORD" "$hostport/library/debian:trixie" >/dev/null
    podman rmi --force "$hostport/library/debian:trixie" >/dev/null 2>&1 || true
    say "pushed $hostport/library/debian:trixie (from $mirror)"
  fi
fi
