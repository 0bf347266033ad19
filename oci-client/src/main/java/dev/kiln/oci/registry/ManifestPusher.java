package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.registry.auth.Scope;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;

/**
 * {@code PUT /v2/<repo>/manifests/<tag or digest>} with {@code Content-Type} set to the manifest's
 * media type. The exact bytes are sent, so the registry stores what we hashed.
 */
final class ManifestPusher {

  private final RegistryTransport transport;

  ManifestPusher(RegistryTransport transport) {
    this.transport = transport;
  }

  Digest push(String repository, String reference, byte[] bytes, String mediaType)
      throws RegistryException {
    Digest computed = Digests.sha256(bytes);
    String context =
        "pushing manifest "
            + computed.shortForm()
            + " as "
            + reference
            + " to "
            + transport.registryHost()
            + "/"
            + repository;
    Optional<Digest> byDigest = ManifestPuller.asDigest(reference);
    if (byDigest.isPresent()
        && !byDigest
            .get()
            .equals(
                Digest.of(
                    byDigest.get().algorithm(),
                    Digests.newDigest(byDigest.get().algorithm()).digest(bytes)))) {
      throw new DigestMismatchException(
          context + ": the manifest bytes do not hash to the digest given as reference",
          byDigest.get(),
          computed);
    }
    HttpUrl url =
        transport.repo(repository).addPathSegment("manifests").addPathSegment(reference).build();
    // RequestBody.create over a byte[] is replayable: retries and auth replays send it again.
    RequestBody body = RequestBody.create(bytes, MediaType.get(mediaType));
    Exchange exchange =
        Exchange.of("PUT", url, Set.of(Scope.push(repository)), context)
            .withBody(body, true)
            .notFound(ErrorCode.NAME_UNKNOWN);
    return transport.call(
        exchange,
        response -> {
          String header = response.header("Docker-Content-Digest");
          if (header != null && !header.isBlank()) {
            Digest returned;
            try {
              returned = Digest.parse(header.trim());
            } catch (IllegalArgumentException e) {
              throw new RegistryException(
                  context + ": the registry answered a malformed Docker-Content-Digest", e);
            }
            Digest expected =
                Digest.of(
                    returned.algorithm(), Digests.newDigest(returned.algorithm()).digest(bytes));
            if (!returned.equals(expected)) {
              throw new DigestMismatchException(
                  context + ": the registry stored it as " + returned, expected, returned);
            }
          }
          return computed;
        });
  }
}
