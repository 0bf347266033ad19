package dev.kiln.frontend.dockerfile.convert;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.State;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.instructions.Instruction;
import dev.kiln.frontend.dockerfile.instructions.Stage;
import dev.kiln.frontend.dockerfile.parser.Heredoc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * COPY and ADD as BuildKit's {@code dispatchCopy}: one file vertex with one copy action per source
 * (follow symlinks, directory contents, create the destination path, wildcards that may match
 * nothing); {@code --link} copies onto scratch and merges onto the stage. ADD of a local source
 * sets {@code attemptUnpackDockerCompatibility}, so the file op extracts a tar archive; URL sources
 * are refused.
 */
final class CopyDispatch {
  private static final Pattern URL = Pattern.compile("(?i)^(https?|git)://.*|^git@.*");

  private final Conversion conversion;
  private final Stage stage;
  private final StageContext ctx;

  CopyDispatch(Conversion conversion, Stage stage, StageContext ctx) {
    this.conversion = conversion;
    this.stage = stage;
    this.ctx = ctx;
  }

  void apply(Instruction ins, int line, String name) throws DockerfileParseException {
    String keyword;
    List<String> sources;
    String dest;
    List<Heredoc> contents;
    String from = null;
    String chown;
    String chmod;
    boolean link;
    boolean unpack = false;
    if (ins instanceof Instruction.Copy c) {
      keyword = "COPY";
      sources = c.sources();
      dest = c.dest();
      contents = c.sourceContents();
      from = c.from();
      chown = c.chown();
      chmod = c.chmod();
      link = c.link();
      if (c.parents()) {
        throw conversion.error(
            line,
            "COPY --parents is not supported yet (copy each directory" + " with its own COPY)");
      }
      unsupportedExcludes(c.excludes(), keyword, line);
    } else {
      Instruction.Add a = (Instruction.Add) ins;
      keyword = "ADD";
      sources = a.sources();
      dest = a.dest();
      contents = a.sourceContents();
      chown = a.chown();
      chmod = a.chmod();
      link = a.link();
      // BuildKit: a local ADD source whose content is a tar archive is extracted (decided by the
      // file op at build time, from the bytes, not from the name); heredocs never are.
      unpack = true;
      unsupportedExcludes(a.excludes(), keyword, line);
      for (String src : sources) {
        if (URL.matcher(src).matches()) {
          throw conversion.error(
              line,
              "ADD from a URL is not supported: download the file in"
                  + " the context or use RUN (source "
                  + src
                  + ")");
        }
      }
      if (a.checksum() != null) {
        throw conversion.error(
            line, "ADD --checksum is only valid for URL sources," + " which are not supported");
      }
    }
    // Several sources and a destination without a trailing slash are no error in BuildKit (the
    // classic builder's rule is gone): each source is copied onto the destination in turn.
    String target = Paths.resolve(ctx.cwd(), dest);
    if (dest.isEmpty() || dest.equals(".") || dest.endsWith("/") || dest.endsWith("/.")) {
      target = target.equals("/") ? "/" : target + "/";
    }
    int mode = mode(chmod, line);
    Owner owner = owner(chown, line);
    State source = from == null ? conversion.context() : fromState(from, line);
    List<FileStep> steps = new ArrayList<>();
    StringBuilder msg = new StringBuilder(keyword);
    for (String src : sources) {
      msg.append(' ').append(src);
      steps.add(copy(source, Paths.clean("/" + src), target, mode, owner, unpack));
    }
    for (Heredoc h : contents) {
      msg.append(" <<").append(h.name());
      // As BuildKit: the document is a 0644 file on scratch (--chmod applies to the copy), copied
      // with only createDestPath (a single regular file: the other copy flags change nothing).
      State file =
          State.scratch()
              .file(
                  FileStep.of(
                      new FileAction.Mkfile(
                          "/" + h.name(),
                          0644,
                          h.content().getBytes(StandardCharsets.UTF_8),
                          null)))
              .named("[internal] preparing inline document");
      steps.add(
          FileStep.copy(
              file,
              new FileAction.Copy(
                  0, "/" + h.name(), target, false, false, true, false, false, mode, owner)));
    }
    msg.append(' ').append(dest).append(" # buildkit");
    State base = link ? State.scratch() : ctx.fs;
    State copied = base.file(steps.toArray(FileStep[]::new)).named(name);
    // --link merges the copy onto the stage; onto scratch the merge is the copy itself, and
    // BuildKit's llb.Merge emits no merge op then
    boolean onScratch = ctx.fs.output().vertex().op() instanceof ScratchOp;
    ctx.fs = link && !onScratch ? State.merge(List.of(ctx.fs, copied)).named(name) : copied;
    ctx.history(msg.toString(), true);
  }

  private static FileStep copy(
      State from, String src, String dest, int mode, Owner owner, boolean unpack) {
    FileAction.Copy action =
        new FileAction.Copy(0, src, dest, true, true, true, true, true, mode, owner, unpack);
    return FileStep.copy(from, action);
  }

  private State fromState(String from, int line) throws DockerfileParseException {
    Optional<Stage> ref = conversion.stageRef(from.toLowerCase(Locale.ROOT), stage, line);
    if (ref.isPresent()) {
      return conversion.stage(ref.get()).context().fs;
    }
    return State.image(conversion.normalise(from, line), ctx.platform);
  }

  private void unsupportedExcludes(List<String> excludes, String keyword, int line)
      throws DockerfileParseException {
    if (!excludes.isEmpty()) {
      throw conversion.error(
          line,
          keyword + " --exclude is not supported yet (use" + " .dockerignore or narrower sources)");
    }
  }

  private int mode(String chmod, int line) throws DockerfileParseException {
    if (chmod == null || chmod.isEmpty()) {
      return -1;
    }
    if (!chmod.matches("[0-7]{1,4}")) {
      throw conversion.error(
          line, "invalid --chmod value '" + chmod + "': expected an octal mode such as 0755");
    }
    return Integer.parseInt(chmod, 8);
  }

  private Owner owner(String chown, int line) throws DockerfileParseException {
    if (chown == null || chown.isEmpty()) {
      return null;
    }
    try {
      return Owner.parse(chown);
    } catch (IllegalArgumentException e) {
      throw conversion.error(line, "invalid --chown value: " + e.getMessage());
    }
  }
}
