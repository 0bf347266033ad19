#!/usr/bin/env bash
# Seeds a local `registry:2` image from Debian's docker-registry package, so the integration tests
# can run a real CNCF distribution registry without pulling anything. The image is FROM scratch and
# holds the registry binary, the libc it links against, and the same default config as the
# upstream image (filesystem storage under /var/lib/registry, no auth, :5000).
# On a machine with internet and no such local image, Testcontainers would pull the real one; here
# the test command always seeds it first.
set -euo pipefail

image="${1:-registry:2}"
if docker image inspect "$image" >/dev/null 2>&1 \
   && [ "$(docker image inspect -f '{{index .Config.Labels "dev.kiln.seeded"}}' "$image" 2>/dev/null)" = "debian-docker-registry" ]; then
  exit 0
fi

bin=/usr/bin/docker-registry
[ -x "$bin" ] || { echo "seed-registry-image: $bin is missing; install the Debian package docker-registry" >&2; exit 1; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/etc/docker/registry" "$ctx/rootfs/var/lib/registry" "$ctx/rootfs/tmp"
cp "$bin" "$ctx/rootfs/bin/registry"
# Copy every shared object the binary links against, at the same paths.
ldd "$bin" | awk '/=>/ {print $3} !/=>/ && $1 ~ /^\// {print $1}' | while read -r lib; do
  [ -n "$lib" ] && [ -e "$lib" ] || continue
  mkdir -p "$ctx/rootfs$(dirname "$lib")"
  cp -L "$lib" "$ctx/rootfs$lib"
done
cat > "$ctx/rootfs/etc/docker/registry/config.yml" <<'YAML'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
YAML
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
VOLUME ["/var/lib/registry"]
EXPOSE 5000
LABEL dev.kiln.seeded=debian-docker-registry
ENTRYPOINT ["/bin/registry"]
CMD ["serve", "/etc/docker/registry/config.yml"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$image" "$ctx" >/dev/null
echo "seed-registry-image: built $image from $bin"
