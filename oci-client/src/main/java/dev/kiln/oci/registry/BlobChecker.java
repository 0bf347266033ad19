package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;
import dev.kiln.oci.registry.auth.Scope;
import java.util.OptionalLong;
import java.util.Set;
import okhttp3.HttpUrl;

/** {@code HEAD /v2/<repo>/blobs/<digest>}: 200 gives the size, 404 means absent. */
final class BlobChecker {

  private final RegistryTransport transport;

  BlobChecker(RegistryTransport transport) {
    this.transport = transport;
  }

  OptionalLong check(String repository, Digest digest, Set<Scope> scopes) throws RegistryException {
    String context =
        "checking blob "
            + digest.shortForm()
            + " in "
            + transport.registryHost()
            + "/"
            + repository;
    HttpUrl url =
        transport
            .repo(repository)
            .addPathSegment("blobs")
            .addPathSegment(digest.toString())
            .build();
    return transport.call(
        Exchange.of("HEAD", url, scopes, context).notFound(ErrorCode.BLOB_UNKNOWN).passThrough(404),
        response -> {
          if (response.code() == 404) {
            return OptionalLong.empty();
          }
          String length = response.header("Content-Length");
          try {
            return OptionalLong.of(Long.parseLong(length == null ? "" : length.trim()));
          } catch (NumberFormatException e) {
            throw new RegistryException(
                context + ": the registry answered 200 without a valid Content-Length", e);
          }
        });
  }

  static Set<Scope> pullScopes(String repository) {
    return Set.of(Scope.pull(repository));
  }
}
