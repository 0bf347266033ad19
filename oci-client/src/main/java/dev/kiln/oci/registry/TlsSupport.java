package dev.kiln.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * TLS set-up from PEM files, as Docker's {@code certs.d} does: extra CA certificates are trusted in
 * addition to the JDK's roots, and a client certificate with its key (PKCS#1, PKCS#8 or SEC1 EC;
 * read with BouncyCastle because the JDK reads only PKCS#8) is offered when the server asks.
 */
final class TlsSupport {

  private static final char[] NO_PASSWORD = new char[0];

  private TlsSupport() {}

  static void configure(
      OkHttpClient.Builder builder, List<Path> caCertificates, Path clientCert, Path clientKey)
      throws IOException, GeneralSecurityException {
    if (caCertificates.isEmpty() && clientCert == null) {
      return;
    }
    X509TrustManager trust = systemTrust();
    if (!caCertificates.isEmpty()) {
      KeyStore store = emptyStore();
      int i = 0;
      for (Path pem : caCertificates) {
        for (Certificate cert : readCertificates(pem)) {
          store.setCertificateEntry("ca-" + i++, cert);
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      trust = new EitherTrustManager(firstX509(tmf.getTrustManagers()), trust);
    }
    KeyManager[] keyManagers = null;
    if (clientCert != null) {
      KeyStore store = emptyStore();
      List<Certificate> chain = readCertificates(clientCert);
      store.setKeyEntry(
          "client", readPrivateKey(clientKey), NO_PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, NO_PASSWORD);
      keyManagers = kmf.getKeyManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers, new TrustManager[] {trust}, null);
    builder.sslSocketFactory(context.getSocketFactory(), trust);
  }

  static List<Certificate> readCertificates(Path pem) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(pem)) {
      List<Certificate> certs =
          new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (certs.isEmpty()) {
        throw new CertificateException("no certificate in " + pem);
      }
      return certs;
    }
  }

  static PrivateKey readPrivateKey(Path pem) throws IOException {
    try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      // BouncyCastle's provider reads what the JDK cannot (PKCS#1, SEC1 EC keys whose curve sits
      // in the key structure rather than the algorithm identifier); its PKCS#8 re-encoding is
      // then turned into a JDK key so JSSE handles it like any other.
      JcaPEMKeyConverter converter =
          new JcaPEMKeyConverter().setProvider(new BouncyCastleProvider());
      for (Object o; (o = parser.readObject()) != null; ) {
        PrivateKeyInfo info =
            o instanceof PEMKeyPair pair
                ? pair.getPrivateKeyInfo()
                : o instanceof PrivateKeyInfo p ? p : null;
        if (info != null) {
          PrivateKey key = converter.getPrivateKey(info);
          try {
            // BouncyCastle names EC keys "ECDSA"; the JDK's key factory is "EC".
            String algorithm = "ECDSA".equals(key.getAlgorithm()) ? "EC" : key.getAlgorithm();
            return KeyFactory.getInstance(algorithm)
                .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
          } catch (GeneralSecurityException e) {
            throw new IOException("unsupported " + key.getAlgorithm() + " key in " + pem, e);
          }
        }
      }
    }
    throw new IOException(
        "no unencrypted private key (PKCS#1, PKCS#8 or EC) in "
            + pem
            + "; encrypted keys are not"
            + " supported");
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    return store;
  }

  private static X509TrustManager systemTrust() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    return firstX509(tmf.getTrustManagers());
  }

  private static X509TrustManager firstX509(TrustManager[] managers) {
    return Arrays.stream(managers)
        .filter(X509TrustManager.class::isInstance)
        .map(X509TrustManager.class::cast)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the JDK offers no X509TrustManager"));
  }

  /** Trusts a chain when either the extra CAs or the system roots do. */
  private static final class EitherTrustManager implements X509TrustManager {
    private final X509TrustManager extra;
    private final X509TrustManager system;

    EitherTrustManager(X509TrustManager extra, X509TrustManager system) {
      this.extra = extra;
      this.system = system;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      system.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        extra.checkServerTrusted(chain, authType);
      } catch (CertificateException notByExtra) {
        system.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = extra.getAcceptedIssuers();
      X509Certificate[] b = system.getAcceptedIssuers();
      X509Certificate[] all = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }
}
