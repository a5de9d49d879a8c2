#!/usr/bin/env bash
# Runs the relay image without Docker, to check that it starts: unpacks the OCI image tarball Jib
# wrote (index.json -> manifest -> config + layers), extracts its layers in order into a root
# filesystem, and runs the config's Entrypoint (+ the arguments given here, else its Cmd) with its
# Env and WorkingDir, chrooted, in fresh mount, PID and network namespaces (only loopback, so
# nothing it binds is reachable from outside). Stops it once it prints the ready line.
#
#   sudo k8s/base-image/run-image.sh [IMAGE.tar] [relay args...]
#     IMAGE.tar  default relay-actors/target/jib-image.tar
#     args       default --host 127.0.0.1 --control-port 0 --video-port 0 --audio-port 0
#
# Needs root, jq, tar, unshare and ip (util-linux, iproute2). Exit 0 if the relay got ready.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tarball=$(realpath "${1:-$repo/relay-actors/target/jib-image.tar}")
shift $(( $# > 0 ? 1 : 0 ))
args=("$@")
(( ${#args[@]} )) || args=(--host 127.0.0.1 --control-port 0 --video-port 0 --audio-port 0)
ready="Chorus relay ready control="
timeout=${READY_TIMEOUT:-60}

work=$(mktemp -d /tmp/chorus-image.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf --one-file-system "$work"' EXIT
pid=
oci=$work/oci
rootfs=$work/rootfs
mkdir -p "$oci" "$rootfs"
tar -xf "$tarball" -C "$oci"

blob() { echo "$oci/blobs/${1/://}"; }   # sha256:abc -> blobs/sha256/abc
manifest=$(blob "$(jq -r '.manifests[0].digest' "$oci/index.json")")
config=$(blob "$(jq -r '.config.digest' "$manifest")")

# Layers bottom first (Jib's pax headers carry LIBARCHIVE.* keywords GNU tar does not know: not
# warned about). Jib's layers add files only; a whiteout (a deletion) is not handled here.
for layer in $(jq -r '.layers[].digest' "$manifest"); do
    if tar -tzf "$(blob "$layer")" --warning=no-unknown-keyword | grep -E '(^|/)\.wh\.' >/dev/null; then
        echo "run-image.sh: layer $layer has whiteouts, not supported" >&2
        exit 1
    fi
    tar -xzf "$(blob "$layer")" -C "$rootfs" --numeric-owner --warning=no-unknown-keyword
done

mapfile -t env < <(jq -r '.config.Env // [] | .[]' "$config")
mapfile -t cmd < <(jq -r '.config.Entrypoint // [] | .[]' "$config")
cmd+=("${args[@]}")
workdir=$(jq -r '.config.WorkingDir // "/"' "$config")
mkdir -p "$rootfs$workdir"   # a runtime creates a missing WorkingDir too
echo "entrypoint: ${cmd[*]}  (workdir $workdir)" >&2

# The device nodes a runtime would give: bind them from the host, in the private mount namespace.
inside='set -e
ip link set lo up
for d in null zero full random urandom; do touch "$ROOTFS/dev/$d"; mount --bind "/dev/$d" "$ROOTFS/dev/$d"; done
mkdir -p "$ROOTFS/dev/shm"; mount -t tmpfs shm "$ROOTFS/dev/shm"
exec chroot "$ROOTFS" /usr/bin/env -i "$@"'
# --kill-child: if this script is stopped, unshare's death kills the relay too.
ROOTFS=$rootfs unshare --mount --pid --net --fork --kill-child --mount-proc="$rootfs/proc" \
    bash -c "$inside" run-image "${env[@]}" sh -c 'cd "$0" && exec "$@"' "$workdir" "${cmd[@]}" \
    > "$work/out" 2>&1 &
pid=$!

for ((i = 0; i < timeout * 5; i++)); do
    if grep -q "^$ready" "$work/out"; then
        grep "^$ready" "$work/out"
        # SIGTERM to the relay (PID 1 of the namespace, the only child of unshare), as a runtime stops it.
        kill -TERM "$(pgrep -P "$pid")"; wait "$pid" || true
        grep -v "^$ready" "$work/out" | tail -n 3 >&2
        echo "run-image.sh: the image runs the relay; stopped it" >&2
        exit 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
cat "$work/out" >&2
echo "run-image.sh: no '$ready' line within ${timeout}s" >&2
exit 1
