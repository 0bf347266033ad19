package dev.kiln.frontend.dockerfile.shell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One expansion run over one word; a small recursive-descent scanner over code points. */
final class ShellWord {
  static final int EOF = -1;

  private final ShellLex lex;
  private final String source;
  private final int[] chars;
  private final Map<String, String> env;
  private final Set<String> matched = new LinkedHashSet<>();
  private final Set<String> unmatched = new LinkedHashSet<>();
  private int pos;
  private boolean rawEscapes;

  ShellWord(ShellLex lex, String source, Map<String, String> env) {
    this.lex = lex;
    this.source = source;
    this.chars = source.codePoints().toArray();
    this.env = env;
    this.rawEscapes = lex.rawEscapes();
  }

  ExpansionResult process() throws ShellExpansionException {
    try {
      Words words = new Words();
      String result = processStopOn(EOF, rawEscapes, words);
      return new ExpansionResult(result, words.get(), matched, unmatched);
    } catch (Failure e) {
      throw new ShellExpansionException("failed to process \"" + source + "\": " + e.getMessage());
    }
  }

  /** An internal failure; wrapped once with the word being processed. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  private int peek() {
    return pos < chars.length ? chars[pos] : EOF;
  }

  private int next() {
    return pos < chars.length ? chars[pos++] : EOF;
  }

  static boolean isSpace(int ch) {
    return ch == ' '
        || (ch >= '\t' && ch <= '\r')
        || ch == 0x85
        || ch == 0xA0
        || (ch > 0xff && Character.isSpaceChar(ch));
  }

  /** Word splitting state: expansion results are split, quoted text is not. */
  static final class Words {
    private final List<String> words = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;

    void addChar(int ch) {
      if (isSpace(ch) && inWord) {
        if (word.length() != 0) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (!isSpace(ch)) {
        addRawChar(ch);
      }
    }

    void addRawChar(int ch) {
      word.appendCodePoint(ch);
      inWord = true;
    }

    void addString(String s) {
      s.codePoints().forEach(this::addChar);
    }

    void addRawString(String s) {
      word.append(s);
      inWord = true;
    }

    List<String> get() {
      if (word.length() > 0) {
        words.add(word.toString());
        word.setLength(0);
        inWord = false;
      }
      return words;
    }
  }

  private String processStopOn(int stopChar, boolean raw, Words words) throws Failure {
    boolean saved = rawEscapes;
    rawEscapes = raw;
    try {
      StringBuilder result = new StringBuilder();
      while (peek() != EOF) {
        int ch = peek();
        if (stopChar != EOF && ch == stopChar) {
          next();
          return result.toString();
        }
        if (ch == '$') {
          String tmp = processDollar();
          result.append(tmp);
          words.addString(tmp);
        } else if (ch == '<') {
          String tmp = processPossibleHeredoc();
          result.append(tmp);
          words.addRawString(tmp);
        } else if (!lex.skipProcessQuotes() && (ch == '\'' || ch == '"')) {
          String tmp = ch == '\'' ? processSingleQuote() : processDoubleQuote();
          result.append(tmp);
          words.addRawString(tmp);
        } else {
          ch = next();
          if (ch == lex.escapeToken()) {
            if (rawEscapes) {
              words.addRawChar(ch);
              result.appendCodePoint(ch);
            }
            ch = next();
            if (ch == EOF) {
              break;
            }
            words.addRawChar(ch);
          } else {
            words.addChar(ch);
          }
          result.appendCodePoint(ch);
        }
      }
      if (stopChar != EOF) {
        throw new Failure(
            "unexpected end of statement while looking for matching "
                + new String(Character.toChars(stopChar)));
      }
      return result.toString();
    } finally {
      rawEscapes = saved;
    }
  }

  /**
   * {@code <<} keeps the blanks after it in the same word, so {@code << EOF} is one heredoc word
   * (BuildKit since dockerfile 1.16; before, the blanks split it into two words).
   */
  private String processPossibleHeredoc() {
    next();
    if (peek() != '<') {
      return "<";
    }
    next();
    StringBuilder result = new StringBuilder("<<");
    while (peek() != EOF && isBlank(peek())) {
      result.appendCodePoint(next());
    }
    return result.toString();
  }

  /** {@code isWhitespace} of BuildKit's lexer: space, tab and carriage return only. */
  private static boolean isBlank(int ch) {
    return ch == ' ' || ch == '\t' || ch == '\r';
  }

  private String processSingleQuote() throws Failure {
    StringBuilder result = new StringBuilder();
    int ch = next();
    if (lex.rawQuotes()) {
      result.appendCodePoint(ch);
    }
    while (true) {
      ch = next();
      if (ch == EOF) {
        throw new Failure("unexpected end of statement while looking for matching single-quote");
      }
      if (ch == '\'') {
        if (lex.rawQuotes()) {
          result.appendCodePoint(ch);
        }
        return result.toString();
      }
      result.appendCodePoint(ch);
    }
  }

