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
import dev.kiln.oci.Digest;
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
 * sets {@code attemptUnpackDockerCompatibility}, so the file op extracts a tar archive; an http(s)
 * URL source is an http source op ({@code --checksum} pins its content) whose file is copied as is;
 * git sources are refused.
 */
final class CopyDispatch {
  /** Git sources (BuildKit's dfgitutil), which kiln does not fetch. */
  private static final Pattern GIT =
      Pattern.compile("(?i)^git://.*|^git@.*|^(https?|ssh)://.*\\.git(#.*)?$");

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
    Digest checksum = null;
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
        if (GIT.matcher(src).matches()) {
          throw conversion.error(
              line,
              "ADD from a git repository is not supported: clone it with RUN or add it to the"
                  + " context (source "
                  + src
                  + ")");
        }
      }
      checksum = checksum(a.checksum(), sources, line);
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
      if (isHttp(src)) {
        // BuildKit: the URL's file is copied as is, never extracted (and no wildcards)
        String file = fileName(src);
        State http = State.http(src, file, checksum).named(name);
        FileAction.Copy action =
            new FileAction.Copy(
                0, "/" + file, target, false, false, true, false, false, mode, owner, false);
        steps.add(FileStep.copy(http, action));
        continue;
      }
      steps.add(copy(source, Paths.clean("/" + src), target, mode, owner, unpack));
    }
    for (Heredoc h : contents) {
      msg.append(" <<").append(h.name());
      // The file is made 0644 (BuildKit since dockerfile 1.6.0; v0.11's frontend made it 0664,
      // which the request may ask for), then copied like any file: --chmod and --chown apply to the
      // copy. BuildKit copies it
      // without following symlinks, wildcards or directory-contents semantics.
      State file =
          State.scratch()
              .file(
                  FileStep.of(
                      new FileAction.Mkfile(
                          "/" + h.name(),
                          conversion.request.inlineDocumentMode(),
                          h.data().getBytes(StandardCharsets.UTF_8),
                          null)))
              .named("[internal] preparing inline document");
      FileAction.Copy action =
          new FileAction.Copy(
              0, "/" + h.name(), target, false, false, true, false, false, mode, owner, false);
      steps.add(FileStep.copy(file, action));
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

  private static boolean isHttp(String src) {
    return (src.startsWith("http://") || src.startsWith("https://")) && !GIT.matcher(src).matches();
  }

  /**
   * The file name of a URL source: the last element of its path, {@code __unnamed__} when there is
   * none (BuildKit's dispatchCopy).
   */
  static String fileName(String url) {
    String path;
    try {
      path = java.net.URI.create(url).getPath();
    } catch (IllegalArgumentException e) {
      return "__unnamed__";
    }
    if (path == null) {
      return "__unnamed__";
    }
    while (path.endsWith("/") && path.length() > 1) {
      path = path.substring(0, path.length() - 1);
    }
    String base = path.substring(path.lastIndexOf('/') + 1);
    return base.isEmpty() || base.equals(".") || base.equals("..") ? "__unnamed__" : base;
  }

  /** ADD {@code --checksum}: one http(s) source and a sha256 digest, as BuildKit checks it. */
  private Digest checksum(String value, List<String> sources, int line)
      throws DockerfileParseException {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (sources.size() != 1) {
      throw conversion.error(line, "checksum can't be specified for multiple sources");
    }
    if (!isHttp(sources.get(0))) {
      throw conversion.error(line, "checksum requires HTTP(S) or Git sources");
    }
    if (!value.matches("sha256:[0-9a-f]{64}")) {
      throw conversion.error(
          line, "invalid --checksum " + value + ": expected sha256:<64 lower-case hex digits>");
    }
    return Digest.parse(value);
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
    return conversion.fromSource(from, ctx.platform, line);
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
