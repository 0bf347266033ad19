package dev.kiln.frontend.dockerfile.instructions;

import dev.kiln.frontend.dockerfile.parser.Heredoc;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A typed Dockerfile instruction (BuildKit's {@code instructions} package). Values are as written
 * (not yet expanded); {@link StageExpander} expands the instructions Docker expands. All records
 * are immutable; nullable components are documented per record.
 */
public sealed interface Instruction {
  /** Where the instruction came from. */
  Location location();

  /**
   * Source position of an instruction.
   *
   * @param startLine first line (1-based)
   * @param endLine last line, including here-document bodies
   * @param original the logical line as written
   */
  record Location(int startLine, int endLine, String original) {
    /** Validates. */
    public Location {
      Objects.requireNonNull(original, "original");
    }
  }

  /**
   * A {@code key=value} pair of ENV or LABEL, or an ARG declaration whose value may be null.
   *
   * @param key the name
   * @param value the value, null for an ARG without default
   */
  record KeyValue(String key, String value) {
    /** Validates. */
    public KeyValue {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * A command of RUN, CMD, ENTRYPOINT or HEALTHCHECK.
   *
   * @param args the JSON array, or one element holding the shell-form text
   * @param prependShell true for the shell form (run via the SHELL)
   * @param files here-documents of RUN, bodies as written ({@link Heredoc#data()} strips tabs)
   */
  record CommandLine(List<String> args, boolean prependShell, List<Heredoc> files) {
    /** Copies. */
    public CommandLine {
      args = List.copyOf(args);
      files = List.copyOf(files);
    }
  }

  /**
   * {@code FROM [--platform=p] image [AS name]}; {@code stageName} (lower case) and {@code
   * platform} may be null.
   */
  record From(Location location, String image, String stageName, String platform)
      implements Instruction {
    /** Validates. */
    public From {
      Objects.requireNonNull(image, "image");
    }
  }

  /** {@code ARG a[=x] b[=y]}. */
  record Arg(Location location, List<KeyValue> args) implements Instruction {
    /** Copies. */
    public Arg {
      args = List.copyOf(args);
    }
  }

  /** {@code ENV k=v ...} or {@code ENV k v}. */
  record Env(Location location, List<KeyValue> pairs) implements Instruction {
    /** Copies. */
    public Env {
      pairs = List.copyOf(pairs);
    }
  }

  /** {@code LABEL k=v ...}. */
  record Label(Location location, List<KeyValue> pairs) implements Instruction {
    /** Copies. */
    public Label {
      pairs = List.copyOf(pairs);
    }
  }

  /** {@code WORKDIR path}. */
  record Workdir(Location location, String path) implements Instruction {}

  /**
   * {@code COPY}. {@code from}, {@code chown}, {@code chmod} may be null; sources that open a
   * here-document are in {@code sourceContents} instead of {@code sources}, each with the file's
   * data as its content (tabs already stripped for {@code <<-}).
   */
  record Copy(
      Location location,
      List<String> sources,
      String dest,
      List<Heredoc> sourceContents,
      String from,
      String chown,
      String chmod,
      boolean link,
      boolean parents,
      List<String> excludes)
      implements Instruction {
    /** Copies. */
    public Copy {
      sources = List.copyOf(sources);
      sourceContents = List.copyOf(sourceContents);
      excludes = List.copyOf(excludes);
    }
  }

  /**
   * {@code ADD}; sources may be URLs or git references. {@code chown}, {@code chmod}, {@code
   * checksum} may be null.
   */
  record Add(
      Location location,
      List<String> sources,
      String dest,
      List<Heredoc> sourceContents,
      String chown,
      String chmod,
      boolean link,
      boolean keepGitDir,
      String checksum,
      List<String> excludes)
      implements Instruction {
    /** Copies. */
    public Add {
      sources = List.copyOf(sources);
      sourceContents = List.copyOf(sourceContents);
      excludes = List.copyOf(excludes);
    }
  }

  /** {@code RUN}; {@code network} and {@code security} may be null. */
  record Run(
      Location location, CommandLine command, List<Mount> mounts, String network, String security)
      implements Instruction {
    /** Copies. */
    public Run {
      mounts = List.copyOf(mounts);
    }
  }

  /** {@code CMD}. */
  record Cmd(Location location, CommandLine command) implements Instruction {}

  /** {@code ENTRYPOINT}. */
  record Entrypoint(Location location, CommandLine command) implements Instruction {}

  /** {@code EXPOSE 80 443/tcp 7000-7010/udp}. */
  record Expose(Location location, List<String> ports) implements Instruction {
    /** Copies. */
    public Expose {
      ports = List.copyOf(ports);
    }
  }

  /** {@code USER name[:group]}. */
  record User(Location location, String user) implements Instruction {}

  /** {@code VOLUME}. */
  record Volume(Location location, List<String> volumes) implements Instruction {
    /** Copies. */
    public Volume {
      volumes = List.copyOf(volumes);
    }
  }

  /** {@code STOPSIGNAL}. */
  record StopSignal(Location location, String signal) implements Instruction {}

  /**
   * {@code HEALTHCHECK NONE} ({@code test} null) or {@code HEALTHCHECK [flags] CMD ...}; unset
   * durations and retries are null.
   */
  record Healthcheck(
      Location location,
      CommandLine test,
      Duration interval,
      Duration timeout,
      Duration startPeriod,
      Duration startInterval,
      Integer retries)
      implements Instruction {
    /** Returns true for {@code HEALTHCHECK NONE}. */
    public boolean none() {
      return test == null;
    }
  }

  /** {@code ONBUILD trigger}: the trigger is parsed but never expanded here. */
  record Onbuild(Location location, String expression, Instruction trigger)
      implements Instruction {}

  /** {@code SHELL ["executable", "param"]}. */
  record Shell(Location location, List<String> shell) implements Instruction {
    /** Copies. */
    public Shell {
      shell = List.copyOf(shell);
    }
  }

  /** {@code MAINTAINER} (deprecated, kept for images' author field). */
  record Maintainer(Location location, String name) implements Instruction {}
}
