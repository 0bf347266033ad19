package dev.kiln.frontend.dockerfile.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-instruction argument parsing of one logical line (BuildKit's line parsers). Which parser an
 * instruction uses decides how its arguments are split; expansion happens later.
 */
final class LineParsers {
  static final Pattern WHITESPACE = Pattern.compile("[\\t\\u000B\\f\\r ]+");

  private LineParsers() {}

  /** Arguments of one instruction. */
  record Parsed(List<String> args, boolean json) {}

  /** The keyword, flags and argument text of a logical line. */
  record Split(String keyword, List<String> flags, String rest) {}

  static Split splitCommand(String line) {
    String[] parts = WHITESPACE.split(line.strip(), 2);
    String keyword = parts[0].toLowerCase(Locale.ROOT);
    if (parts.length < 2) {
      return new Split(keyword, List.of(), "");
    }
    List<String> flags = new ArrayList<>();
    String rest = extractBuilderFlags(parts[1], flags);
    return new Split(keyword, flags, rest);
  }

  /** Moves leading {@code --flag} words into {@code flags} and returns the remaining text. */
  static String extractBuilderFlags(String line, List<String> flags) {
    final int inSpaces = 0;
    final int inWord = 1;
    final int inQuote = 2;
    int phase = inSpaces;
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean blankOk = false;
    int n = line.length();
    for (int pos = 0; pos <= n; pos++) {
      char ch = pos < n ? line.charAt(pos) : 0;
      if (phase == inSpaces) {
        if (pos == n) {
          break;
        }
        if (Character.isWhitespace(ch)) {
          continue;
        }
        if (ch != '-' || pos + 1 == n || line.charAt(pos + 1) != '-') {
          return line.substring(pos);
        }
        phase = inWord;
      }
      if (pos == n) {
        if (!word.toString().equals("--") && (blankOk || word.length() > 0)) {
          flags.add(word.toString());
        }
        break;
      }
      if (phase == inWord) {
        if (Character.isWhitespace(ch)) {
          phase = inSpaces;
          if (word.toString().equals("--")) {
            return line.substring(pos).stripLeading();
          }
          if (blankOk || word.length() > 0) {
            flags.add(word.toString());
          }
          word.setLength(0);
          blankOk = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blankOk = true;
          phase = inQuote;
          continue;
        }
        if (ch == '\\') {
          if (pos + 1 == n) {
            continue;
          }
          ch = line.charAt(++pos);
        }
        word.append(ch);
        continue;
      }
      if (ch == quote) {
        phase = inWord;
        continue;
      }
      if (ch == '\\') {
        if (pos + 1 == n) {
          phase = inWord;
          continue;
        }
        ch = line.charAt(++pos);
      }
      word.append(ch);
    }
    return "";
  }

  /** Splits on whitespace but keeps quoted parts (with their quotes) inside one word. */
  static List<String> parseWords(String rest, char escape) {
    List<String> words = new ArrayList<>();
    final int inSpaces = 0;
    final int inWord = 1;
    final int inQuote = 2;
    int phase = inSpaces;
    int quote = 0;
    boolean blankOk = false;
    StringBuilder sb = new StringBuilder();
    int[] cps = rest.codePoints().toArray();
    int n = cps.length;
    for (int pos = 0; pos <= n; pos++) {
      int ch = pos < n ? cps[pos] : 0;
      if (phase == inSpaces) {
        if (pos == n) {
          break;
        }
        if (Character.isWhitespace(ch)) {
          continue;
        }
        phase = inWord;
      }
      if (pos == n) {
        if (blankOk || sb.length() > 0) {
          words.add(sb.toString());
        }
        break;
      }
      if (phase == inWord) {
        if (Character.isWhitespace(ch)) {
          phase = inSpaces;
          if (blankOk || sb.length() > 0) {
            words.add(sb.toString());
          }
          sb.setLength(0);
          blankOk = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blankOk = true;
          phase = inQuote;
        }
        if (ch == escape) {
          if (pos + 1 == n) {
            continue;
          }
          // an unquoted escape keeps itself and the next character, even a quote
          sb.appendCodePoint(ch);
          ch = cps[++pos];
        }
        sb.appendCodePoint(ch);
        continue;
      }
      if (ch == quote) {
        phase = inWord;
      }
      if (ch == escape && quote != '\'') {
        if (pos + 1 == n) {
          phase = inWord;
          continue;
        }
        sb.appendCodePoint(ch);
        ch = cps[++pos];
      }
      sb.appendCodePoint(ch);
    }
    return words;
  }

  /**
   * ENV and LABEL: {@code k=v ...} or the legacy {@code k v}; returns (key, value, sep) triples.
   */
  static Parsed parseNameVal(String rest, String keyword, char escape) throws ParseFailure {
    List<String> words = parseWords(rest, escape);
    if (words.isEmpty()) {
      return new Parsed(List.of(), false);
    }
    if (!words.get(0).contains("=")) {
      String[] parts = WHITESPACE.split(rest, 2);
      if (parts.length < 2) {
        throw new ParseFailure(
            keyword + " must have two arguments (use " + keyword + " name=value or name value)");
      }
      return new Parsed(List.of(parts[0], parts[1], ""), false);
    }
    List<String> out = new ArrayList<>();
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq < 0) {
        throw new ParseFailure(
            "Syntax error - can't find = in \"" + word + "\". Must be of the form: name=value");
      }
      out.add(word.substring(0, eq));
      out.add(word.substring(eq + 1));
      out.add("=");
    }
    return new Parsed(out, false);
  }

  static Parsed parseWhitespaceDelimited(String rest) {
    if (rest.isEmpty()) {
      return new Parsed(List.of(), false);
    }
    return new Parsed(List.of(WHITESPACE.split(rest, -1)), false);
  }

  static Parsed parseString(String rest) {
    return new Parsed(rest.isEmpty() ? List.of() : List.of(rest), false);
  }

  static Parsed parseMaybeJson(String rest) throws ParseFailure {
    if (rest.isEmpty()) {
      return new Parsed(List.of(), false);
    }
    Optional<List<String>> json = JsonArrays.parse(rest);
    return json.map(a -> new Parsed(a, true)).orElseGet(() -> new Parsed(List.of(rest), false));
  }

  static Parsed parseMaybeJsonToList(String rest) throws ParseFailure {
    Optional<List<String>> json = JsonArrays.parse(rest);
    if (json.isPresent()) {
      return new Parsed(json.get(), true);
    }
    return parseWhitespaceDelimited(rest);
  }

  static Parsed parseHealthConfig(String rest) throws ParseFailure {
    int sep = 0;
    while (sep < rest.length() && Character.isWhitespace(rest.charAt(sep))) {
      sep++;
    }
    if (sep != 0 || rest.isEmpty()) {
      return new Parsed(List.of(), false);
    }
    int end = 0;
    while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
      end++;
    }
    Parsed cmd = parseMaybeJson(rest.substring(end).stripLeading());
    List<String> args = new ArrayList<>();
    args.add(rest.substring(0, end));
    args.addAll(cmd.args());
    return new Parsed(args, cmd.json());
  }
}
