package dev.fabrik.server.web.ui;

import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;

/**
 * Which store the server runs on, for the dashboard's first lines: {@code sqlite} and its data
 * directory, {@code memory}, or {@code postgres} and its host, database and schema. Never a
 * password: the JDBC URL's query (where {@code ?password=} may sit) is left out, and the user name
 * is not shown either.
 *
 * @param kind {@code sqlite}, {@code memory} or {@code postgres}
 * @param location where the data is ({@code /var/lib/fabrik}, {@code db.internal:5432/fabrik,
 *     schema fabrik}), or a note for the memory store
 */
public record StorageSummary(String kind, String location) {

  /** For pages rendered without a configuration (tests of a bare {@code WebUi}). */
  public static final StorageSummary UNKNOWN = new StorageSummary("unknown", "");

  public static StorageSummary of(ServerConfig config) {
    return switch (config.storage()) {
      case "sqlite" -> new StorageSummary("sqlite", config.dataDir().toAbsolutePath().toString());
      case "postgres" -> new StorageSummary("postgres", postgres(config.database()));
      case "memory" -> new StorageSummary("memory", "in this process only: lost on restart");
      default -> new StorageSummary(config.storage(), "");
    };
  }

  /**
   * {@code jdbc:postgresql://db:5432/fabrik?sslmode=require} → {@code db:5432/fabrik, schema s}.
   */
  static String postgres(DatabaseConfig db) {
    String url = db.url().jdbcUrl();
    String where = url.replaceFirst("^jdbc:postgresql://", "");
    int query = where.indexOf('?');
    if (query >= 0) {
      where = where.substring(0, query);
    }
    int at = where.lastIndexOf('@');
    if (at >= 0) {
      where = where.substring(at + 1); // userinfo, should a URL still carry one
    }
    return where + ", schema " + db.schema();
  }
}
