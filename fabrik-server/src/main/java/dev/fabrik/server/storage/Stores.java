package dev.fabrik.server.storage;

import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PostgresStore;
import dev.fabrik.server.storage.sqlite.SqliteStore;

/** Opens the store a configuration names. */
public final class Stores {
  private Stores() {}

  /**
   * {@code sqlite}: the durable store in {@link ServerConfig#dataDir()}; {@code memory}: nothing
   * survives the process; {@code postgres}: the shared store in {@link ServerConfig#database()},
   * migrated on open.
   *
   * @throws StorageException the database cannot be opened
   */
  public static Store open(ServerConfig config) {
    return switch (config.storage()) {
      case "sqlite" -> SqliteStore.open(config.dataDir(), config.durability());
      case "memory" -> new MemoryStore();
      case "postgres" -> openPostgres(config.database());
      default -> throw new IllegalArgumentException("unknown storage " + config.storage());
    };
  }

  /** Closes the pool again when the migrations refuse the schema (e.g. a newer one). */
  private static Store openPostgres(DatabaseConfig database) {
    PgDatabase db = PgDatabase.open(database.url(), database.schema(), database.poolSize());
    try {
      return PostgresStore.open(db, database.durableAcks());
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }
}
