package dev.kiln.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Builds the claim set a distribution 2.8 registry checks, and applies the grant policy. */
final class Tokens {
  /** How far in the past an "expired" token's exp lies; the registry allows 60 s of leeway. */
  static final Duration EXPIRED_BY = Duration.ofMinutes(5);

  private Tokens() {}

  static String sign(TokenServer server, String subject, List<String> scopes) {
    Instant now = Instant.now();
    Instant issuedAt = server.expired() ? now.minus(EXPIRED_BY).minus(server.lifetime()) : now;
    Instant expiry = issuedAt.plus(server.lifetime());
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", server.issuer());
    claims.put("sub", subject == null ? "" : subject);
    // distribution 2.8 reads aud as a single string (3.x also accepts a list).
    claims.put("aud", server.service());
    claims.put("exp", expiry.getEpochSecond());
    claims.put("nbf", issuedAt.minusSeconds(1).getEpochSecond());
    claims.put("iat", issuedAt.getEpochSecond());
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("access", access(server.grants(), subject, scopes));
    return server.signer().sign(claims);
  }

  /** The access claim: for each requested scope, the requested actions the policy allows. */
  static List<Map<String, Object>> access(List<Grant> grants, String subject, List<String> scopes) {
    List<Map<String, Object>> access = new ArrayList<>();
    for (String scope : scopes) {
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      if (first < 0 || last == first) {
        continue; // malformed scopes are ignored, as Docker Hub does
      }
      String type = scope.substring(0, first);
      String name = scope.substring(first + 1, last);
      Set<String> allowed = new LinkedHashSet<>();
      if (type.equals("repository")) {
        for (String action : scope.substring(last + 1).split(",")) {
          for (Grant grant : grants) {
            if (grant.appliesTo(subject, name)
                && (grant.actions().contains(action) || grant.actions().contains("*"))) {
              allowed.add(action);
            }
          }
        }
      }
      if (!allowed.isEmpty()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", type);
        entry.put("name", name);
        entry.put("actions", List.copyOf(allowed));
        access.add(entry);
      }
    }
    return access;
  }
}
