#!/usr/bin/env bash
# End-to-end benchmark of issue 8 on the reference workload (benchmarks/workloads/multistage-100mb):
# kiln (./kiln, JVM start included) against DOCKER_BUILDKIT=1 /usr/bin/docker build (dockerd's
# builder, which stores the image in dockerd and compresses nothing), in ROUNDS (default 3)
# interleaved rounds. Each round times, for kiln then docker:
#   cold-cache  cold build, no output (kiln: cache only; docker: into dockerd's image store)
#   cold-oci    cold build to an OCI tar (kiln only; compared with docker's cold build)
#   rebuild     no-change rebuild (kiln: to an OCI tar; docker: into its store)
#   rebuild-cache  no-change rebuild with no output (kiln only; compared with docker's rebuild)
#   changed     the same after one context file (app.conf) changed
# A cold kiln build starts from an empty --root; a cold docker build follows `docker builder prune
# -af` and the removal of the previous image. Prints every sample, then the medians and kiln/docker
# ratios. The base image is made from Debian's busybox-static: docker builds it into dockerd, and
# skopeo copies that image into an OCI layout that kiln reads (oci-layout://). Needs root, runc,
# dockerd (20.10), skopeo, busybox-static. Temp data (~1 GiB) under ${TMPDIR:-/var/tmp}, removed
# on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/benchmarks/scripts/lib.sh"
rounds=${ROUNDS:-3}
docker=/usr/bin/docker
base=kiln-bench/busybox:1
image=kiln-bench/multistage:latest
for t in "$docker" skopeo runc busybox; do
  command -v "$t" >/dev/null || { echo "e2e-multistage: $t is missing" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "e2e-multistage: needs root (RUN executes with runc)" >&2; exit 2; }
"$docker" info >/dev/null 2>&1 || { echo "e2e-multistage: dockerd does not answer" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-e2e.XXXXXX")
cleanup() {
  rm -rf "$work"
  "$docker" rmi -f "$image" "$base" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM HUP

# Base image: busybox-static with an applet symlink each, passwd/group, /tmp.
bctx="$work/base"
busybox_context "$bctx"
DOCKER_BUILDKIT=1 "$docker" build -q -t "$base" "$bctx" >/dev/null
skopeo copy -q "docker-daemon:$base" "oci:$work/base-layout:1"
kiln_base="oci-layout://$work/base-layout:1"

ctx="$work/ctx"
cp -r "$ROOT/benchmarks/workloads/multistage-100mb" "$ctx"
(cd "$ROOT" && ./kiln --version >/dev/null 2>&1 || true) # builds the launcher jar once if missing

now() { date +%s%N; }
declare -A samples
sample() { # name ms
  samples[$1]+="$2 "
  printf '  %-18s %6d ms\n' "$1" "$2"
}
timed() { # name command...
  local name=$1 s e
  shift
  s=$(now)
  "$@" >"$work/last.log" 2>&1 || { echo "FAILED: $name: $*" >&2; tail -30 "$work/last.log" >&2; exit 1; }
  e=$(now)
  sample "$name" $(((e - s) / 1000000))
}
kiln() {
  (cd "$ROOT" && ./kiln build --root "$work/kiln-root" --progress=quiet \
    --build-arg "BASE=$kiln_base" "$@" "$ctx")
}
dbuild() {
  DOCKER_BUILDKIT=1 "$docker" build -q --build-arg "BASE=$base" -t "$image" "$ctx"
}
docker_clean() {
  "$docker" rmi -f "$image" >/dev/null 2>&1 || true
  "$docker" builder prune -af >/dev/null
}

for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds"
  printf 'mode=benchmark\nrevision=0\n' >"$ctx/app.conf"
  rm -rf "$work/kiln-root"
  timed kiln-cold-cache kiln
  rm -rf "$work/kiln-root" "$work/out.tar"
  timed kiln-cold-oci kiln -o "type=oci,dest=$work/out.tar"
  timed kiln-rebuild kiln -o "type=oci,dest=$work/out.tar"
  timed kiln-rebuild-cache kiln
  printf 'mode=benchmark\nrevision=%d\n' "$r" >"$ctx/app.conf"
  timed kiln-changed kiln -o "type=oci,dest=$work/out.tar"

  printf 'mode=benchmark\nrevision=0\n' >"$ctx/app.conf"
  docker_clean
  timed docker-cold dbuild
  timed docker-rebuild dbuild
  printf 'mode=benchmark\nrevision=%d\n' "$r" >"$ctx/app.conf"
  timed docker-changed dbuild
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
declare -A med
for k in "${!samples[@]}"; do med[$k]=$(echo "${samples[$k]}" | median); done
echo
echo "medians of $rounds interleaved rounds; $(nproc) cores; $(date -u +%Y-%m-%d)"
printf '%-34s %9s %9s %7s  %s\n' scenario "kiln ms" "docker ms" ratio target
row() { # label kiln-key docker-key target
  printf '%-34s %9s %9s %6sx  %s\n' "$1" "${med[$2]}" "${med[$3]}" \
    "$(awk -v a="${med[$2]}" -v b="${med[$3]}" 'BEGIN{printf "%.2f", a/b}')" "$4"
}
row "cold, no output (cache only)" kiln-cold-cache docker-cold "<= 1.0x"
row "cold, to an OCI tar" kiln-cold-oci docker-cold "<= 2.0x"
row "no-change rebuild, to an OCI tar" kiln-rebuild docker-rebuild "kiln < 1200 ms"
row "no-change rebuild, no output" kiln-rebuild-cache docker-rebuild "kiln < 1200 ms"
row "one changed context file" kiln-changed docker-changed "-"
