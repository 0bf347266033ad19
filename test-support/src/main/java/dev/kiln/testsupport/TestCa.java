package dev.kiln.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A throw-away certificate authority for TLS tests: a root CA, a server certificate for {@code
 * localhost} and {@code 127.0.0.1}, and a client certificate for mutual TLS, all EC P-256 and valid
 * for two days. The PEM files are written to the directory given to {@link #create(Path)}.
 *
 * <p>Immutable after creation; safe to share between threads.
 */
public final class TestCa {
  private static final char[] STORE_PASSWORD = "kiln-test".toCharArray();

  private final X509Certificate caCert;
  private final X509Certificate serverCert;
  private final KeyPair serverKeys;
  private final X509Certificate clientCert;
  private final KeyPair clientKeys;
  private final Path dir;

  private TestCa(Path dir) {
    this.dir = dir;
    KeyPair caKeys = Certificates.ecKeyPair();
    caCert =
        Certificates.issue(
            "kiln test root CA", caKeys, Certificates.Kind.CA, List.of(), null, null);
    serverKeys = Certificates.ecKeyPair();
    serverCert =
        Certificates.issue(
            "localhost",
            serverKeys,
            Certificates.Kind.SERVER,
            List.of("localhost", "127.0.0.1"),
            caCert,
            caKeys);
    clientKeys = Certificates.ecKeyPair();
    clientCert =
        Certificates.issue(
            "kiln test client", clientKeys, Certificates.Kind.CLIENT, List.of(), caCert, caKeys);
  }

  /**
   * Generates a new CA with its server and client certificates and writes {@code ca.pem}, {@code
   * server.pem}, {@code server-key.pem}, {@code client.pem} and {@code client-key.pem} into {@code
   * dir} (created if missing).
   */
  public static TestCa create(Path dir) {
    TestCa ca = new TestCa(dir);
    try {
      Files.createDirectories(dir);
      write(ca.caCertPath(), Certificates.pem(ca.caCert));
      write(ca.serverCertPath(), Certificates.pem(ca.serverCert));
      write(ca.serverKeyPath(), Certificates.pem(ca.serverKeys.getPrivate()));
      write(ca.clientCertPath(), Certificates.pem(ca.clientCert));
      write(ca.clientKeyPath(), Certificates.pem(ca.clientKeys.getPrivate()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write test CA files to " + dir, e);
    }
    return ca;
  }

  private static void write(Path path, String text) throws IOException {
    Files.writeString(path, text, StandardCharsets.US_ASCII);
  }

  /** The root CA certificate. */
  public X509Certificate caCertificate() {
    return caCert;
  }

  /** The server certificate (SAN {@code localhost}, {@code 127.0.0.1}). */
  public X509Certificate serverCertificate() {
    return serverCert;
  }

  /** PEM file of the root CA certificate. */
  public Path caCertPath() {
    return dir.resolve("ca.pem");
  }

  /** PEM file of the server certificate. */
  public Path serverCertPath() {
    return dir.resolve("server.pem");
  }

  /** PEM file of the server private key. */
  public Path serverKeyPath() {
    return dir.resolve("server-key.pem");
  }

  /** PEM file of the client certificate. */
  public Path clientCertPath() {
    return dir.resolve("client.pem");
  }

  /** PEM file of the client private key. */
  public Path clientKeyPath() {
    return dir.resolve("client-key.pem");
  }

  /** A trust manager that trusts exactly this CA. */
  public X509TrustManager trustManager() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("kiln-test-ca", caCert);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK offered no X509TrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager for the test CA", e);
    }
  }

  /**
   * An SSL context trusting this CA, presenting the client certificate when {@code
   * withClientCertificate} is true (for mutual TLS).
   */
  public SSLContext sslContext(boolean withClientCertificate) {
    try {
      KeyManagerFactory keyManagers = null;
      if (withClientCertificate) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
            "client",
            clientKeys.getPrivate(),
            STORE_PASSWORD,
            new X509Certificate[] {clientCert, caCert});
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keyManagers == null ? null : keyManagers.getKeyManagers(),
          new TrustManager[] {trustManager()},
          null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSL context for the test CA", e);
    }
  }
}
