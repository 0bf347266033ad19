package dev.kiln.frontend.dockerfile.parser;

import java.util.Objects;

/**
 * One here-document attached to a RUN, COPY or ADD instruction ({@code <<EOF}, {@code <<-EOF},
 * {@code <<'EOF'}, {@code 3<<EOF}).
 *
 * @param name the delimiter word with quotes removed
 * @param content the body, each line ending in a newline; with {@code chomp}, leading tabs are
 *     already removed from every line
 * @param expand false when any part of the delimiter was quoted: the body is then not expanded
 * @param chomp true for {@code <<-}: leading tabs are stripped
 * @param fileDescriptor the file descriptor written before {@code <<}, 0 when none
 */
public record Heredoc(
    String name, String content, boolean expand, boolean chomp, int fileDescriptor) {
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
}
