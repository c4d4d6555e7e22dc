package dev.fabrik.server.storage;

import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.storage.sqlite.SqliteStore;

/** Opens the store a configuration names. */
public final class Stores {
  private Stores() {}

  /**
   * {@code sqlite}: the durable store in {@link ServerConfig#dataDir()}; {@code memory}: nothing
   * survives the process.
   *
   * @throws StorageException the database cannot be opened
   */
  public static Store open(ServerConfig config) {
    return switch (config.storage()) {
      case "sqlite" -> SqliteStore.open(config.dataDir(), config.durability());
      case "memory" -> new MemoryStore();
      default -> throw new IllegalArgumentException("unknown storage " + config.storage());
    };
  }
}
