package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenSigningTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TokenServer server =
      TokenServer.builder()
          .user("alice", "pw")
          .grant("alice", "team/.*", "pull", "push")
          .anonymousGrant("public/.*", "pull")
          .start();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void mint_validToken_hasRs256X5cHeaderAndVerifiableSignature() throws Exception {
    String[] parts = server.mint("alice", List.of("repository:team/app:pull,push")).split("\\.");

    assertThat(parts).hasSize(3);
    JsonNode header = decode(parts[0]);
    assertThat(header.get("alg").asText()).isEqualTo("RS256");
    assertThat(header.get("typ").asText()).isEqualTo("JWT");
    byte[] der = Base64.getDecoder().decode(header.get("x5c").get(0).asText());
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    assertThat(server.rootCertificatePem())
        .contains(
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der)
                .substring(0, 64));
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(cert.getPublicKey());
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  void mint_claims_carryWhatDistributionChecks() throws Exception {
    long now = Instant.now().getEpochSecond();
    JsonNode claims =
        decode(server.mint("alice", List.of("repository:team/app:pull")).split("\\.")[1]);

    assertThat(claims.get("iss").asText()).isEqualTo(server.issuer());
    assertThat(claims.get("aud").asText()).isEqualTo(server.service());
    assertThat(claims.get("sub").asText()).isEqualTo("alice");
    assertThat(claims.get("jti").asText()).isNotBlank();
    assertThat(claims.get("exp").asLong()).isGreaterThan(now + 60);
    assertThat(claims.get("nbf").asLong()).isLessThanOrEqualTo(now);
    assertThat(claims.get("iat").asLong()).isBetween(now - 5, now + 5);
    assertThat(claims.get("access").toString())
        .isEqualTo("[{\"type\":\"repository\",\"name\":\"team/app\",\"actions\":[\"pull\"]}]");
  }

  @Test
  void mint_policy_grantsOnlyAllowedRequestedActions() throws Exception {
    List<String> scopes =
        List.of(
            "repository:team/app:pull,push,delete",
            "repository:other/x:pull",
            "repository:public/base:pull,push");

    JsonNode alice = decode(server.mint("alice", scopes).split("\\.")[1]).get("access");
    JsonNode anonymous = decode(server.mint(null, scopes).split("\\.")[1]).get("access");

    assertThat(alice.toString())
        .isEqualTo(
            "[{\"type\":\"repository\",\"name\":\"team/app\",\"actions\":[\"pull\",\"push\"]}]");
    assertThat(anonymous.toString())
        .isEqualTo("[{\"type\":\"repository\",\"name\":\"public/base\",\"actions\":[\"pull\"]}]");
  }

  @Test
  void mint_expiredSwitchOn_expBeyondTheRegistryLeeway() throws Exception {
    server.issueExpiredTokens(true);
    long now = Instant.now().getEpochSecond();

    JsonNode claims = decode(server.mint("alice", List.of()).split("\\.")[1]);

    assertThat(claims.get("exp").asLong()).isLessThan(now - 120);
  }

  @Test
  void mint_untrustedSwitchOn_signsWithAnotherCertificate() throws Exception {
    String trustedX5c =
        decode(server.mint("alice", List.of()).split("\\.")[0]).get("x5c").get(0).asText();
    server.signWithUntrustedKey(true);

    String untrustedX5c =
        decode(server.mint("alice", List.of()).split("\\.")[0]).get("x5c").get(0).asText();

    assertThat(untrustedX5c).isNotEqualTo(trustedX5c);
  }

  private static JsonNode decode(String part) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(part));
  }
}
