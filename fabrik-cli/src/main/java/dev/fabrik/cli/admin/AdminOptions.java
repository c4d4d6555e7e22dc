package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.FabrikAdmin;
import java.net.URI;
import picocli.CommandLine.Option;

/** Where the admin API is and how to get in: the same options as {@code fabrik workers}. */
public final class AdminOptions {
  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:FABRIK_URL:-http://127.0.0.1:7420}",
      description = "Admin API (web port) base URL (default: FABRIK_URL, else ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      defaultValue = "${env:FAKTORY_PASSWORD}",
      description = "Server password (default: FAKTORY_PASSWORD).")
  String password;

  @Option(names = "--json", description = "Print the API's JSON instead of a table.")
  boolean json;

  FabrikAdmin client() {
    return FabrikAdmin.connect(url, password);
  }
}