  private String processDoubleQuote() throws Failure {
    StringBuilder result = new StringBuilder();
    int ch = next();
    if (lex.rawQuotes()) {
      result.appendCodePoint(ch);
    }
    while (true) {
      int p = peek();
      if (p == EOF) {
        throw new Failure("unexpected end of statement while looking for matching double-quote");
      } else if (p == '"') {
        ch = next();
        if (lex.rawQuotes()) {
          result.appendCodePoint(ch);
        }
        return result.toString();
      } else if (p == '$') {
        result.append(processDollar());
      } else {
        ch = next();
        if (ch == lex.escapeToken()) {
          if (rawEscapes) {
            result.appendCodePoint(ch);
          }
          int after = peek();
          if (after == EOF) {
            // an escape at the very end of the word is dropped
            continue;
          }
          if (after == '"' || after == '$' || after == lex.escapeToken()) {
            ch = next();
          }
        }
        result.appendCodePoint(ch);
      }
    }
  }

  private String processDollar() throws Failure {
    next();
    if (peek() != '{') {
      String name = processName();
      if (name.isEmpty()) {
        return "$";
      }
      String value = getEnv(name);
      if (value == null && lex.skipUnsetEnv()) {
        return "$" + name;
      }
      return value == null ? "" : value;
    }
    next();
    int first = peek();
    if (first == EOF) {
      throw new Failure("syntax error: missing '}'");
    }
    if (first == '{' || first == '}' || first == ':') {
      throw new Failure("syntax error: bad substitution");
    }
    String name = processName();
    int ch = next();
    if (ch == EOF) {
      throw new Failure("syntax error: missing '}'");
    }
    StringBuilder modifier = new StringBuilder().appendCodePoint(ch);
    boolean nullIsUnset = false;
    switch (ch) {
      case '}':
        {
          String value = getEnv(name);
          if (value == null && lex.skipUnsetEnv()) {
            return "${" + name + "}";
          }
          return value == null ? "" : value;
        }
      case ':':
        nullIsUnset = true;
        ch = next();
        if (ch != EOF) {
          modifier.appendCodePoint(ch);
        }
        return modifier(name, ch, modifier.toString(), nullIsUnset);
      case '+':
      case '-':
      case '?':
      case '#':
      case '%':
        return modifier(name, ch, modifier.toString(), false);
      case '/':
        return substitute(name);
      default:
        throw new Failure("unsupported modifier (" + modifier + ") in substitution");
    }
  }

  private String modifier(String name, int ch, String chs, boolean nullIsUnset) throws Failure {
    boolean patternMode = ch == '#' || ch == '%';
    String word;
    try {
      word = processStopOn('}', patternMode, new Words());
    } catch (Failure e) {
      if (peek() == EOF) {
        throw new Failure("syntax error: missing '}'");
      }
      throw e;
    }
    String value = getEnv(name);
    boolean set = value != null;
    if (!set && lex.skipUnsetEnv()) {
      return "${" + name + chs + word + "}";
    }
    boolean empty = !set || (nullIsUnset && value.isEmpty());
    switch (ch) {
      case '-':
        return empty ? word : value;
      case '+':
        return empty ? "" : word;
      case '?':
        if (!set) {
          throw new Failure(name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
        }
        if (nullIsUnset && value.isEmpty()) {
          throw new Failure(name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
        }
        return value;
      case '%':
      case '#':
        {
          boolean greedy = !word.isEmpty() && word.codePointAt(0) == ch;
          String pattern = greedy ? word.substring(1) : word;
          String v = set ? value : "";
          return ch == '%'
              ? ShellPatterns.trimSuffix(pattern, v, greedy)
              : ShellPatterns.trimPrefix(pattern, v, greedy);
        }
      default:
        throw new Failure("unsupported modifier (" + chs + ") in substitution");
    }
  }

  private String substitute(String name) throws Failure {
    boolean replaceAll = peek() == '/';
    if (replaceAll) {
      next();
    }
    String pattern;
    String replacement;
    try {
      pattern = processStopOn('/', true, new Words());
    } catch (Failure e) {
      if (peek() == EOF) {
        throw new Failure("syntax error: missing '/' in ${}");
      }
      throw e;
    }
    try {
      replacement = processStopOn('}', true, new Words());
    } catch (Failure e) {
      if (peek() == EOF) {
        throw new Failure("syntax error: missing '}'");
      }
      throw e;
    }
    String value = getEnv(name);
    if (value == null && lex.skipUnsetEnv()) {
      return "${" + name + "/" + pattern + "/" + replacement + "}";
    }
    return ShellPatterns.replace(pattern, value == null ? "" : value, replacement, replaceAll);
  }

  private String processName() {
    StringBuilder name = new StringBuilder();
    while (peek() != EOF) {
      int ch = peek();
      if (name.length() == 0 && Character.isDigit(ch)) {
        while (peek() != EOF && Character.isDigit(peek())) {
          name.appendCodePoint(next());
        }
        return name.toString();
      }
      if (name.length() == 0 && isSpecialParam(ch)) {
        return new String(Character.toChars(next()));
      }
      if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
        break;
      }
      name.appendCodePoint(next());
    }
    return name.toString();
  }

  private static boolean isSpecialParam(int ch) {
    return ch == '@' || ch == '*' || ch == '#' || ch == '?' || ch == '-' || ch == '$' || ch == '!'
        || ch == '0';
  }

  private String getEnv(String name) {
    String value = env.get(name);
    if (value != null) {
      matched.add(name);
    } else {
      unmatched.add(name);
    }
    return value;
  }
}
