#!/usr/bin/env bash
# How the launcher's JVM flags were chosen (issue 8): times candidate flag sets, each with its own
# class-data-sharing archive as ./kiln keeps one, on (1) a no-change rebuild of examples/hello to an
# OCI tar and (2) a cold build of a ~100 MB context (LayerInput's tree plus `seq 1 4000000`) onto
# scratch to an OCI tar, which hashes (context checksum, diffID, blob digest) and gzips it all.
# ROUNDS (default 5) interleaved rounds; prints the medians of the wall time and of the CPU time
# (user + system of the JVM and its threads: C2's compile threads show there, and a machine loaded
# by other work distorts it less than wall time). Needs cli/target/kiln.jar (built by
# ./kiln on first use) and benchmarks/target/benchmarks.jar. Temp data under ${TMPDIR:-/var/tmp}.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/benchmarks/scripts/lib.sh"
rounds=${ROUNDS:-5}
jar="$ROOT/cli/target/kiln.jar"
[[ -f $jar ]] || (cd "$ROOT" && ./kiln --help >/dev/null)
ensure_jar
declare -A variants=(
  [c1-serial]="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
  [c2-serial]="-XX:+UseSerialGC"
  [c2-parallel]="-XX:+UseParallelGC"
  [c2-g1]="-XX:+UseG1GC"
  # C2 only for what is really hot: tier-4 thresholds ten times the defaults.
  [c2-lazy-serial]="-XX:+UseSerialGC -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000 -XX:MetaspaceSize=128m"
)
# VARIANTS picks some (names above); all by default.
read -r -a names <<<"${VARIANTS:-c1-serial c2-serial c2-parallel c2-g1 c2-lazy-serial}"
work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-flags.XXXXXX")
trap 'rm -rf "$work"' EXIT
java -cp "$JAR" dev.kiln.benchmarks.LayerInput "$work/big" && rm "$work/big/layer.tar"
seq 1 4000000 >"$work/big/tree/seq"
printf 'FROM scratch\nCOPY . /\n' >"$work/big/tree/Dockerfile"
echo "context: $(du -sm "$work/big/tree" | cut -f1) MB" >&2

kiln() { # variant args...
  local v=$1
  shift
  local jsa="$work/$v.jsa" share
  if [[ -f $jsa ]]; then share="-XX:SharedArchiveFile=$jsa -Xshare:auto"; else share="-XX:ArchiveClassesAtExit=$jsa"; fi
  # shellcheck disable=SC2086
  java ${variants[$v]} $share -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" build --progress=quiet "$@" >/dev/null
}
timed() { # key args... → appends "wall_ms cpu_ms" samples
  local key=$1 out
  shift
  out=$( { /usr/bin/time -f '%e %U %S' bash -c "$(declare -f kiln); $(declare -p variants work jar); kiln $*" >/dev/null; } 2>&1 | tail -1)
  wall[$key]+="$(awk '{printf "%d", $1*1000}' <<<"$out") "
  cpu[$key]+="$(awk '{printf "%d", ($2+$3)*1000}' <<<"$out") "
}
for v in "${names[@]}"; do # fill each variant's cache and CDS archive
  kiln "$v" --root "$work/$v-hello" -o "type=oci,dest=$work/$v-hello.tar" "$ROOT/examples/hello"
  kiln "$v" --root "$work/$v-hello" -o "type=oci,dest=$work/$v-hello.tar" "$ROOT/examples/hello"
done
declare -A wall cpu
for r in $(seq 1 "$rounds"); do
  for v in "${names[@]}"; do
    timed "$v-hello" "$v" --root "$work/$v-hello" -o "type=oci,dest=$work/$v-hello.tar" "$ROOT/examples/hello"
    rm -rf "$work/$v-big"
    timed "$v-big" "$v" --root "$work/$v-big" -o "type=oci,dest=$work/$v-big.tar" "$work/big/tree"
    rm -rf "$work/$v-big" "$work/$v-big.tar"
  done
  echo "round $r of $rounds done" >&2
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "medians of $rounds rounds; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-15s %-44s %19s %19s\n' variant flags "hello: wall / cpu" "100 MB: wall / cpu"
for v in "${names[@]}"; do
  printf '%-15s %-44s %8s / %5s ms %8s / %5s ms\n' "$v" "${variants[$v]}" \
    "$(echo "${wall[$v-hello]}" | median)" "$(echo "${cpu[$v-hello]}" | median)" \
    "$(echo "${wall[$v-big]}" | median)" "$(echo "${cpu[$v-big]}" | median)"
done
