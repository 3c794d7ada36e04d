#!/usr/bin/env bash
# Builds the container image's runtime root filesystem: the binary, every
# shared library `ldd` names (the ELF loader included), the CA bundle libcurl
# verifies TLS with, a passwd/group naming the unprivileged user, an
# nsswitch.conf (so /etc/hosts is read before DNS), and the state directory
# owned by that user. Nothing else: no shell, no package manager, no curl.
#
# The Dockerfile's build stage runs it, and tests/integration/test_image.py
# runs it too and then runs the binary chrooted into the result, which is how
# we know the runtime stage is complete without a Docker engine.
#
# Usage: scripts/runtime-rootfs.sh BINARY DEST   (prints the size of DEST)
set -euo pipefail
binary=$1
dest=$2
uid=65532  # "nonroot", as in distroless images

[[ -x "$binary" ]] || { echo "runtime-rootfs: no executable at $binary" >&2; exit 1; }
mkdir -p "$dest"/usr/local/bin "$dest"/etc/ssl/certs "$dest"/var/lib/cw-sidecar
install -m 0755 "$binary" "$dest"/usr/local/bin/cw-sidecar

# Libraries under the paths the loader finds them at (the merged-/usr symlinks
# of Debian do not exist in an empty root, so real directories are made).
ldd "$binary" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u | while read -r lib; do
  mkdir -p "$dest/$(dirname "$lib")"
  cp -L "$lib" "$dest/$lib"
done
if ldd "$binary" | grep -q 'not found'; then
  echo "runtime-rootfs: a library of $binary is missing:" >&2
  ldd "$binary" | grep 'not found' >&2
  exit 1
fi

cp -L /etc/ssl/certs/ca-certificates.crt "$dest"/etc/ssl/certs/ca-certificates.crt
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:cw-sidecar:/nonexistent:/sbin/nologin\n' "$uid" "$uid" \
  > "$dest"/etc/passwd
printf 'root:x:0:\nnonroot:x:%d:\n' "$uid" > "$dest"/etc/group
# Without this file glibc asks DNS first and never reads /etc/hosts when DNS
# answers "no such name": Docker's extra_hosts and Kubernetes' hostAliases
# live in /etc/hosts.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$dest"/etc/nsswitch.conf
chown "$uid:$uid" "$dest"/var/lib/cw-sidecar
chmod 0700 "$dest"/var/lib/cw-sidecar
# The seed's mount point of the shared volume (LOG_PATH). Docker fills a new
# named volume from the image of the first container that mounts it, mode
# included: world-writable with the sticky bit (as /tmp) here and in the demo
# API's image, the volume is writable by the app and by this unprivileged
# sidecar (for STATE_DIR) whichever of the two starts first.
mkdir -p "$dest"/src/logs
chmod 1777 "$dest"/src/logs

du -sb "$dest" | awk '{ printf "runtime root filesystem: %d bytes (%.1f MiB)\n", $1, $1 / 1048576 }'
