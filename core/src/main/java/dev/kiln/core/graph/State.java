package dev.kiln.core.graph;

import dev.kiln.oci.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, fluent builder of build graphs in the spirit of BuildKit's {@code llb.State}: a
 * filesystem (one output of a vertex) plus the process context later {@link #run runs} use (env,
 * working directory, user, platform). Every method returns a new state; none changes this one.
 *
 * <pre>{@code
 * State base = State.image("busybox:1.36", Platform.of("linux", "amd64"));
 * State built = base.withEnv("GREETING", "hi").withCwd("/work")
 *     .run(Run.shell("echo $GREETING > out.txt")).root();
 * Definition def = built.definition();
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 */
public final class State {

  private final Edge output;
  private final List<String> env;
  private final String cwd;
  private final String user;
  private final Platform platform;

  private State(Edge output, List<String> env, String cwd, String user, Platform platform) {
    this.output = output;
    this.env = env;
    this.cwd = cwd;
    this.user = user;
    this.platform = platform;
  }

  /** The root filesystem of image {@code ref} for {@code platform}. */
  public static State image(String ref, Platform platform) {
    return of(Vertex.of(new ImageOp(ref, platform), List.of()).output(0), platform);
  }

  /** The root filesystem of image {@code ref} for the platform of the running JVM. */
  public static State image(String ref) {
    return image(ref, Platform.current());
  }

  /** An empty filesystem. */
  public static State scratch() {
    return of(Vertex.of(new ScratchOp(), List.of()).output(0), Platform.current());
  }

  /** A directory provided by the client, e.g. the build context. */
  public static State local(LocalOp op) {
    return of(Vertex.of(op, List.of()).output(0), Platform.current());
  }

  /** The file {@code filename} downloaded from {@code url}; see {@link HttpOp}. */
  public static State http(String url, String filename, dev.kiln.oci.Digest checksum) {
    return of(
        Vertex.of(new HttpOp(url, filename, checksum), List.of()).output(0), Platform.current());
  }

  /** Everything the client provides under {@code name}. */
  public static State local(String name) {
    return local(LocalOp.of(name));
  }

  /** The filesystems of {@code states} merged, later ones on top (at least two). */
  public static State merge(List<State> states) {
    if (states.size() < 2) {
      throw new IllegalArgumentException("merge needs at least 2 states, got " + states.size());
    }
    List<Edge> inputs = new ArrayList<>();
    states.forEach(s -> inputs.add(s.output));
    State first = states.get(0);
    return first.withOutput(Vertex.of(new MergeOp(), inputs).output(0));
  }

  /** A state producing {@code output}, with a default process context. */
  public static State of(Edge output, Platform platform) {
    return new State(output, List.of(), "/", "", platform);
  }

  /** The vertex output this state stands for. */
  public Edge output() {
    return output;
  }

  /** The definition needed to produce this state. */
  public Definition definition() {
    return Definition.of(output);
  }

  /** This state with {@code key} set to {@code value} in the environment of later runs. */
  public State withEnv(String key, String value) {
    if (key == null || key.isEmpty() || key.indexOf('=') >= 0) {
      throw new IllegalArgumentException("invalid environment variable name '" + key + "'");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String e : env) {
      int eq = e.indexOf('=');
      m.put(e.substring(0, eq), e.substring(eq + 1));
    }
    m.put(key, Objects.requireNonNull(value, "env value"));
    List<String> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(k + "=" + v));
    return new State(output, List.copyOf(out), cwd, user, platform);
  }

  /** This state with working directory {@code dir} (relative paths resolve against the current). */
  public State withCwd(String dir) {
    String next = dir.startsWith("/") ? dir : (cwd.endsWith("/") ? cwd : cwd + "/") + dir;
    return new State(output, env, next, user, platform);
  }

  /** This state with user {@code spec} for later runs. */
  public State withUser(String spec) {
    return new State(output, env, cwd, Objects.requireNonNull(spec, "user"), platform);
  }

  /** This state with {@code p} as the platform of later runs. */
  public State withPlatform(Platform p) {
    return new State(output, env, cwd, user, Objects.requireNonNull(p, "platform"));
  }

  /** This state with progress name {@code name} on its vertex (does not change any digest). */
  public State named(String name) {
    Vertex v = output.vertex();
    return withOutput(v.withMetadata(v.metadata().withName(name)).output(output.output()));
  }

  /** The environment later runs get, as {@code KEY=value}. */
  public List<String> env() {
    return env;
  }

  /** The working directory of later runs. */
  public String cwd() {
    return cwd;
  }

  /** The user of later runs (empty for root). */
  public String user() {
    return user;
  }

  /** The platform of later runs. */
  public Platform platform() {
    return platform;
  }

  /** Runs a process on this filesystem; see {@link ExecState} for its outputs. */
  public ExecState run(Run run) {
    List<Edge> inputs = new ArrayList<>();
    inputs.add(output);
    List<Mount> mounts = new ArrayList<>();
    mounts.add(Mount.root());
    for (Run.MountSpec m : run.mounts()) {
      int input = m.source() == null ? -1 : indexOf(inputs, m.source().output);
      mounts.add(
          new Mount(
              input,
              m.target(),
              m.selector(),
              m.readOnly(),
              m.type(),
              m.cacheId(),
              m.sharing(),
              m.options()));
    }
    ExecOp op = new ExecOp(run.meta(env, cwd, user), mounts, run.network(), platform);
    VertexMetadata md =
        run.name().isEmpty() ? VertexMetadata.EMPTY : VertexMetadata.EMPTY.withName(run.name());
    return new ExecState(this, Vertex.of(op, inputs, md));
  }

  /** Runs {@code args} with no further mounts and returns the resulting root filesystem. */
  public State run(String... args) {
    return run(Run.of(args)).root();
  }

  /** Applies file actions to this filesystem (input 0); copies may read other states. */
  public State file(FileStep... steps) {
    List<Edge> inputs = new ArrayList<>();
    inputs.add(output);
    List<FileAction> actions = new ArrayList<>();
    for (FileStep s : steps) {
      actions.add(s.bind(s.source() == null ? 0 : indexOf(inputs, s.source().output)));
    }
    return withOutput(Vertex.of(new FileOp(actions), inputs).output(0));
  }

  State withOutput(Edge newOutput) {
    return new State(newOutput, env, cwd, user, platform);
  }

  private static int indexOf(List<Edge> inputs, Edge e) {
    int i = inputs.indexOf(e);
    if (i < 0) {
      inputs.add(e);
      i = inputs.size() - 1;
    }
    return i;
  }
}
