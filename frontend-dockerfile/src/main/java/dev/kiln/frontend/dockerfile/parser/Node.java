package dev.kiln.frontend.dockerfile.parser;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One instruction as parsed from its logical line, before interpretation (BuildKit's {@code
 * parser.Node}).
 *
 * <p>The meaning of {@code args} depends on the instruction, as in Docker: for ENV and LABEL it is
 * a flat list of (key, value, separator) triples where the separator is {@code "="} for {@code k=v}
 * and {@code ""} for the legacy {@code ENV k v}; for HEALTHCHECK the first element is the type; for
 * JSON forms the decoded strings; for shell forms of RUN/CMD/ENTRYPOINT/SHELL one string; for
 * COPY/ADD/VOLUME/FROM/EXPOSE the whitespace-separated words; for ARG the words with their quotes;
 * for the rest the whole argument text.
 *
 * @param keyword the instruction keyword in lower case
 * @param flags the {@code --flag[=value]} words before the arguments, quotes removed
 * @param args the arguments, see above
 * @param json true when the arguments were written as a JSON array
 * @param original the logical line as written (continuations joined, comment lines removed)
 * @param startLine the 1-based first line of the instruction
 * @param endLine the 1-based last line, including here-document bodies
 * @param heredocs the here-documents, in order
 * @param child the nested instruction of ONBUILD, or null
 * @param comments the comment lines directly above the instruction, without {@code #}
 */
public record Node(
    String keyword,
    List<String> flags,
    List<String> args,
    boolean json,
    String original,
    int startLine,
    int endLine,
    List<Heredoc> heredocs,
    Node child,
    List<String> comments) {
  /** Validates and copies. */
  public Node {
    Objects.requireNonNull(keyword, "keyword");
    Objects.requireNonNull(original, "original");
    flags = List.copyOf(flags);
    args = List.copyOf(args);
    heredocs = List.copyOf(heredocs);
    comments = List.copyOf(comments);
    if (startLine < 1 || endLine < startLine) {
      throw new IllegalArgumentException("bad line range " + startLine + "-" + endLine);
    }
  }

  /** Returns the ONBUILD trigger, if this is an ONBUILD node with one. */
  public Optional<Node> onbuildChild() {
    return Optional.ofNullable(child);
  }

  Node withLines(int start, int end) {
    Node c = child == null ? null : child.withLines(start, end);
    return new Node(keyword, flags, args, json, original, start, end, heredocs, c, comments);
  }

  Node withHeredocs(List<Heredoc> docs, int end) {
    Node c = child == null ? null : child.withHeredocs(docs, end);
    return new Node(keyword, flags, args, json, original, startLine, end, docs, c, comments);
  }
}
