package dev.fabrik.cli;

import dev.fabrik.cli.bench.BenchCommand;
import dev.fabrik.cli.server.ServerCommand;
import dev.fabrik.cli.workers.WorkersCommand;
import dev.fabrik.server.command.InfoReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code fabrik} command:
 *
 * <pre>
 * fabrik server [--bind 127.0.0.1:7419] [--data-dir DIR] ...   run the job server
 * fabrik workers list|quiet WID|terminate WID                  operate on connected workers
 * fabrik bench [--url tcp://:pw@127.0.0.1:7419] ...            load-test a running server
 * </pre>
 *
 * Nothing here may log: the server subcommand picks the log format before logging starts.
 */
@Command(
    name = "fabrik",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Fabrik: a Faktory-compatible background-job server.",
    subcommands = {
      ServerCommand.class,
      WorkersCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command tree (tests execute it without exiting). */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** {@code fabrik --version}: the version INFO reports. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fabrik " + InfoReport.FABRIK_VERSION};
    }
  }

  /** {@code fabrik} alone prints usage and fails. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
