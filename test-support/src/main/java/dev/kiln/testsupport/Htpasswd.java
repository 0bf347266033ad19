package dev.kiln.testsupport;

import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Builds Apache htpasswd content with bcrypt entries ({@code user:$2y$05$...}), the only hash the
 * distribution registry's htpasswd backend accepts.
 *
 * <p>Stateless; thread-safe.
 */
public final class Htpasswd {
  /** bcrypt cost; 5 is what {@code htpasswd -B} uses and keeps tests fast. */
  static final int COST = 5;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Htpasswd() {}

  /** One htpasswd line (without newline) for {@code user} with a fresh random salt. */
  public static String line(String user, String password) {
    if (user.isEmpty() || user.contains(":") || user.contains("\n")) {
      throw new IllegalArgumentException(
          "htpasswd user name must be non-empty without ':' or newline, got '" + user + "'");
    }
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, COST);
  }

  /** A whole htpasswd file, one line per user (sorted by user), each ending in a newline. */
  public static String file(Map<String, String> usersToPasswords) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(usersToPasswords).forEach((u, p) -> out.append(line(u, p)).append('\n'));
    return out.toString();
  }
}
