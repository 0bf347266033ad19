#!/usr/bin/env bash
# kiln's hot paths against the command-line tools on the same input, in one run: the ~70 MiB tar
# of LayerInput's tree (text and random bytes) through openssl dgst -sha256, sha256sum, gzip -6,
# pigz -6, zstd -3 -T0 and kiln's sha256, gzip, zstd and whole layer path (KilnThroughput).
# ROUNDS (default 3) interleaved rounds: each round times every tool once, then kiln in a fresh
# JVM (two warm-up passes, one timed). Prints the medians as MB/s (10^6 bytes / s) of wall time and
# of CPU time (user + system, all threads: what a loaded machine cannot distort much) and kiln/tool
# ratios against issue 8's targets. Files are read from the page cache; outputs are discarded.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/benchmarks/scripts/lib.sh"
rounds=${ROUNDS:-3}
# The launcher's JVM flags (./kiln), so kiln is measured as users run it.
java_flags=${JAVA_FLAGS:-$(sed -n 's/^jvm_flags="\(.*\)"$/\1/p' "$ROOT/kiln")}
for t in openssl sha256sum gzip pigz zstd; do
  command -v "$t" >/dev/null || { echo "compare-tools: $t is missing (apt-get install $t)" >&2; exit 1; }
done
ensure_jar
dir=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-compare.XXXXXX")
trap 'rm -rf "$dir"' EXIT
java -cp "$JAR" dev.kiln.benchmarks.LayerInput "$dir"
tar="$dir/layer.tar"
bytes=$(stat -c %s "$tar")
cat "$tar" >/dev/null # page cache

declare -A tool_cmd=(
  [openssl]="openssl dgst -sha256 '$tar' >/dev/null"
  [sha256sum]="sha256sum '$tar' >/dev/null"
  [gzip-6]="gzip -6 -c '$tar' >/dev/null"
  [pigz-6]="pigz -6 -c '$tar' >/dev/null"
  [zstd-3-T0]="zstd -q -3 -T0 -c '$tar' >/dev/null"
)
declare -A wall cpu
for r in $(seq 1 "$rounds"); do
  for t in openssl sha256sum gzip-6 pigz-6 zstd-3-T0; do
    read -r e u s < <(/usr/bin/time -f '%e %U %S' sh -c "${tool_cmd[$t]}" 2>&1 >/dev/null | tail -1)
    wall[$t]+="$e "
    cpu[$t]+="$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}') "
  done
  # shellcheck disable=SC2086
  while read -r name w c; do
    wall[$name]+="$w "
    cpu[$name]+="$c "
  done < <(java $java_flags -cp "$JAR" dev.kiln.benchmarks.KilnThroughput "$dir" 1)
  echo "round $r of $rounds done" >&2
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
declare -A mw mc
for k in "${!wall[@]}"; do
  mw[$k]=$(echo "${wall[$k]}" | median)
  mc[$k]=$(echo "${cpu[$k]}" | median)
done
mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN{printf "%.0f", b/1e6/s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

echo
echo "input: $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}') MiB tar; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); medians of $rounds rounds; JVM flags: $java_flags"
echo "MB/s of wall time | MB/s of CPU time (user+system); ratio = kiln/tool throughput"
printf '%-11s %6s %6s  %-10s %6s %6s  %6s %6s  %s\n' "kiln path" wall cpu tool wall cpu "wall" "cpu" target
row() { # kiln-path tool target
  local k=$1 t=$2 target=$3
  printf '%-11s %6s %6s  %-10s %6s %6s  %5sx %5sx  %s\n' "$k" "$(mbs "${mw[$k]}")" "$(mbs "${mc[$k]}")" \
    "$t" "$(mbs "${mw[$t]}")" "$(mbs "${mc[$t]}")" "$(ratio "${mw[$t]}" "${mw[$k]}")" \
    "$(ratio "${mc[$t]}" "${mc[$k]}")" "$target"
}
row sha256 openssl ">= 0.9x"
row sha256 sha256sum "-"
row gzip6 gzip-6 "-"
row gzip6 pigz-6 "-"
row layer-gzip pigz-6 ">= 1.0x (gzip layer export, wall)"
row zstd3 zstd-3-T0 ">= 0.9x"
row layer-zstd zstd-3-T0 "-"
for c in gzip zstd; do
  step=$([ $c = gzip ] && echo gzip6 || echo zstd3)
  echo "layer-$c / its compression alone: wall $(ratio "${mw[layer-$c]}" "${mw[$step]}"), cpu $(ratio "${mc[layer-$c]}" "${mc[$step]}") (target <= 1.15)"
done
