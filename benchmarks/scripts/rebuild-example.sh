#!/usr/bin/env bash
# No-change rebuild of examples/hello through the CLI (./kiln, JVM start included), as a user runs
# it: one build to fill the cache (and write the launcher's class-data-sharing archive), then RUNS
# timed rebuilds. Prints each wall time and the --debug phase line, and fails when the median
# exceeds the limit of issue 3 (1.5 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
limit_ms=${LIMIT_MS:-1500}
root=$(mktemp -d "${TMPDIR:-/tmp}/kiln-rebuild.XXXXXX")
trap 'rm -rf "$root"' EXIT
out="$root/hello.tar"

./kiln build --root "$root/state" --progress=quiet -o "type=oci,dest=$out" examples/hello
./kiln build --root "$root/state" --progress=quiet -o "type=oci,dest=$out" examples/hello

times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  line=$(./kiln build --debug --root "$root/state" --progress=quiet -o "type=oci,dest=$out" \
    examples/hello 2>&1 | grep '^debug:' || true)
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "rebuild $i: ${ms} ms  ${line#debug: }"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "median no-change rebuild: ${median} ms (limit ${limit_ms} ms)"
if [ "$median" -gt "$limit_ms" ]; then
  echo "FAIL: slower than the limit" >&2
  exit 1
fi
