package dev.kiln.frontend.dockerfile.shell;

import java.util.List;
import java.util.Map;

/**
 * Dockerfile word expansion as Docker does it (BuildKit {@code shell.Lex}): {@code $VAR}, {@code
 * ${VAR}}, the modifiers {@code :- - :+ + :? ? # ## % %%} and {@code /} {@code //}, single and
 * double quotes (removed unless {@link #withRawQuotes raw}), the escape character of the Dockerfile
 * ({@code \} or backtick), and word splitting after expansion.
 *
 * <p>Instances are immutable and thread-safe; each {@code with…} method returns a new instance.
 * Variable lookup is case-sensitive (as on Linux).
 */
public final class ShellLex {
  private final int escapeToken;
  private final boolean rawQuotes;
  private final boolean rawEscapes;
  private final boolean skipProcessQuotes;
  private final boolean skipUnsetEnv;

  private ShellLex(
      int escapeToken,
      boolean rawQuotes,
      boolean rawEscapes,
      boolean skipProcessQuotes,
      boolean skipUnsetEnv) {
    this.escapeToken = escapeToken;
    this.rawQuotes = rawQuotes;
    this.rawEscapes = rawEscapes;
    this.skipProcessQuotes = skipProcessQuotes;
    this.skipUnsetEnv = skipUnsetEnv;
  }

  /**
   * Returns a lexer with the given escape character.
   *
   * @param escapeToken {@code '\\'} or {@code '`'}
   * @return the lexer
   * @throws IllegalArgumentException for any other character
   */
  public static ShellLex of(char escapeToken) {
    if (escapeToken != '\\' && escapeToken != '`') {
      throw new IllegalArgumentException("escape token must be \\ or `, got " + escapeToken);
    }
    return new ShellLex(escapeToken, false, false, false, false);
  }

  /** Returns a copy that keeps quote characters in the result. */
  public ShellLex withRawQuotes(boolean value) {
    return new ShellLex(escapeToken, value, rawEscapes, skipProcessQuotes, skipUnsetEnv);
  }

  /** Returns a copy that keeps escape characters in the result. */
  public ShellLex withRawEscapes(boolean value) {
    return new ShellLex(escapeToken, rawQuotes, value, skipProcessQuotes, skipUnsetEnv);
  }

  /** Returns a copy that treats quotes as ordinary characters. */
  public ShellLex withSkipProcessQuotes(boolean value) {
    return new ShellLex(escapeToken, rawQuotes, rawEscapes, value, skipUnsetEnv);
  }

  /** Returns a copy that leaves references to unset variables as they are written. */
  public ShellLex withSkipUnsetEnv(boolean value) {
    return new ShellLex(escapeToken, rawQuotes, rawEscapes, skipProcessQuotes, value);
  }

  /** Returns the escape character. */
  public char escapeToken() {
    return (char) escapeToken;
  }

  boolean rawQuotes() {
    return rawQuotes;
  }

  boolean rawEscapes() {
    return rawEscapes;
  }

  boolean skipProcessQuotes() {
    return skipProcessQuotes;
  }

  boolean skipUnsetEnv() {
    return skipUnsetEnv;
  }

  /**
   * Expands a word and returns it as one string.
   *
   * @param word the word as written
   * @param env the variables in scope
   * @return the expanded word
   * @throws ShellExpansionException if the word is malformed or a {@code ?} modifier fails
   */
  public String processWord(String word, Map<String, String> env) throws ShellExpansionException {
    return process(word, env).result();
  }

  /**
   * Expands a word and splits it into words (after expansion, honouring quotes).
   *
   * @param word the text as written
   * @param env the variables in scope
   * @return the words
   * @throws ShellExpansionException if the text is malformed or a {@code ?} modifier fails
   */
  public List<String> processWords(String word, Map<String, String> env)
      throws ShellExpansionException {
    return process(word, env).words();
  }

  /**
   * Expands a word, returning both forms and the variables used.
   *
   * @param word the text as written
   * @param env the variables in scope
   * @return the result
   * @throws ShellExpansionException if the text is malformed or a {@code ?} modifier fails
   */
  public ExpansionResult process(String word, Map<String, String> env)
      throws ShellExpansionException {
    return new ShellWord(this, word, env).process();
  }
}
