#!/bin/sh
# mk-busybox-tar.sh OUT.tar — runs INSIDE the sandbox (as root, via `sandbox.sh import-busybox`): a minimal
# root file system from Debian's busybox-static, as a tarball for `podman import` (no registry is reachable).
# /bin holds busybox and one symlink per applet; /www/index.html is a page for `busybox httpd` smoke tests.
set -eu
out=${1:?usage: mk-busybox-tar.sh OUT.tar}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/bin" "$d/www" "$d/tmp" "$d/etc" "$d/root"
chmod 1777 "$d/tmp"
cp /bin/busybox "$d/bin/busybox"
for a in $(/bin/busybox --list); do
  [ "$a" = busybox ] || ln -s busybox "$d/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$d/etc/passwd"
echo 'root:x:0:' >"$d/etc/group"
echo 'hello from busybox' >"$d/www/index.html"
tar -C "$d" -cf "$out" .
