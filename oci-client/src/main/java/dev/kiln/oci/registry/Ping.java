package dev.kiln.oci.registry;

import java.util.Set;

/** {@code GET /v2/}: checks that the host speaks the Distribution API and that we may use it. */
final class Ping {

  private final RegistryTransport transport;

  Ping(RegistryTransport transport) {
    this.transport = transport;
  }

  void ping() throws RegistryException {
    Exchange exchange =
        Exchange.of(
            "GET",
            transport.v2().addPathSegment("").build(),
            Set.of(),
            "checking registry " + transport.registryHost());
    transport.call(exchange, response -> null);
  }
}
