package dev.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code kiln}: the top-level command; subcommands {@code build} and {@code prune}. */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = KilnCommand.Version.class,
    description = "Builds container images from Dockerfiles, BuildKit style.",
    subcommands = {BuildCommand.class, PruneCommand.class},
    synopsisSubcommandLabel = "COMMAND")
final class KilnCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "missing command: try 'kiln build PATH' or 'kiln --help'");
  }

  /** The version from the jar's manifest (the Maven project version). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kiln " + version()};
    }

    static String version() {
      String v = KilnCommand.class.getPackage().getImplementationVersion();
      return v == null ? "development build" : v;
    }
  }
}
