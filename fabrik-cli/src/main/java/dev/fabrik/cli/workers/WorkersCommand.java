package dev.fabrik.cli.workers;

import dev.fabrik.cli.admin.ExitCodes;
import dev.fabrik.client.admin.AdminException;
import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.protocol.JobCodec;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fabrik workers list|quiet <wid|all>|terminate <wid|all>}: the operator's view of the
 * worker processes connected to a server, through its admin HTTP API. Quiet tells a worker to stop
 * fetching; terminate tells it to finish up and exit (delivered on its next BEAT, within ~15 s).
 */
@Command(
    name = "workers",
    mixinStandardHelpOptions = true,
    description = "List connected workers, or tell them to quiet down or terminate.",
    subcommands = {
      WorkersCommand.ListWorkers.class,
      WorkersCommand.Quiet.class,
      WorkersCommand.Terminate.class
    })
public final class WorkersCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: list, quiet or terminate");
  }

  /** Where the admin API is and how to get in. */
  static final class AdminOptions {
    @Option(
        names = "--url",
        paramLabel = "URL",
        defaultValue = "http://127.0.0.1:7420",
        description = "Admin API base URL (default ${DEFAULT-VALUE}).")
    URI url;

    @Option(
        names = "--password",
        paramLabel = "PASSWORD",
        defaultValue = "${env:FAKTORY_PASSWORD}",
        description = "Server password (default: FAKTORY_PASSWORD).")
    String password;

    FabrikAdmin client() {
      return FabrikAdmin.connect(url, password);
    }
  }

  /**
   * Runs {@code action}, turning admin failures into a one-line message and the exit code of
   * docs/cli.md (3 wrong password, 4 unknown worker, 5 unreachable, else 1).
   */
  static int run(CommandLine.Model.CommandSpec spec, Callable<String> action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      out.print(action.call());
      out.flush();
      return 0;
    } catch (AdminException.NotFound e) {
      err.println("fabrik workers: no such worker: " + e.getMessage());
      err.flush();
      return ExitCodes.of(e);
    } catch (AdminException e) {
      err.println("fabrik workers: " + e.getMessage());
      err.flush();
      return ExitCodes.of(e);
    } catch (Exception e) {
      err.println("fabrik workers: " + e);
      err.flush();
      return 1;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List workers.")
  static final class ListWorkers implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--json", description = "Print the API's JSON as is.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return WorkersCommand.run(
          spec,
          () -> {
            String body = JobCodec.MAPPER.writeValueAsString(admin.client().getJson("api/workers"));
            return json ? body.endsWith("\n") ? body : body + "\n" : WorkerTable.render(body);
          });
    }
  }

  /** quiet and terminate differ only in the state they send. */
  abstract static class Signal implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "WID|all", description = "Worker id, or all.")
    String wid;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final String state;

    Signal(String state) {
      this.state = state;
    }

    @Override
    public Integer call() {
      return WorkersCommand.run(
          spec,
          () -> {
            FabrikAdmin client = admin.client();
            int signaled = state.equals("quiet") ? client.quiet(wid) : client.terminate(wid);
            return state
                + " sent to "
                + wid
                + " ("
                + signaled
                + (signaled == 1 ? " worker)" : " workers)")
                + " (takes effect on its next heartbeat)\n";
          });
    }
  }

  @Command(
      name = "quiet",
      mixinStandardHelpOptions = true,
      description = "Tell a worker (or all) to stop fetching new jobs.")
  static final class Quiet extends Signal {
    Quiet() {
      super("quiet");
    }
  }

  @Command(
      name = "terminate",
      mixinStandardHelpOptions = true,
      description = "Tell a worker (or all) to finish its jobs and exit.")
  static final class Terminate extends Signal {
    Terminate() {
      super("terminate");
    }
  }
}
