package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
  @TempDir Path dir;

  @Test
  void opensTheConfiguredStore() {
    try (Store s = Stores.open(ServerConfig.builder().storage("memory").build())) {
      assertThat(s).isInstanceOf(MemoryStore.class);
    }
    try (Store s = Stores.open(ServerConfig.builder().storage("sqlite").dataDir(dir).build())) {
      assertThat(s).isInstanceOf(SqliteStore.class);
      assertThat(dir.resolve("fabrik.db")).exists();
      assertThat(s.sizeOnDisk()).isPositive();
    }
  }
}
