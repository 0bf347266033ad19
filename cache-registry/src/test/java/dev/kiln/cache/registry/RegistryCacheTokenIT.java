package dev.kiln.cache.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.CacheExportSummary;
import dev.kiln.core.port.CacheImportException;
import dev.kiln.core.port.InMemoryContentStore;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Digests;
import dev.kiln.oci.registry.RegistryClient;
import dev.kiln.oci.registry.auth.Credential;
import dev.kiln.oci.registry.auth.CredentialProviders;
import dev.kiln.testsupport.AccessLogEntry;
import dev.kiln.testsupport.FaultProxy;
import dev.kiln.testsupport.FaultRule;
import dev.kiln.testsupport.RegistryContainer;
import dev.kiln.testsupport.TokenServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry cache against a token-auth registry: a token that expires in the middle of an export
 * is refreshed and the export completes; an import without access is one warning line.
 */
class RegistryCacheTokenIT {

  private static final String PASSWORD = "cache-Pw-789";

  static TokenServer tokens;
  static RegistryContainer registry;
  static FaultProxy proxy;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    tokens =
        TokenServer.builder()
            .user("builder", PASSWORD)
            .grant("builder", "cache/.*", "pull", "push")
            .allowAnonymous(true)
            .start();
    registry = RegistryContainer.builder().tokenAuth(tokens).build();
    registry.start();
    proxy = FaultProxy.start(registry.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (tokens != null) {
      tokens.close();
    }
  }

  private static RegistryClientProvider provider(Credential credential) {
    return (host, insecure) -> {
      try {
        return credential == null
            ? RegistryClient.builder(host).build()
            : RegistryClient.builder(host)
                .credentials(CredentialProviders.fixed(host, credential))
                .build();
      } catch (Exception e) {
        throw new java.io.IOException(e);
      }
    };
  }

  @Test
  void export_tokenExpiresMidway_refreshesAndCompletes() throws Exception {
    String challenge =
        "Bearer realm=\""
            + tokens.realm()
            + "\",service=\""
            + tokens.service()
            + "\",scope=\"repository:cache/expiry:pull,push\",error=\"invalid_token\"";
    proxy.addRule(
        FaultRule.on("PUT", "/v2/cache/expiry/blobs/uploads/.+")
            .nth(2)
            .respond(
                401,
                Map.of("WWW-Authenticate", challenge, "Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}"));
    InMemoryContentStore store = new InMemoryContentStore();
    RegistryClientProvider clients = provider(Credential.basic("builder", PASSWORD));
    CacheExportSummary s =
        new RegistryCacheExporterFactory(clients, tmp)
            .create(Map.of("ref", proxy.hostPort() + "/cache/expiry:1"))
            .export(TestCaches.chain(store, "expiry", 3), store, ProgressListener.NONE);
    assertThat(s.uploaded()).isEqualTo(4);
    assertThat(proxy.accessLog()).extracting(AccessLogEntry::status).contains(401);
    assertThat(
            new RegistryCacheImporterFactory(clients, tmp)
                .create(Map.of("ref", proxy.hostPort() + "/cache/expiry:1"))
                .resolve(ProgressListener.NONE)
                .nodes(Digests.sha256("expiry step 2")))
        .hasSize(1);
  }

  @Test
  void import_withoutAccess_isOneUnauthorizedLine() {
    assertThatThrownBy(
            () ->
                new RegistryCacheImporterFactory(provider(null), tmp)
                    .create(Map.of("ref", registry.hostPort() + "/cache/private:1"))
                    .resolve(ProgressListener.NONE))
        .isInstanceOf(CacheImportException.class)
        .hasMessageStartingWith("cache " + registry.hostPort() + "/cache/private:1: unauthorized")
        .hasMessageNotContaining("\n");
  }

  @Test
  void export_withoutPushAccess_failsNamingTheRef() {
    InMemoryContentStore store = new InMemoryContentStore();
    assertThatThrownBy(
            () ->
                new RegistryCacheExporterFactory(provider(null), tmp)
                    .create(Map.of("ref", registry.hostPort() + "/cache/denied:1"))
                    .export(TestCaches.chain(store, "denied", 1), store, ProgressListener.NONE))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("unauthorized");
  }
}
