#!/usr/bin/env bash
# Runs every kiln test on a Debian 12 machine: installs what the tests need, starts dockerd when no
# Docker engine answers, seeds the local registry image, then runs unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=(docker.io docker-registry skopeo runc busybox-static umoci zstd pigz attr)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-all: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

# A Docker engine for Testcontainers and for docker as an independent client.
if ! docker info >/dev/null 2>&1; then
  echo "test-all: starting dockerd"
  log="${TMPDIR:-/tmp}/kiln-dockerd.log"
  nohup dockerd --iptables=false --ip6tables=false >"$log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "test-all: dockerd did not start; see $log" >&2; tail -20 "$log" >&2; exit 1; }
fi

bash scripts/seed-registry-image.sh registry:2

export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost
exec mvn -B -ntp verify "$@"
