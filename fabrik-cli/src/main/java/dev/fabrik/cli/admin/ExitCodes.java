package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.AdminException;

/**
 * The operator commands' exit codes (docs/cli.md lists them):
 *
 * <pre>
 * 0  done
 * 1  failed: the server refused or broke off, a task failed, or the confirmation was declined
 * 2  usage: a bad option or argument (picocli's code), or input the server calls malformed (400)
 * 3  authentication: wrong or missing password (401), or locked out for a while (429)
 * 4  not found: unknown queue, worker, entry, cron entry or task (404)
 * 5  unreachable: no server answered at --url
 * </pre>
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int AUTH = 3;
  public static final int NOT_FOUND = 4;
  public static final int UNREACHABLE = 5;

  private ExitCodes() {}

  /** The code for a refusal or failure of the admin API. */
  public static int of(AdminException e) {
    return switch (e) {
      case AdminException.Unauthorized u -> AUTH;
      case AdminException.NotFound n -> NOT_FOUND;
      case AdminException.BadRequest b -> USAGE;
      case AdminException.Unreachable u -> UNREACHABLE;
      default -> FAILED;
    };
  }
}
