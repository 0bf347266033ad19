package dev.kiln.oci.registry.auth;

/**
 * A registry credential: a username and password, or an identity (refresh) token as Docker stores
 * it in {@code config.json} ({@code identitytoken}). {@link #toString()} never shows secrets.
 */
public record Credential(String username, String password, String identityToken) {

  /** Requires either a username with a password, or an identity token. */
  public Credential {
    boolean basic = username != null && !username.isEmpty() && password != null;
    boolean identity = identityToken != null && !identityToken.isEmpty();
    if (!basic && !identity) {
      throw new IllegalArgumentException(
          "a credential needs a username and password, or an identity token");
    }
  }

  /** A username/password credential. */
  public static Credential basic(String username, String password) {
    return new Credential(username, password, null);
  }

  /**
   * An identity-token (OAuth2 refresh token) credential, optionally with the user it belongs to.
   */
  public static Credential identityToken(String username, String token) {
    return new Credential(username, null, token);
  }

  /** True when this credential carries an identity token (OAuth2 refresh token flow). */
  public boolean hasIdentityToken() {
    return identityToken != null && !identityToken.isEmpty();
  }

  @Override
  public String toString() {
    return "Credential[username=" + username + ", secret=***]";
  }
}
