package dev.kiln.oci.registry;

import dev.kiln.oci.registry.auth.Scope;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import okhttp3.HttpUrl;

/**
 * {@code DELETE /v2/<repo>/manifests/<ref>}. Registries that disable deletion answer 400 or 405
 * with {@code UNSUPPORTED}, which surfaces as a {@link RegistryException} saying so.
 */
final class ManifestDeleter {

  private final RegistryTransport transport;

  ManifestDeleter(RegistryTransport transport) {
    this.transport = transport;
  }

  void delete(String repository, String reference) throws RegistryException {
    String context =
        "deleting manifest " + reference + " from " + transport.registryHost() + "/" + repository;
    HttpUrl url =
        transport.repo(repository).addPathSegment("manifests").addPathSegment(reference).build();
    Set<Scope> scopes = new LinkedHashSet<>();
    // distribution's token auth checks for the "delete" action on DELETE.
    scopes.add(
        new Scope("repository", repository, new TreeSet<>(List.of("delete", "pull", "push"))));
    transport.call(
        Exchange.of("DELETE", url, scopes, context).notFound(ErrorCode.MANIFEST_UNKNOWN),
        response -> null);
  }
}
