package dev.kiln.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.OkHttpClient;

/**
 * An HTTP/1.1 reverse proxy on {@code 127.0.0.1} in front of a plain-HTTP upstream (normally a
 * {@link RegistryContainer}) that injects faults by {@link FaultRule}: canned answers (429 with
 * {@code Retry-After}, 5xx, 401 ...), connections cut in the middle of the request or response
 * body, and delays. Everything else passes through faithfully: bodies are streamed both ways
 * (chunked stays chunked), headers are kept ({@code Range}, {@code WWW-Authenticate} ...), and
 * absolute {@code Location} headers pointing at the upstream are rewritten to the proxy.
 *
 * <p>Each request is recorded in {@link #accessLog()}. Only loopback clients are served.
 *
 * <p>Thread-safe: rules may be added while requests are in flight. Close it to free the port.
 */
public final class FaultProxy implements AutoCloseable {
  private final String upstream;
  private final ServerSocket serverSocket;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(Daemon.factory("fault-proxy"));
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final List<RuleState> rules = new ArrayList<>();
  private final List<AccessLogEntry> accessLog = new CopyOnWriteArrayList<>();
  private final OkHttpClient http;

  private FaultProxy(String upstream) throws IOException {
    this.upstream =
        upstream.endsWith("/") ? upstream.substring(0, upstream.length() - 1) : upstream;
    if (!this.upstream.startsWith("http://")) {
      throw new IllegalArgumentException(
          "FaultProxy needs a plain http:// upstream, got " + upstream);
    }
    http =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .readTimeout(Duration.ofMinutes(2))
            .writeTimeout(Duration.ofMinutes(2))
            .build();
    serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    executor.execute(this::acceptLoop);
  }

  /** Starts a proxy for {@code upstreamBaseUrl} such as {@code http://localhost:32768}. */
  public static FaultProxy start(String upstreamBaseUrl) {
    try {
      return new FaultProxy(upstreamBaseUrl);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fault proxy on 127.0.0.1", e);
    }
  }

  /** {@code 127.0.0.1:<port>}, the proxy as a registry host. */
  public String hostPort() {
    return "127.0.0.1:" + serverSocket.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>}, without trailing slash. */
  public String baseUrl() {
    return "http://" + hostPort();
  }

  /** Adds a rule; rules are consulted in the order added and the first applicable one wins. */
  public synchronized FaultProxy addRule(FaultRule rule) {
    rules.add(new RuleState(rule));
    return this;
  }

  /** Removes all rules (and their counters). */
  public synchronized void clearRules() {
    rules.clear();
  }

  /** How many requests matched {@code rule} so far (affected or not). */
  public synchronized int matchCount(FaultRule rule) {
    return rules.stream().filter(s -> s.rule == rule).mapToInt(s -> s.matches).sum();
  }

  /** Requests seen so far, in the order their answers (or cuts) began. */
  public List<AccessLogEntry> accessLog() {
    return List.copyOf(accessLog);
  }

  /** Forgets the access log. */
  public void clearAccessLog() {
    accessLog.clear();
  }

  @Override
  public void close() {
    try {
      serverSocket.close();
    } catch (IOException e) {
      // already closed: nothing to free
    }
    for (Socket client : clients) {
      ProxyConnection.closeQuietly(client);
    }
    executor.shutdownNow();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Counts the match on every matching rule and returns the first rule's fault that applies. */
  synchronized FaultRule.Fault match(String method, String path) {
    FaultRule.Fault chosen = null;
    for (RuleState state : rules) {
      if (state.rule.matches(method, path)) {
        state.matches++;
        if (chosen == null && state.rule.applies(state.matches)) {
          chosen = state.rule.fault();
        }
      }
    }
    return chosen;
  }

  void log(AccessLogEntry entry) {
    accessLog.add(entry);
  }

  OkHttpClient http() {
    return http;
  }

  String upstream() {
    return upstream;
  }

  /** Rewrites an absolute Location on the upstream (by either loopback name) to the proxy. */
  String rewriteLocation(String location) {
    String port = upstream.substring(upstream.lastIndexOf(':'));
    for (String prefix : List.of(upstream, "http://localhost" + port, "http://127.0.0.1" + port)) {
      if (location.startsWith(prefix)) {
        return baseUrl() + location.substring(prefix.length());
      }
    }
    return location;
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket client = serverSocket.accept();
        if (!client.getInetAddress().isLoopbackAddress()) {
          ProxyConnection.closeQuietly(client);
          continue;
        }
        clients.add(client);
        executor.execute(
            () -> {
              try {
                new ProxyConnection(this, client).run();
              } finally {
                clients.remove(client);
              }
            });
      } catch (IOException e) {
        return; // closed
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return; // shutting down
      }
    }
  }

  private static final class RuleState {
    final FaultRule rule;
    int matches;

    RuleState(FaultRule rule) {
      this.rule = rule;
    }
  }
}
