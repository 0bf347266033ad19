package dev.kiln.testsupport;

/** Renders the registry's {@code config.yml} for a {@link RegistryContainer.Builder}. */
final class RegistryConfig {
  private RegistryConfig() {}

  static String yaml(RegistryContainer.Builder b) {
    String auth = RegistryContainer.authDir();
    StringBuilder y = new StringBuilder();
    y.append("version: 0.1\n");
    y.append("log:\n  level: info\n  accesslog:\n    disabled: false\n");
    y.append("storage:\n");
    y.append("  cache:\n    blobdescriptor: inmemory\n");
    y.append("  filesystem:\n    rootdirectory: /var/lib/registry\n");
    y.append("  delete:\n    enabled: true\n");
    y.append("http:\n  addr: :").append(RegistryContainer.PORT).append('\n');
    y.append("  headers:\n    X-Content-Type-Options: [nosniff]\n");
    if (b.ca != null) {
      y.append("  tls:\n");
      y.append("    certificate: ").append(auth).append("/server.pem\n");
      y.append("    key: ").append(auth).append("/server-key.pem\n");
      if (b.clientAuth) {
        y.append("    clientcas:\n      - ").append(auth).append("/ca.pem\n");
      }
    }
    if (b.htpasswd != null) {
      y.append("auth:\n  htpasswd:\n");
      y.append("    realm: ").append(quote(b.realm)).append('\n');
      y.append("    path: ").append(auth).append("/htpasswd\n");
    } else if (b.tokenServer != null) {
      y.append("auth:\n  token:\n");
      y.append("    realm: ").append(quote(b.tokenServer.realm())).append('\n');
      y.append("    service: ").append(quote(b.tokenServer.service())).append('\n');
      y.append("    issuer: ").append(quote(b.tokenServer.issuer())).append('\n');
      y.append("    rootcertbundle: ").append(auth).append("/token-root.pem\n");
    }
    return y.toString();
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
