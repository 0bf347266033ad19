#!/usr/bin/env bash
# Checks "building a context of 1 GiB into a layer keeps the JVM heap under 256 MiB (-Xmx256m)":
# creates a 1 GiB context of incompressible data (one 600 MiB file, two more large files, 10,000
# files of 4 KiB in 100 directories), then runs dev.kiln.benchmarks.ContextLayerCheck (local context
# → COPY . / onto scratch → gzip layer in the content store) under java -Xmx256m.
# Exit 0 only when the build succeeds with a peak heap <= 256 MiB. All data (about 5 GiB with the
# worker's snapshots and the blob) lives in one temp dir under ${TMPDIR:-/var/tmp}, removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/benchmarks/scripts/lib.sh"

ensure_jar
work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-context-1gib.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM HUP

ctx="$work/context"
mkdir -p "$ctx/big"
small_bytes=$((10000 * 4096))
total=$((1024 * 1024 * 1024))
head -c $((600 * 1024 * 1024)) /dev/urandom >"$ctx/big/one-600m.bin"
head -c $((256 * 1024 * 1024)) /dev/urandom >"$ctx/big/two-256m.bin"
head -c $((total - small_bytes - 856 * 1024 * 1024)) /dev/urandom >"$ctx/big/three.bin"
for i in $(seq -w 0 99); do
  mkdir -p "$ctx/small/d$i"
  head -c $((100 * 4096)) /dev/urandom | split -b 4096 -d -a 3 - "$ctx/small/d$i/f"
done
echo "context: $(du -sb "$ctx" | cut -f1) bytes in $(find "$ctx" -type f | wc -l) files"

run_check "$work/check.log" dev.kiln.benchmarks.ContextLayerCheck "$ctx" "$work/state"
