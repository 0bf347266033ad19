package dev.kiln.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Key and certificate generation with BouncyCastle, shared by {@link TestCa} and the token signer.
 */
final class Certificates {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(2);

  private Certificates() {}

  /** What a certificate is for; decides its extensions. */
  enum Kind {
    /** A CA that signs other certificates. */
    CA,
    /** A TLS server certificate (serverAuth). */
    SERVER,
    /** A TLS client certificate (clientAuth). */
    CLIENT,
    /**
     * A JWT signing certificate: no extended key usage, which Go's default verification accepts.
     */
    SIGNING
  }

  static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 key generation is unavailable in this JDK", e);
    }
  }

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is unavailable in this JDK", e);
    }
  }

  /**
   * Issues a certificate for {@code subjectKeys}; self-signed when {@code issuer} is null.
   *
   * @param sans DNS names and IP literals (an entry made of digits and dots is an IP address)
   */
  static X509Certificate issue(
      String commonName,
      KeyPair subjectKeys,
      Kind kind,
      List<String> sans,
      X509Certificate issuer,
      KeyPair issuerKeys) {
    X500Name subject = new X500Name("CN=" + commonName);
    X500Name issuerName =
        issuer == null
            ? subject
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    KeyPair signer = issuer == null ? subjectKeys : issuerKeys;
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              subject,
              subjectKeys.getPublic());
      boolean ca = kind == Kind.CA;
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      int usage =
          ca
              ? KeyUsage.keyCertSign | KeyUsage.cRLSign
              : KeyUsage.digitalSignature | keyEncipherment(subjectKeys);
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      if (kind == Kind.SERVER) {
        builder.addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      } else if (kind == Kind.CLIENT) {
        builder.addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      }
      if (!sans.isEmpty()) {
        GeneralName[] names =
            sans.stream()
                .map(
                    s ->
                        s.matches("[0-9.]+")
                            ? new GeneralName(GeneralName.iPAddress, s)
                            : new GeneralName(GeneralName.dNSName, s))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      String algorithm =
          signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue test certificate for " + commonName, e);
    }
  }

  private static int keyEncipherment(KeyPair keys) {
    return keys.getPublic().getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0;
  }

  /**
   * PEM text of a certificate, or of a private key as unencrypted PKCS#8 ({@code PRIVATE KEY}).
   * PKCS#8 because BouncyCastle's traditional form of a JDK EC key leaves out the curve, which Go
   * and OpenSSL then cannot parse.
   */
  static String pem(Object object) {
    if (object instanceof PrivateKey key) {
      String base64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
