# Shared by the memory-limit checks in this directory; sourced, not run.
# Needs: ROOT (the repository root). Provides: ensure_jar, run_check, busybox_context.

LIMIT_BYTES=$((256 * 1024 * 1024))
JAR="$ROOT/benchmarks/target/benchmarks.jar"

# Builds the shaded benchmarks jar (offline) unless it exists.
ensure_jar() {
  if [[ ! -f "$JAR" ]]; then
    echo "building $JAR" >&2
    (cd "$ROOT" && mvn -B -q -o package -pl benchmarks -am -DskipTests)
  fi
}

# run_check LOG MAIN ARGS... — runs MAIN under -Xmx256m (or -Xmx$XMX, to probe the headroom), output to the terminal and LOG; returns
# non-zero if the JVM fails, reports an OutOfMemoryError, or the peak heap exceeds 256 MiB.
run_check() {
  local log=$1 main=$2
  shift 2
  local rc=0
  java "-Xmx${XMX:-256m}" -XX:+ExitOnOutOfMemoryError -cp "$JAR" "$main" "$@" 2>&1 | tee "$log" || rc=$?
  if grep -q OutOfMemoryError "$log"; then
    echo "FAIL: OutOfMemoryError under -Xmx${XMX:-256m}" >&2
    return 1
  fi
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: $main exited with $rc" >&2
    return 1
  fi
  local peak
  peak=$(sed -n 's/^PEAK_HEAP_BYTES=\([0-9]*\)$/\1/p' "$log")
  if [[ -z "$peak" ]]; then
    echo "FAIL: $main did not report PEAK_HEAP_BYTES" >&2
    return 1
  fi
  if ((peak > LIMIT_BYTES)); then
    echo "FAIL: peak heap $((peak / 1048576)) MiB exceeds 256 MiB" >&2
    return 1
  fi
  echo "PASS: peak heap $((peak / 1048576)) MiB <= 256 MiB"
}

# busybox_context DIR — writes a base-image build context to DIR: Debian's busybox-static with an
# applet symlink each, passwd/group, /tmp, and a Dockerfile (FROM scratch, COPY . /, PATH, CMD sh).
busybox_context() {
  local dir=$1 a
  mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/root" "$dir/proc" "$dir/sys" "$dir/dev"
  cp "$(readlink -f "$(command -v busybox)")" "$dir/bin/busybox"
  for a in $(busybox --list); do [[ $a == busybox ]] || ln -sf busybox "$dir/bin/$a"; done
  chmod 1777 "$dir/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
  printf 'root:x:0:\n' >"$dir/etc/group"
  printf 'FROM scratch\nCOPY . /\nENV PATH=/usr/sbin:/usr/bin:/sbin:/bin\nCMD ["sh"]\n' >"$dir/Dockerfile"
}
