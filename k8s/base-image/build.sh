#!/usr/bin/env bash
# Builds a Debian bookworm base image with a headless JRE 17, from Debian packages only, as a
# `docker save` style tarball (manifest.json + config JSON + one gzipped layer). Jib takes it as
# the relay image's base with -Djib.from.image=tar://<path>, so the image can be built without a
# Docker daemon and without reaching any container registry (see k8s/README.md, "Build the image").
#
#   sudo k8s/base-image/build.sh [OUTPUT.tar]     # default: relay-actors/target/base-image.tar
#
# Needs root (debootstrap chroots and creates root-owned files), debootstrap, tar, gzip,
# sha256sum, and access to a Debian mirror (DEBIAN_MIRROR, default http://deb.debian.org/debian).
# Idempotent: the root filesystem is made afresh on every run; downloaded .debs are kept in
# OUTPUT's directory (base-image.work/debs) so a rerun does not download them again.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$(realpath -m "${1:-$repo/relay-actors/target/base-image.tar}")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
work=$(dirname "$out")/base-image.work
rootfs=$work/rootfs
image=$work/image

if [[ $(id -u) -ne 0 ]]; then
    echo "build.sh: run as root (debootstrap needs it)" >&2
    exit 1
fi
command -v debootstrap >/dev/null || { echo "build.sh: apt-get install debootstrap" >&2; exit 1; }

# Timestamps in the layer and the config: fixed (SOURCE_DATE_EPOCH, default 1970), not the build's.
epoch=${SOURCE_DATE_EPOCH:-0}

# debootstrap mounts /proc and /sys in the new root (and may leave them if interrupted): unmount
# anything under it before deleting or stripping, and never let rm cross into another filesystem.
unmount_rootfs() {
    findmnt -rn -o TARGET | grep -F "$rootfs/" | sort -r | while read -r m; do umount -l "$m"; done || true
}
trap unmount_rootfs EXIT
unmount_rootfs
rm -rf --one-file-system "$rootfs" "$image"
mkdir -p "$work/debs" "$image"

# 1. A minimal Debian (essential packages + apt) with the JRE; debootstrap runs the packages'
#    maintainer scripts, so alternatives (/usr/bin/java) and the CA certificates are set up.
debootstrap --variant=minbase --include=openjdk-17-jre-headless --cache-dir="$work/debs" \
    "$suite" "$rootfs" "$mirror"

unmount_rootfs

# 2. Drop what a container does not need: package caches and lists, docs (but not the licences),
#    man/info pages, logs, and files the runtime provides (/dev, /proc, /sys, resolv.conf, hostname).
rm -rf --one-file-system "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/lib/dpkg/*-old "$rootfs"/var/log/* "$rootfs"/usr/share/man/* \
    "$rootfs"/usr/share/info/* "$rootfs"/usr/share/lintian "$rootfs"/tmp/* "$rootfs"/var/tmp/* \
    "$rootfs"/run/* "$rootfs"/dev/* "$rootfs"/proc/* "$rootfs"/sys/* "$rootfs"/var/cache/ldconfig/* \
    "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname "$rootfs"/etc/machine-id
find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
find "$rootfs/usr/share/doc" -depth -type d -empty -delete
: > "$rootfs/etc/machine-id"   # empty: systemd-less containers expect the file, not an id

# 3. The root filesystem as one layer: sorted, numeric owners, clamped times, so the same packages
#    give the same layer, but for /etc/ssl/certs/java/cacerts (keytool writes it with a random salt).
tar --create --file "$image/layer.tar" --directory "$rootfs" --sort=name --numeric-owner \
    --mtime="@$epoch" --clamp-mtime .
diff_id=sha256:$(sha256sum "$image/layer.tar" | cut -d' ' -f1)   # digest of the uncompressed layer
gzip -n -f "$image/layer.tar"                                     # Jib keeps gzipped layers as they are

# 4. The image config (OCI/Docker image spec): platform, environment, the layer's diff id.
arch=$(dpkg --print-architecture)   # amd64, arm64, ... (Debian and OCI names agree for these)
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
cat > "$image/config.json" <<EOF
{
  "architecture": "$arch",
  "os": "linux",
  "created": "$created",
  "config": {
    "Env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$arch",
      "LANG=C.UTF-8"
    ],
    "Cmd": ["/bin/bash"]
  },
  "rootfs": { "type": "layers", "diff_ids": ["$diff_id"] },
  "history": [ { "created": "$created", "created_by": "k8s/base-image/build.sh: debootstrap $suite + openjdk-17-jre-headless" } ]
}
EOF

# 5. `docker save` layout: manifest.json names the config and the layers, bottom layer first.
cat > "$image/manifest.json" <<EOF
[ { "Config": "config.json", "RepoTags": ["chorus/relay-base:bookworm-jre17"], "Layers": ["layer.tar.gz"] } ]
EOF
mkdir -p "$(dirname "$out")"
tar --create --file "$out.tmp" --directory "$image" --sort=name --numeric-owner --owner=0 --group=0 \
    --mtime="@$epoch" manifest.json config.json layer.tar.gz
mv "$out.tmp" "$out"
rm -rf --one-file-system "$rootfs" "$image"   # keep only the .deb cache for the next run
echo "base image: $out ($(du -h "$out" | cut -f1)); build the relay image with"
echo "  mvn -P image -Djib.from.image=tar://$out -pl relay-actors -am package -DskipTests"
