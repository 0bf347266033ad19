package dev.kiln.testsupport;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A real CNCF distribution registry (the local {@code registry:2} image, Debian's 2.8.2 binary) in
 * a Testcontainers container, configured through a generated {@code config.yml}: open, htpasswd
 * Basic auth, or token auth against a {@link TokenServer}, each optionally over TLS from a {@link
 * TestCa} (with client certificates required for mutual TLS).
 *
 * <p>Create with {@link #open()} or {@link #builder()}, then {@link #start()}; {@link #close()}
 * stops and removes it. Start one per test class. Not thread-safe while starting; the accessors are
 * safe to call from any thread once started.
 */
public final class RegistryContainer extends GenericContainer<RegistryContainer> {
  /** The image the rig runs; {@code scripts/seed-registry-image.sh} builds it locally. */
  public static final DockerImageName IMAGE = DockerImageName.parse("registry:2");

  static final int PORT = 5000;
  private static final String CONFIG = "/etc/docker/registry/config.yml";
  private static final String AUTH_DIR = "/etc/docker/registry/auth";

  private final boolean tls;

  private RegistryContainer(Builder b) {
    super(IMAGE);
    this.tls = b.ca != null;
    // The default policy pulls only when the image is absent, so the seeded local image is used.
    withImagePullPolicy(PullPolicy.defaultPolicy());
    withExposedPorts(PORT);
    withCopyToContainer(
        Transferable.of(RegistryConfig.yaml(b).getBytes(StandardCharsets.UTF_8)), CONFIG);
    if (b.htpasswd != null) {
      withCopyToContainer(
          Transferable.of(b.htpasswd.getBytes(StandardCharsets.UTF_8)), AUTH_DIR + "/htpasswd");
    }
    if (b.tokenServer != null) {
      withCopyToContainer(
          Transferable.of(b.tokenServer.rootCertificatePem().getBytes(StandardCharsets.US_ASCII)),
          AUTH_DIR + "/token-root.pem");
    }
    if (b.ca != null) {
      withCopyToContainer(bytes(b.ca.serverCertPath()), AUTH_DIR + "/server.pem");
      withCopyToContainer(bytes(b.ca.serverKeyPath()), AUTH_DIR + "/server-key.pem");
      withCopyToContainer(bytes(b.ca.caCertPath()), AUTH_DIR + "/ca.pem");
    }
    if (b.storage != null) {
      // A plain bind: withFileSystemBind would first probe mounting with an alpine image pull.
      String hostDir = b.storage.toAbsolutePath().toString();
      withCreateContainerCmdModifier(
          cmd -> {
            HostConfig hostConfig = cmd.getHostConfig();
            List<Bind> binds = new ArrayList<>();
            if (hostConfig.getBinds() != null) {
              binds.addAll(Arrays.asList(hostConfig.getBinds()));
            }
            binds.add(new Bind(hostDir, new Volume("/var/lib/registry")));
            hostConfig.withBinds(binds);
          });
    }
    b.env.forEach(this::withEnv);
    waitingFor(waitStrategy(b));
  }

  private static WaitStrategy waitStrategy(Builder b) {
    if (b.ca != null && b.clientAuth) {
      // Without a client certificate the HTTP probe cannot complete a handshake.
      return Wait.forLogMessage(".*listening on .*tls.*\\n", 1);
    }
    var http =
        Wait.forHttp("/v2/")
            .forPort(PORT)
            .forStatusCodeMatching(code -> code == 200 || code == 401);
    return b.ca != null ? http.usingTls().allowInsecure() : http;
  }

  private static Transferable bytes(Path file) {
    try {
      return Transferable.of(Files.readAllBytes(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  /** An open (no auth) plain-HTTP registry with storage inside the container. */
  public static RegistryContainer open() {
    return builder().build();
  }

  /** A builder for the other variants. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code localhost:<mapped port>}, the registry host as used in image references. */
  public String hostPort() {
    return getHost() + ":" + getMappedPort(PORT);
  }

  /**
   * {@code http://localhost:<port>} or {@code https://localhost:<port>}, without trailing slash.
   */
  public String baseUrl() {
    return (tls ? "https://" : "http://") + hostPort();
  }

  /** Collects the configuration; {@link #build()} makes an unstarted container. Not thread-safe. */
  public static final class Builder {
    String htpasswd;
    String realm = "kiln-registry";
    TokenServer tokenServer;
    TestCa ca;
    boolean clientAuth;
    Path storage;
    final Map<String, String> env = new LinkedHashMap<>();

    private Builder() {}

    /** Basic auth with an htpasswd file holding bcrypt entries for these users. */
    public Builder basicAuth(Map<String, String> usersToPasswords) {
      if (usersToPasswords.isEmpty()) {
        throw new IllegalArgumentException("basic auth needs at least one user");
      }
      htpasswd = Htpasswd.file(usersToPasswords);
      return this;
    }

    /** Token auth: the registry trusts tokens of {@code server} and points clients at its realm. */
    public Builder tokenAuth(TokenServer server) {
      tokenServer = server;
      return this;
    }

    /** Serves HTTPS with the server certificate of {@code testCa}. */
    public Builder tls(TestCa testCa) {
      ca = testCa;
      return this;
    }

    /** Requires client certificates signed by the TLS CA (mutual TLS); needs {@link #tls}. */
    public Builder requireClientCertificates() {
      clientAuth = true;
      return this;
    }

    /**
     * Keeps the registry's storage in {@code hostDirectory} (bind mount) instead of the container.
     */
    public Builder storage(Path hostDirectory) {
      storage = hostDirectory;
      return this;
    }

    /** Adds a {@code REGISTRY_*} environment override (distribution's config-by-env). */
    public Builder env(String name, String value) {
      if (!name.startsWith("REGISTRY_")) {
        throw new IllegalArgumentException("registry env overrides start with REGISTRY_: " + name);
      }
      env.put(name, value);
      return this;
    }

    /** Makes the (unstarted) container. */
    public RegistryContainer build() {
      if (htpasswd != null && tokenServer != null) {
        throw new IllegalStateException("choose either basic auth or token auth, not both");
      }
      if (clientAuth && ca == null) {
        throw new IllegalStateException("client certificates need tls(TestCa) as well");
      }
      return new RegistryContainer(this);
    }
  }

  static String authDir() {
    return AUTH_DIR;
  }
}
