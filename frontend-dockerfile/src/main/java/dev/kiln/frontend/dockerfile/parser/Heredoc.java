package dev.kiln.frontend.dockerfile.parser;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One here-document attached to a RUN, COPY or ADD instruction ({@code <<EOF}, {@code <<-EOF},
 * {@code <<'EOF'}, {@code 3<<EOF}), as BuildKit's {@code parser.Heredoc}.
 *
 * @param name the delimiter word with quotes removed
 * @param content the body as written: every line with its line ending, leading tabs kept even for
 *     {@code <<-} (see {@link #data()}); empty for an opener without a body
 * @param expand false when any part of the delimiter was quoted: the body is then not expanded
 * @param chomp true for {@code <<-}: leading tabs are stripped from the body's lines
 * @param fileDescriptor the file descriptor written before {@code <<}, 0 when none
 */
public record Heredoc(
    String name, String content, boolean expand, boolean chomp, int fileDescriptor) {
  private static final Pattern LEADING_TABS = Pattern.compile("(?m)^\t+");

  /** Validates. */
  public Heredoc {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("heredoc name must not be empty");
    }
    if (fileDescriptor < 0) {
      throw new IllegalArgumentException("file descriptor must not be negative");
    }
  }

  /**
   * The body as a here-document delivers it: with {@code <<-}, leading tabs removed from every line
   * (BuildKit's {@code ChompHeredocContent}).
   */
  public String data() {
    return chomp ? LEADING_TABS.matcher(content).replaceAll("") : content;
  }

  /** This here-document with {@code newContent} as its body. */
  public Heredoc withContent(String newContent) {
    return new Heredoc(name, newContent, expand, chomp, fileDescriptor);
  }

  /**
   * The here-document that one word opens, if it is an opener such as {@code <<EOF}, {@code
   * <<-'EOF'} or {@code 3<< EOF} (BuildKit's {@code MustParseHeredoc}: malformed openers are not
   * openers). The result has an empty body.
   */
  public static Optional<Heredoc> opener(String word) {
    try {
      return Optional.ofNullable(Heredocs.parse(word))
          .map(s -> new Heredoc(s.name(), "", s.expand(), s.chomp(), s.fileDescriptor()));
    } catch (ParseFailure e) {
      return Optional.empty();
    }
  }
}
