#!/usr/bin/env bash
# Issue 8's "a step that writes 64 MiB costs no more than the process writing it plus 20 %": in
# ROUNDS (default 5) interleaved rounds, times the process alone on the host (`dd` of 64 MiB from
# /dev/urandom into a file on the file system of kiln's root) and the same command as a RUN step
# of kiln (its vertex's started → completed in --progress=rawjson: container start, the process,
# committing the snapshot). Each kiln round runs a new step (a build arg in the command busts the
# cache) on one warm --root, so only the step itself is measured. Prints the samples, the medians
# and step/process, and the cost of a RUN around a trivial process (a step of `echo`), which is
# steadier than the ratio on a machine whose dd time varies from run to run. The base image is busybox-static built by kiln into an OCI layout. Needs root,
# runc, busybox-static, python3. Temp data under ${TMPDIR:-/var/tmp}, removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/benchmarks/scripts/lib.sh"
rounds=${ROUNDS:-5}
[[ $(id -u) -eq 0 ]] || { echo "run-step-cost: needs root (RUN executes with runc)" >&2; exit 2; }
for t in runc busybox python3; do
  command -v "$t" >/dev/null || { echo "run-step-cost: $t is missing" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-step.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM HUP
kiln() { (cd "$ROOT" && ./kiln "$@"); }

busybox_context "$work/base"
kiln build --root "$work/root" --progress=quiet -t bench:1 \
  -o "type=oci,dest=$work/layout,tar=false" "$work/base"
mkdir -p "$work/ctx"
cat >"$work/ctx/Dockerfile" <<EOF
FROM oci-layout://$work/layout:1
ARG ROUND
RUN echo "\$ROUND" >/round && dd if=/dev/urandom of=/data bs=1M count=64 2>/dev/null
EOF
# The same step without the 64 MiB: what a RUN costs around its process (mount, runc, commit).
mkdir -p "$work/tiny"
cat >"$work/tiny/Dockerfile" <<EOF
FROM oci-layout://$work/layout:1
ARG ROUND
RUN echo "\$ROUND" >/round
EOF

# The RUN vertex's duration in ms, from kiln's rawjson events on stdin.
step_ms() {
  python3 -c '
import json, sys
from datetime import datetime
def t(s):
    s = s.rstrip("Z")
    whole, _, frac = s.partition(".")
    return datetime.fromisoformat(whole).timestamp() + float("0." + (frac or "0"))
start = end = None
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    for v in json.loads(line).get("vertexes", []):
        if "RUN " in v.get("name", ""):
            start = v.get("started", start)
            end = v.get("completed", end)
print(int(round((t(end) - t(start)) * 1000)))
'
}

declare -a proc step tiny
for r in $(seq 1 "$rounds"); do
  s=$(date +%s%N)
  dd if=/dev/urandom of="$work/root/dd.out" bs=1M count=64 2>/dev/null
  e=$(date +%s%N)
  rm -f "$work/root/dd.out"
  proc+=($(((e - s) / 1000000)))
  ms=$(kiln build --root "$work/root" --progress=rawjson --build-arg "ROUND=$r-$RANDOM" "$work/ctx" 2>&1 |
    step_ms)
  step+=("$ms")
  t=$(kiln build --root "$work/root" --progress=rawjson --build-arg "ROUND=$r-$RANDOM" "$work/tiny" 2>&1 |
    step_ms)
  tiny+=("$t")
  printf 'round %d: process %5d ms   RUN step %5d ms   RUN of echo alone %4d ms\n' "$r" \
    "${proc[-1]}" "$ms" "$t"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
mp=$(median "${proc[@]}")
ms=$(median "${step[@]}")
mt=$(median "${tiny[@]}")
echo
echo "medians of $rounds rounds; $(nproc) cores; $(date -u +%Y-%m-%d)"
printf 'process alone %d ms; RUN step %d ms; step/process %s (target <= 1.20)\n' "$mp" "$ms" \
  "$(awk -v a="$ms" -v b="$mp" 'BEGIN{printf "%.2f", a/b}')"
printf 'a RUN around its process (a step of echo alone): %d ms; process + that = %s x the process\n' \
  "$mt" "$(awk -v a="$mt" -v b="$mp" 'BEGIN{printf "%.2f", (a+b)/b}')"
