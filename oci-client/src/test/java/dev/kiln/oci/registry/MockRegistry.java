package dev.kiln.oci.registry;

import dev.kiln.oci.registry.auth.RegistryAuthorizer;
import dev.kiln.oci.registry.auth.Scope;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Shared set-up: a MockWebServer on 127.0.0.1, a recording sleeper, and a client factory. */
abstract class MockRegistry {

  MockWebServer server;
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  final List<RegistryClient> clients = new ArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stopServer() {
    clients.forEach(RegistryClient::close);
    server.close();
  }

  String host() {
    return "127.0.0.1:" + server.getPort();
  }

  RegistryClient client() throws RegistryException {
    return client(b -> b);
  }

  RegistryClient client(UnaryOperator<RegistryClientBuilder> config) throws RegistryException {
    RegistryClient c =
        config
            .apply(
                RegistryClient.builder(host())
                    .sleeper(sleeps::add)
                    .retryPolicy(
                        new RetryPolicy(
                            4,
                            Duration.ofMillis(100),
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(30))))
            .build();
    clients.add(c);
    return c;
  }

  void enqueue(int code, String... headerPairs) {
    server.enqueue(response(code, null, headerPairs));
  }

  void enqueueBody(int code, String body, String... headerPairs) {
    server.enqueue(response(code, body, headerPairs));
  }

  static MockResponse response(int code, String body, String... headerPairs) {
    MockResponse.Builder b = new MockResponse.Builder().code(code);
    for (int i = 0; i < headerPairs.length; i += 2) {
      b.addHeader(headerPairs[i], headerPairs[i + 1]);
    }
    if (body != null) {
      b.body(body);
    }
    return b.build();
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the client sent no further request");
    }
    return r;
  }

  static String errorJson(String code, String message) {
    return "{\"errors\":[{\"code\":\""
        + code
        + "\",\"message\":\""
        + message
        + "\",\"detail\":{}}]}";
  }

  /** An authorizer that starts anonymous and hands out a token after each challenge. */
  static final class FakeAuthorizer implements RegistryAuthorizer {
    volatile String header;
    final List<Set<Scope>> requested = Collections.synchronizedList(new ArrayList<>());
    final List<List<String>> challenges = Collections.synchronizedList(new ArrayList<>());
    boolean grant = true;

    FakeAuthorizer(String initialHeader) {
      this.header = initialHeader;
    }

    @Override
    public Optional<String> authorization(Set<Scope> scopes) {
      requested.add(scopes);
      return Optional.ofNullable(header);
    }

    @Override
    public boolean onChallenge(List<String> wwwAuthenticate, Set<Scope> scopes) {
      challenges.add(wwwAuthenticate);
      header = "Bearer token-" + challenges.size();
      return grant;
    }
  }
}
