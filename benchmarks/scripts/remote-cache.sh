#!/usr/bin/env bash
# Issue 9's speed figures on the reference workload (benchmarks/workloads/multistage-100mb, ~100 MB
# of RUN output in three stages), through ./kiln against Debian's docker-registry on loopback:
#   cold         cold build, no output, no cache export
#   cold+export  cold build with --cache-to type=registry,mode=max        (limit: <= 1.5 x cold)
#   rebuild      no-change rebuild with the same export      (limit: 0 layer bytes uploaded)
#   fresh        --root wiped, rebuild with --cache-from     (limit: only manifests and configs read)
# Prints wall times (median of ROUNDS, default 1), kiln's export summary lines, and per phase the
# registry's requests and response bytes from its access log. The base image (busybox-static) is
# built and pushed by kiln. Needs root, runc, busybox-static, docker-registry. Temp data under
# ${TMPDIR:-/var/tmp}, removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/benchmarks/scripts/lib.sh"
rounds=${ROUNDS:-1}
for t in docker-registry runc busybox; do
  command -v "$t" >/dev/null || { echo "remote-cache: $t is missing" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "remote-cache: needs root (RUN executes with runc)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-remote-cache.XXXXXX")
regpid=""
cleanup() {
  [[ -n "$regpid" ]] && kill "$regpid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM HUP

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
host="127.0.0.1:$port"
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $work/registry
  delete:
    enabled: true
http:
  addr: $host
YML
docker-registry serve "$work/registry.yml" >"$work/access.log" 2>"$work/registry.err" &
regpid=$!
for _ in $(seq 1 50); do curl -fs "http://$host/v2/" >/dev/null 2>&1 && break; sleep 0.2; done

# Base image: busybox-static, pushed by kiln.
bctx="$work/base"
busybox_context "$bctx"
(cd "$ROOT" && ./kiln build --root "$work/base-root" --progress=quiet -t "$host/bench/busybox:1" --push "$bctx")
base="$host/bench/busybox:1"

ctx="$work/ctx"
cp -r "$ROOT/benchmarks/workloads/multistage-100mb" "$ctx"
printf 'mode=benchmark\nrevision=0\n' >"$ctx/app.conf"

now() { date +%s%N; }
declare -A samples
kiln() { # root args...
  local root=$1
  shift
  (cd "$ROOT" && ./kiln build --root "$root" --progress=plain --build-arg "BASE=$base" "$@" "$ctx")
}
mark() { wc -l <"$work/access.log"; }
traffic() { # from-line name: requests and response bytes by kind since line FROM
  tail -n +"$(($1 + 1))" "$work/access.log" | python3 -c '
import re, sys
counts, total = {}, 0
for line in sys.stdin:
    m = re.search(r"\"(GET|HEAD|PUT|POST|PATCH) (\S+) HTTP[^\"]*\" (\d+) (\d+|-)", line)
    if not m:
        continue
    path = m.group(2)
    kind = "manifest" if "/manifests/" in path else ("upload" if "/blobs/uploads" in path else "blob")
    key = m.group(1) + " " + kind
    n, b = counts.get(key, (0, 0))
    counts[key] = (n + 1, b + (0 if m.group(4) == "-" else int(m.group(4))))
    total += 1
print("  %-12s %d requests:" % (sys.argv[1], total)
      + "".join("  %s=%d (%d B)" % (k, n, b) for k, (n, b) in sorted(counts.items())))
' "$2"
}
timed() { # name root args...
  local name=$1 s e
  shift
  s=$(now)
  kiln "$@" >"$work/$name.log" 2>&1 || { echo "FAILED: $name" >&2; tail -40 "$work/$name.log" >&2; exit 1; }
  e=$(now)
  samples[$name]+="$(((e - s) / 1000000)) "
  printf '  %-12s %7d ms\n' "$name" $(((e - s) / 1000000))
}

for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds"
  ref="$host/bench/cache:r$r"
  rm -rf "$work/root-a" "$work/root-b"
  timed cold "$work/root-a"
  m0=$(mark)
  timed cold+export "$work/root-b" --cache-to "type=registry,ref=$ref,mode=max"
  traffic "$m0" cold+export
  grep -o '[0-9]* layers: .*' "$work/cold+export.log" | sed 's/^/  cold+export  summary: /'
  m1=$(mark)
  timed rebuild "$work/root-b" --cache-to "type=registry,ref=$ref,mode=max"
  traffic "$m1" rebuild
  grep -o '[0-9]* layers: .*' "$work/rebuild.log" | sed 's/^/  rebuild      summary: /'
  rm -rf "$work/root-b"
  m2=$(mark)
  timed fresh "$work/root-b" --cache-from "$ref"
  traffic "$m2" fresh
  printf '  fresh        steps: %s CACHED, %s DONE\n' \
    "$(grep -c 'CACHED$' "$work/fresh.log" || true)" "$(grep -c ' DONE ' "$work/fresh.log" || true)"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
c=$(echo "${samples[cold]}" | median)
ce=$(echo "${samples[cold+export]}" | median)
echo
echo "medians of $rounds round(s); $(nproc) cores; $(date -u +%Y-%m-%d)"
echo "  cold ${c} ms, cold+export ${ce} ms: ratio $(awk -v a="$ce" -v b="$c" 'BEGIN{printf "%.2f", a/b}') (limit 1.5)"
echo "  rebuild $(echo "${samples[rebuild]}" | median) ms, fresh $(echo "${samples[fresh]}" | median) ms"
