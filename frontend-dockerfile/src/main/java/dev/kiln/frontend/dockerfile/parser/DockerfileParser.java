package dev.kiln.frontend.dockerfile.parser;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Dockerfile text into {@link Node}s the way Docker's parser does: parser directives at the
 * top, logical lines joined at the escape character, comment lines (also inside continuations)
 * dropped, empty continuation lines skipped with a warning, JSON versus shell form, builder flags
 * and here-documents for RUN, COPY and ADD.
 *
 * <p>Unknown instructions are kept as nodes here; {@code InstructionParser} rejects them. Stateless
 * and thread-safe.
 */
public final class DockerfileParser {
  private static final Pattern DIRECTIVE =
      Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
  private static final Set<String> KNOWN_DIRECTIVES = Set.of("escape", "syntax", "check");

  private DockerfileParser() {}

  /**
   * Parses a Dockerfile.
   *
   * @param fileName the input's name for messages, e.g. {@code Dockerfile}
   * @param text the whole file
   * @return the nodes, directives and warnings
   * @throws DockerfileParseException on a bad directive, malformed JSON form, unterminated
   *     here-document, or a file with no instructions
   */
  public static ParseResult parse(String fileName, String text) throws DockerfileParseException {
    return new Run(fileName, text).parse();
  }

  /** State of one parse. */
  private static final class Run {
    private final String fileName;
    private final List<String> lines;

    /** The lines as read, each with its line ending (here-document bodies keep them). */
    private final List<String> rawLines;

    private final Map<String, String> directives = new LinkedHashMap<>();
    private boolean directivesDone;
    private char escape = '\\';
    private Pattern continuation = continuationPattern('\\');
    private int index;

    Run(String fileName, String text) {
      this.fileName = fileName;
      this.lines = splitLines(text);
      this.rawLines = rawLines(text);
    }

    private static List<String> rawLines(String text) {
      List<String> out = new ArrayList<>();
      int start = 0;
      while (start < text.length()) {
        int nl = text.indexOf('\n', start);
        int end = nl < 0 ? text.length() : nl + 1;
        out.add(text.substring(start, end));
        start = end;
      }
      return out;
    }

    private static List<String> splitLines(String text) {
      List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
      if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
        out.remove(out.size() - 1);
      }
      for (int i = 0; i < out.size(); i++) {
        String l = out.get(i);
        if (l.endsWith("\r")) {
          out.set(i, l.substring(0, l.length() - 1));
        }
      }
      if (!out.isEmpty() && out.get(0).startsWith("\uFEFF")) {
        out.set(0, out.get(0).substring(1));
      }
      return out;
    }

    /**
     * The escape character as the last non-blank character, unless another escape character
     * precedes it (an escaped escape is a literal, as BuildKit's parser has it since 2020; like
     * BuildKit's, this does not count pairs, so {@code \\\} at the end is not a continuation).
     */
    private static Pattern continuationPattern(char esc) {
      return Pattern.compile("(?<!\\" + esc + ")\\" + esc + "[ \\t]*$");
    }

    private DockerfileParseException error(int line, String message) {
      return new DockerfileParseException(fileName, line, message);
    }

    ParseResult parse() throws DockerfileParseException {
      List<Node> nodes = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      List<String> comments = new ArrayList<>();
      while (index < lines.size()) {
        String raw = lines.get(index);
        if (isComment(raw)) {
          String comment = raw.strip().substring(1).strip();
          if (comment.isEmpty()) {
            comments.clear();
          } else {
            comments.add(comment);
          }
        }
        String processed = processLine(raw, true, index + 1);
        index++;
        int startLine = index;
        String line = processed;
        boolean endOfLine = true;
        Matcher m = continuation.matcher(line);
        if (m.find()) {
          line = line.substring(0, m.start());
          endOfLine = false;
        }
        if (endOfLine && line.isEmpty()) {
          continue;
        }
        boolean emptyContinuation = false;
        StringBuilder logical = new StringBuilder(line);
        while (!endOfLine && index < lines.size()) {
          String next = lines.get(index);
          String cont = processLine(next, false, index + 1);
          index++;
          if (isComment(next)) {
            continue;
          }
          if (cont.isBlank()) {
            emptyContinuation = true;
            continue;
          }
          Matcher cm = continuation.matcher(cont);
          if (cm.find()) {
            cont = cont.substring(0, cm.start());
          } else {
            endOfLine = true;
          }
          logical.append(cont);
        }
        String full = logical.toString();
        if (emptyContinuation) {
          warnings.add(
              fileName
                  + ":"
                  + startLine
                  + ": empty continuation line found in: "
                  + full.strip()
                  + " (remove the blank line inside the continuation)");
        }
        Node node;
        try {
          node = newNode(full, List.copyOf(comments)).withLines(startLine, index);
        } catch (ParseFailure e) {
          throw error(startLine, e.getMessage());
        }
        comments.clear();
        node = readHeredocs(node, startLine);
        nodes.add(node);
      }
      if (nodes.isEmpty()) {
        throw error(0, "file with no instructions (add at least a FROM instruction)");
      }
      return new ParseResult(fileName, nodes, new Directives(directives, escape), warnings);
    }

