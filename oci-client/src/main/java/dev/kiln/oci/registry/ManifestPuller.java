package dev.kiln.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.registry.auth.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * {@code GET} and {@code HEAD /v2/<repo>/manifests/<ref>} with the full manifest Accept list (the
 * Debian registry 2.8.2 answers 404 to OCI content when the OCI types are missing).
 */
final class ManifestPuller {

  /** Manifests larger than this are refused; the spec expects registries to accept 4 MB. */
  static final int MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

  static final String ACCEPT = String.join(", ", MediaTypes.ALL_MANIFESTS);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryTransport transport;

  ManifestPuller(RegistryTransport transport) {
    this.transport = transport;
  }

  ManifestContent pull(String repository, String reference) throws RegistryException {
    String context =
        "pulling manifest " + reference + " from " + transport.registryHost() + "/" + repository;
    Exchange exchange = exchange("GET", repository, reference, context);
    Optional<Digest> requested = asDigest(reference);
    return transport.call(
        exchange,
        response -> {
          byte[] bytes = readCapped(response, context);
          String algorithm = requested.map(Digest::algorithm).orElse(Digest.SHA256);
          Digest computed = Digest.of(algorithm, Digests.newDigest(algorithm).digest(bytes));
          if (requested.isPresent() && !requested.get().equals(computed)) {
            throw new DigestMismatchException(
                context + ": the registry sent content with digest " + computed,
                requested.get(),
                computed);
          }
          verifyHeaderDigest(response, bytes, context);
          return new ManifestContent(bytes, mediaType(response, bytes, context), computed);
        });
  }

  Optional<Descriptor> head(String repository, String reference) throws RegistryException {
    String context =
        "checking manifest " + reference + " in " + transport.registryHost() + "/" + repository;
    Exchange exchange = exchange("HEAD", repository, reference, context).passThrough(404);
    Optional<Digest> requested = asDigest(reference);
    return transport.call(
        exchange,
        response -> {
          if (response.code() == 404) {
            return Optional.empty();
          }
          String header = response.header("Docker-Content-Digest");
          Digest digest;
          if (header != null && Digest.isValid(header.trim())) {
            digest = Digest.parse(header.trim());
          } else if (requested.isPresent()) {
            digest = requested.get();
          } else {
            throw new RegistryException(
                context + ": the registry sent no valid Docker-Content-Digest; pull by GET", null);
          }
          if (requested.isPresent() && !requested.get().equals(digest)) {
            throw new DigestMismatchException(
                context + ": the registry reported digest " + digest, requested.get(), digest);
          }
          String type = baseType(response.header("Content-Type"));
          long size = parseLength(response.header("Content-Length"));
          return Optional.of(
              Descriptor.of(type == null ? "application/octet-stream" : type, digest, size));
        });
  }

  private Exchange exchange(String method, String repository, String reference, String context) {
    HttpUrl url =
        transport.repo(repository).addPathSegment("manifests").addPathSegment(reference).build();
    return Exchange.of(method, url, Set.of(Scope.pull(repository)), context)
        .withHeaders(Headers.of("Accept", ACCEPT))
        .notFound(ErrorCode.MANIFEST_UNKNOWN);
  }

  private static byte[] readCapped(Response response, String context)
      throws IOException, RegistryException {
    try (InputStream in = response.body().byteStream()) {
      byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
      if (bytes.length > MAX_MANIFEST_BYTES) {
        throw new RegistryException(
            context + ": the manifest is larger than " + MAX_MANIFEST_BYTES + " bytes", null);
      }
      return bytes;
    }
  }

  private static void verifyHeaderDigest(Response response, byte[] bytes, String context)
      throws RegistryException {
    String header = response.header("Docker-Content-Digest");
    if (header == null || header.isBlank()) {
      return;
    }
    Digest claimed;
    try {
      claimed = Digest.parse(header.trim());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          context + ": the registry sent a malformed Docker-Content-Digest header", e);
    }
    Digest actual =
        Digest.of(claimed.algorithm(), Digests.newDigest(claimed.algorithm()).digest(bytes));
    if (!claimed.equals(actual)) {
      throw new DigestMismatchException(
          context
              + ": Docker-Content-Digest says "
              + claimed
              + " but the content hashes to "
              + actual,
          claimed,
          actual);
    }
  }

  /**
   * The manifest media type: Content-Type without parameters when it is a manifest type, else the
   * JSON {@code mediaType} field. A body whose {@code mediaType} contradicts a manifest
   * Content-Type is rejected, as the spec asks.
   */
  static String mediaType(Response response, byte[] bytes, String context)
      throws RegistryException {
    String header = baseType(response.header("Content-Type"));
    String field = null;
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root != null && root.path("mediaType").isTextual()) {
        field = root.get("mediaType").asText();
      }
    } catch (IOException e) {
      throw new RegistryException(context + ": the manifest is not valid JSON", e);
    }
    if (header != null && MediaTypes.isManifest(header)) {
      if (field != null && !field.equals(header)) {
        throw new RegistryException(
            context + ": Content-Type " + header + " contradicts the manifest's mediaType " + field,
            null);
      }
      return header;
    }
    if (field != null) {
      return field;
    }
    if (header != null && !header.equals("application/json") && !header.startsWith("text/")) {
      return header;
    }
    throw new RegistryException(
        context + ": cannot tell the manifest's media type (no Content-Type, no mediaType field)",
        null);
  }

  static String baseType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim();
    return t.isEmpty() ? null : t.toLowerCase(Locale.ROOT);
  }

  static Optional<Digest> asDigest(String reference) {
    return reference.contains(":") && Digest.isValid(reference)
        ? Optional.of(Digest.parse(reference))
        : Optional.empty();
  }

  private static long parseLength(String value) {
    try {
      return value == null ? 0 : Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
