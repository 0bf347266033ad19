package dev.kiln.oci.registry.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One authentication challenge from a {@code WWW-Authenticate} header (RFC 7235): a scheme and its
 * parameters. Scheme and parameter names are lower-cased; values are unquoted. Immutable.
 */
public record Challenge(String scheme, Map<String, String> params) {

  /** Lower-cases the scheme and copies the parameters. */
  public Challenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** The parameter value, or null. Names are case-insensitive. */
  public String param(String name) {
    return params.get(name.toLowerCase(Locale.ROOT));
  }

  /** The scopes named by a Bearer challenge's {@code scope} parameter (space-separated). */
  public List<Scope> scopes() {
    String value = param("scope");
    List<Scope> scopes = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return scopes;
    }
    for (String s : value.trim().split("\\s+")) {
      try {
        scopes.add(Scope.parse(s));
      } catch (IllegalArgumentException e) {
        // A scope we cannot read cannot be asked for either; the ones we can read still help.
      }
    }
    return scopes;
  }

  /**
   * Parses all challenges of one or more {@code WWW-Authenticate} header values. Several challenges
   * may share one header ({@code Negotiate, Basic realm="x"}); quoted strings may contain commas
   * and backslash escapes. Malformed trailing input is ignored rather than failing the request.
   */
  public static List<Challenge> parse(List<String> headerValues) {
    List<Challenge> out = new ArrayList<>();
    for (String header : headerValues) {
      new Parser(header).parseInto(out);
    }
    return out;
  }

  /**
   * The challenge a registry client should answer: Bearer first, then Basic; empty when neither is
   * offered.
   */
  public static java.util.Optional<Challenge> preferred(List<Challenge> challenges) {
    for (String scheme : List.of("bearer", "basic")) {
      for (Challenge c : challenges) {
        if (c.scheme().equals(scheme)) {
          return java.util.Optional.of(c);
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** A small tokenizer over one header value (RFC 7235 §2.1 grammar, lenient at the edges). */
  private static final class Parser {
    private static final String TCHARS = "!#$%&'*+-.^_`|~";
    private static final String TOKEN68_EXTRA = "-._~+/";
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s == null ? "" : s;
    }

    void parseInto(List<Challenge> out) {
      while (true) {
        skip(" \t,");
        String scheme = token();
        if (scheme.isEmpty()) {
          return; // end, or garbage we cannot read: keep what we have
        }
        skip(" \t");
        Map<String, String> params = new LinkedHashMap<>();
        String token68 = token68();
        if (token68 != null) {
          params.put("token68", token68);
        } else {
          authParams(params);
        }
        out.add(new Challenge(scheme, params));
      }
    }

    /** A token68 that stands alone before a comma or the end, or null (position unchanged). */
    private String token68() {
      int start = i;
      int j = i;
      while (j < s.length()
          && (Character.isLetterOrDigit(s.charAt(j)) || TOKEN68_EXTRA.indexOf(s.charAt(j)) >= 0)) {
        j++;
      }
      if (j == start) {
        return null;
      }
      int k = j;
      while (k < s.length() && s.charAt(k) == '=') {
        k++;
      }
      int end = k;
      while (end < s.length() && (s.charAt(end) == ' ' || s.charAt(end) == '\t')) {
        end++;
      }
      if (end < s.length() && s.charAt(end) != ',') {
        return null; // "name=value" (or garbage): auth-params
      }
      if (k == j && end < s.length()) {
        return null; // "Scheme, Next": a bare token before a comma is the next challenge
      }
      i = end;
      return s.substring(start, k);
    }

    private void authParams(Map<String, String> params) {
      while (i < s.length()) {
        int mark = i;
        skip(" \t");
        String name = token();
        skip(" \t");
        if (name.isEmpty() || i >= s.length() || s.charAt(i) != '=') {
          i = mark; // the next challenge's scheme starts here
          return;
        }
        i++;
        skip(" \t");
        String value = i < s.length() && s.charAt(i) == '"' ? quoted() : token();
        params.put(name.toLowerCase(Locale.ROOT), value);
        skip(" \t");
        if (i < s.length() && s.charAt(i) == ',') {
          i++;
          skip(" \t,");
        } else {
          return;
        }
      }
    }

    private void skip(String chars) {
      while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private String token() {
      int start = i;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c < 128 && (Character.isLetterOrDigit(c) || TCHARS.indexOf(c) >= 0)) {
          i++;
        } else {
          break;
        }
      }
      return s.substring(start, i);
    }

    private String quoted() {
      StringBuilder b = new StringBuilder();
      i++; // opening quote
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) {
          b.append(s.charAt(i++));
        } else if (c == '"') {
          return b.toString();
        } else {
          b.append(c);
        }
      }
      return b.toString(); // unterminated: take the rest
    }
  }
}
