package dev.fabrik.cli;

import dev.fabrik.cli.admin.BatchesCommand;
import dev.fabrik.cli.admin.CronCommand;
import dev.fabrik.cli.admin.EventsCommand;
import dev.fabrik.cli.admin.FlushCommand;
import dev.fabrik.cli.admin.JobsCommand;
import dev.fabrik.cli.admin.QueuesCommand;
import dev.fabrik.cli.admin.SetActionCommand;
import dev.fabrik.cli.admin.StatusCommand;
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
 * fabrik status | queues [pause|resume|remove Q..] | jobs SET   operator's view (docs/cli.md)
 * fabrik retry|kill|delete SET [--type T] [-q TEXT] [--yes]    bulk actions as server tasks
 * fabrik flush | cron | events --follow                       more of the same
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
      StatusCommand.class,
      QueuesCommand.class,
      JobsCommand.class,
      SetActionCommand.Retry.class,
      SetActionCommand.Kill.class,
      SetActionCommand.Delete.class,
      FlushCommand.class,
      CronCommand.class,
      BatchesCommand.class,
      EventsCommand.class,
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
