package dev.kiln.cli;

import picocli.CommandLine;

/**
 * The {@code kiln} entry point. Errors end as one line on standard error ({@code ERROR: …}) and a
 * non-zero exit code: 1 when a build fails, 2 for a bad command line; {@code --debug} adds the
 * stack trace.
 */
public final class Main {

  /** When this class was initialised (for {@code --debug} timings). */
  static final long STARTED = System.nanoTime();

  private Main() {}

  /** Runs kiln with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(Invocation.system(), args));
  }

  /**
   * Runs kiln in this JVM; returns the exit code instead of exiting.
   *
   * @param invocation the environment and streams to use
   * @param args the command-line arguments (without the program name)
   * @return 0 on success, 1 when the build failed, 2 for a usage error
   */
  public static int run(Invocation invocation, String... args) {
    CommandLine cli = new CommandLine(new KilnCommand(), new Factory(invocation));
    cli.setOut(new java.io.PrintWriter(invocation.out(), true));
    cli.setErr(new java.io.PrintWriter(invocation.err(), true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean debug =
              parseResult.subcommand() != null
                  && parseResult.subcommand().hasMatchedOption("--debug");
          return report(invocation, e, debug);
        });
    cli.setParameterExceptionHandler(
        (e, args1) -> {
          invocation.err().println("ERROR: " + e.getMessage());
          invocation.err().println("Run 'kiln build --help' for the flags.");
          return 2;
        });
    return cli.execute(args);
  }

  static int report(Invocation invocation, Exception e, boolean debug) {
    String message = e instanceof CliException ? e.getMessage() : describe(e);
    if (e instanceof CliException c && c.details() != null) {
      invocation.err().println("------");
      c.details().lines().forEach(l -> invocation.err().println(" > " + l));
      invocation.err().println("------");
    }
    invocation.err().println("ERROR: " + message);
    if (debug) {
      e.printStackTrace(invocation.err());
    } else if (!(e instanceof CliException)) {
      invocation.err().println("(run with --debug for details)");
    }
    invocation.err().flush();
    return 1;
  }

  /** One line for an unexpected exception: its own message or its type. */
  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank()
        ? "unexpected " + e.getClass().getSimpleName()
        : m.lines().findFirst().orElse(m);
  }

  /** Creates commands with the invocation they run in. */
  private record Factory(Invocation invocation) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == BuildCommand.class) {
        return cls.cast(new BuildCommand(invocation));
      }
      if (cls == PruneCommand.class) {
        return cls.cast(new PruneCommand(invocation));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