    private static boolean isComment(String line) {
      return line.stripLeading().startsWith("#");
    }

    private String processLine(String raw, boolean stripLeft, int lineNo)
        throws DockerfileParseException {
      String token = stripLeft ? raw.stripLeading() : raw;
      possibleDirective(token, lineNo);
      return token.startsWith("#") ? "" : token;
    }

    private void possibleDirective(String line, int lineNo) throws DockerfileParseException {
      if (directivesDone) {
        return;
      }
      Matcher m = DIRECTIVE.matcher(line);
      if (!m.matches()) {
        directivesDone = true;
        return;
      }
      String key = m.group(1).toLowerCase(Locale.ROOT);
      if (!KNOWN_DIRECTIVES.contains(key)) {
        directivesDone = true;
        return;
      }
      if (directives.containsKey(key)) {
        throw error(lineNo, "only one " + key + " parser directive can be used (remove this one)");
      }
      String value = m.group(2);
      if (key.equals("escape")) {
        if (!value.equals("`") && !value.equals("\\")) {
          throw error(lineNo, "invalid escape token '" + value + "' does not match ` or \\");
        }
        escape = value.charAt(0);
        continuation = continuationPattern(escape);
      }
      directives.put(key, value);
    }

    private Node newNode(String line, List<String> comments) throws ParseFailure {
      LineParsers.Split split = LineParsers.splitCommand(line);
      String rest = split.rest();
      LineParsers.Parsed parsed;
      Node child = null;
      switch (split.keyword()) {
        case "add", "copy", "volume" -> parsed = LineParsers.parseMaybeJsonToList(rest);
        case "arg" -> parsed = new LineParsers.Parsed(LineParsers.parseWords(rest, escape), false);
        case "cmd", "entrypoint", "run", "shell" -> parsed = LineParsers.parseMaybeJson(rest);
        case "env" -> parsed = LineParsers.parseNameVal(rest, "ENV", escape);
        case "label" -> parsed = LineParsers.parseNameVal(rest, "LABEL", escape);
        case "expose", "from" -> parsed = LineParsers.parseWhitespaceDelimited(rest);
        case "healthcheck" -> parsed = LineParsers.parseHealthConfig(rest);
        case "maintainer", "stopsignal", "user", "workdir" ->
            parsed = LineParsers.parseString(rest);
        case "onbuild" -> {
          parsed = new LineParsers.Parsed(List.of(), false);
          if (!rest.isEmpty()) {
            child = newNode(rest, List.of());
          }
        }
        default -> parsed = new LineParsers.Parsed(List.of(), false);
      }
      return new Node(
          split.keyword(),
          split.flags(),
          parsed.args(),
          parsed.json(),
          line,
          1,
          1,
          List.of(),
          child,
          comments);
    }

    private Node readHeredocs(Node node, int startLine) throws DockerfileParseException {
      Node target = node.keyword().equals("onbuild") ? node.child() : node;
      if (target == null || !Heredocs.canContain(target) || !node.original().contains("<<")) {
        return node;
      }
      List<Heredoc> docs = new ArrayList<>();
      List<Heredocs.Spec> specs;
      try {
        specs = Heredocs.fromLine(target.original());
      } catch (ParseFailure e) {
        throw error(startLine, e.getMessage());
      }
      for (Heredocs.Spec spec : specs) {
        StringBuilder content = new StringBuilder();
        boolean terminated = false;
        while (index < lines.size()) {
          String raw = rawLines.get(index++);
          // as BuildKit: the terminator is compared without the line ending (and, for <<-,
          // without leading tabs); the body keeps both
          String candidate = stripLineEnding(raw);
          if (spec.chomp()) {
            candidate = stripLeadingTabs(candidate);
          }
          if (candidate.equals(spec.name())) {
            terminated = true;
            break;
          }
          content.append(raw);
        }
        if (!terminated) {
          throw error(
              startLine,
              "unterminated heredoc "
                  + spec.name()
                  + " (add a line consisting of just "
                  + spec.name()
                  + ")");
        }
        docs.add(
            new Heredoc(
                spec.name(),
                content.toString(),
                spec.expand(),
                spec.chomp(),
                spec.fileDescriptor()));
      }
      if (node == target) {
        return node.withHeredocs(docs, index);
      }
      Node newChild = target.withHeredocs(docs, index);
      return new Node(
          node.keyword(),
          node.flags(),
          node.args(),
          node.json(),
          node.original(),
          node.startLine(),
          index,
          node.heredocs(),
          newChild,
          node.comments());
    }

    private static String stripLineEnding(String s) {
      int end = s.length();
      while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
        end--;
      }
      return s.substring(0, end);
    }

    private static String stripLeadingTabs(String s) {
      int i = 0;
      while (i < s.length() && s.charAt(i) == '\t') {
        i++;
      }
      return s.substring(i);
    }
  }
}
