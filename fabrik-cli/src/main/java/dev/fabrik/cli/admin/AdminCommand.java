package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.AdminException;
import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.protocol.JobCodec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;

/**
 * The frame of every operator command: connect with {@link AdminOptions}, run, and turn an {@link
 * AdminException} into one line on stderr ({@code fabrik queues: unknown queue "x"}) and its {@link
 * ExitCodes exit code}.
 */
abstract class AdminCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Does the work; returns the exit code. */
  abstract int run(FabrikAdmin client) throws Exception;

  @Override
  public final Integer call() {
    try {
      return run(admin.client());
    } catch (AdminException e) {
      return fail(ExitCodes.of(e), e.getMessage());
    } catch (IllegalArgumentException e) {
      return fail(ExitCodes.USAGE, e.getMessage());
    } catch (Exception e) {
      return fail(ExitCodes.FAILED, e.toString());
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  boolean json() {
    return admin.json;
  }

  /** Prints {@code node} as one line of JSON. */
  void printJson(JsonNode node) {
    out().println(JobCodec.MAPPER.writeValueAsString(node));
    out().flush();
  }

  int fail(int code, String message) {
    err().println(commandPath() + ": " + message);
    err().flush();
    return code;
  }

  private String commandPath() {
    return spec.qualifiedName();
  }
}
