package dev.kiln.frontend.dockerfile.parser;

import dev.kiln.frontend.dockerfile.shell.ShellExpansionException;
import dev.kiln.frontend.dockerfile.shell.ShellLex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds here-document openers ({@code <<EOF}, {@code <<-"EOF"}, {@code 2<<EOF}) in a line. */
final class Heredocs {
  private static final Pattern OPENER = Pattern.compile("^(\\d*)<<(-?)\\s*([^<]*)$");
  private static final Set<String> ALLOWED = Set.of("run", "copy", "add");
  private static final ShellLex LINE_LEX =
      ShellLex.of('\\').withRawQuotes(true).withRawEscapes(true).withSkipUnsetEnv(true);
  private static final ShellLex NAME_LEX = ShellLex.of('\\').withSkipUnsetEnv(true);

  private Heredocs() {}

  /** A here-document opener before its body has been read. */
  record Spec(String name, boolean expand, boolean chomp, int fileDescriptor) {}

  static boolean canContain(Node node) {
    return ALLOWED.contains(node.keyword()) && !node.json();
  }

  static List<Spec> fromLine(String line) throws ParseFailure {
    List<String> words;
    try {
      words = LINE_LEX.processWords(line, Map.of());
    } catch (ShellExpansionException e) {
      // Docker ignores lines it cannot lex here: they simply carry no here-documents
      return List.of();
    }
    List<Spec> out = new ArrayList<>();
    for (String word : words) {
      Spec spec = parse(word);
      if (spec != null) {
        out.add(spec);
      }
    }
    return out;
  }

  static Spec parse(String word) throws ParseFailure {
    Matcher m = OPENER.matcher(word);
    if (!m.matches()) {
      return null;
    }
    String rest = m.group(3);
    if (rest.isEmpty()) {
      return null;
    }
    int fd;
    try {
      fd = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      fd = 0; // BuildKit ignores a file descriptor it cannot parse
    }
    List<String> plain;
    List<String> raw;
    try {
      plain = NAME_LEX.processWords(rest, Map.of());
      if (plain.size() != 1) {
        return null;
      }
      raw = NAME_LEX.withRawQuotes(true).processWords(rest, Map.of());
    } catch (ShellExpansionException e) {
      throw new ParseFailure("bad heredoc delimiter " + rest + ": " + e.getMessage());
    }
    if (raw.size() != 1) {
      throw new ParseFailure("inconsistent heredoc delimiter " + rest);
    }
    // any quote in the delimiter (removed by the plain pass) disables expansion of the body
    boolean expand = quotes(plain.get(0)) == quotes(raw.get(0));
    return new Spec(plain.get(0), expand, !m.group(2).isEmpty(), fd);
  }

  private static long quotes(String s) {
    return s.chars().filter(c -> c == '\'' || c == '"').count();
  }
}
