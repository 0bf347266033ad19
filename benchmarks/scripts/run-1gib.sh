#!/usr/bin/env bash
# Checks "a RUN that writes 1 GiB produces its layer with the JVM heap under 256 MiB": builds a
# busybox rootfs (Debian's static /bin/busybox, package busybox-static), then runs
# dev.kiln.benchmarks.RunLayerCheck (rootfs as a local context → COPY onto scratch →
# RUN head -c 1073741824 /dev/urandom > /big in runc → gzip layer) under java -Xmx256m.
# Needs root and runc. Exit 0 only when the build succeeds with a peak heap <= 256 MiB. All data
# (about 4 GiB: the run's snapshot, the layer blob, the committed snapshot) lives in one temp dir
# under ${TMPDIR:-/var/tmp}, removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/benchmarks/scripts/lib.sh"

if [[ $(id -u) -ne 0 ]]; then
  echo "run-1gib.sh needs root (RUN executes with runc)" >&2
  exit 2
fi
if [[ ! -x /bin/busybox ]]; then
  echo "run-1gib.sh needs /bin/busybox: install the Debian package busybox-static" >&2
  exit 2
fi

ensure_jar
work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-run-1gib.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM HUP

rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in sh head ls cat; do
  ln -s busybox "$rootfs/bin/$applet"
done
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"

run_check "$work/check.log" dev.kiln.benchmarks.RunLayerCheck "$rootfs" "$work/state" \
  $((1024 * 1024 * 1024))
