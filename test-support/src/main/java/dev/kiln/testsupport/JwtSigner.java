package dev.kiln.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs compact RS256 JWS tokens with a self-signed RSA certificate that is carried in the {@code
 * x5c} header. Distribution 2.8 verifies such a token by checking that the {@code x5c} leaf chains
 * to a certificate of its {@code auth.token.rootcertbundle}; a self-signed leaf that is itself in
 * the bundle satisfies that.
 *
 * <p>Immutable; thread-safe ({@link Signature} instances are created per call).
 */
final class JwtSigner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final KeyPair keys;
  private final X509Certificate certificate;

  JwtSigner(String commonName) {
    keys = Certificates.rsaKeyPair();
    certificate =
        Certificates.issue(commonName, keys, Certificates.Kind.SIGNING, List.of(), null, null);
  }

  X509Certificate certificate() {
    return certificate;
  }

  /** The certificate in PEM form, suitable as a registry {@code rootcertbundle}. */
  String certificatePem() {
    return Certificates.pem(certificate);
  }

  /** Returns {@code base64url(header).base64url(claims).base64url(signature)}. */
  String sign(Map<String, Object> claims) {
    try {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.put("x5c", List.of(Base64.getEncoder().encodeToString(certificate.getEncoded())));
      String signingInput =
          URL.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(keys.getPrivate());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException | JsonProcessingException e) {
      throw new IllegalStateException("cannot sign a test JWT", e);
    }
  }
}
