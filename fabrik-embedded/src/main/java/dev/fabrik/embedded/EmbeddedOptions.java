package dev.fabrik.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link EmbeddedFabrik#start(EmbeddedOptions)} runs its server. Both listeners are on loopback
 * only (an embedded server serves its own process and tests); ports default to free ones.
 *
 * <pre>{@code
 * EmbeddedOptions.inMemory();                                   // jobs lost on close
 * EmbeddedOptions.builder().sqlite(Path.of("data")).password("s3cret").port(7419).build();
 * }</pre>
 *
 * @param storage where jobs live
 * @param dataDir the SQLite database folder; null for {@link Storage#MEMORY}
 * @param port the command port; 0 picks a free one
 * @param webPort the web UI and JSON API port; 0 picks a free one, -1 starts no web listener
 * @param password required of clients; null for none
 */
public record EmbeddedOptions(
    Storage storage, Path dataDir, int port, int webPort, String password) {

  /** Where the embedded server keeps jobs. */
  public enum Storage {
    /** In the heap: fast, gone when the server closes. */
    MEMORY,
    /** In a SQLite database in {@link EmbeddedOptions#dataDir()}: survives restarts. */
    SQLITE
  }

  public EmbeddedOptions {
    Objects.requireNonNull(storage, "storage");
    if (storage == Storage.SQLITE && dataDir == null) {
      throw new IllegalArgumentException("SQLite storage needs a data folder: sqlite(Path)");
    }
    if (storage == Storage.MEMORY && dataDir != null) {
      throw new IllegalArgumentException("a data folder is only used with SQLite storage");
    }
    checkPort("port", port, false);
    checkPort("webPort", webPort, true);
    if (password != null && password.isEmpty()) {
      password = null;
    }
  }

  private static void checkPort(String name, int value, boolean offAllowed) {
    if (value > 65_535 || value < (offAllowed ? -1 : 0)) {
      throw new IllegalArgumentException(
          name + " must be 0 (a free port)" + (offAllowed ? ", -1 (off)" : "") + " or 1-65535");
    }
  }

  /** In memory, free ports, web UI on, no password. */
  public static EmbeddedOptions inMemory() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether a web listener runs. */
  public boolean web() {
    return webPort >= 0;
  }

  /** Builds {@link EmbeddedOptions}; every setting has a default. */
  public static final class Builder {
    private Storage storage = Storage.MEMORY;
    private Path dataDir;
    private int port;
    private int webPort;
    private String password;

    private Builder() {}

    /** Jobs in memory (the default). */
    public Builder memory() {
      storage = Storage.MEMORY;
      dataDir = null;
      return this;
    }

    /** Jobs in a SQLite database in {@code dataDir} (created when missing). */
    public Builder sqlite(Path dataDir) {
      storage = Storage.SQLITE;
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** The command port (default 0: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The web UI and JSON API port (default 0: a free one). */
    public Builder webPort(int webPort) {
      this.webPort = webPort;
      return this;
    }

    /** No web UI or JSON API listener. */
    public Builder withoutWeb() {
      this.webPort = -1;
      return this;
    }

    /** A password clients must send (default none). */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    public EmbeddedOptions build() {
      return new EmbeddedOptions(storage, dataDir, port, webPort, password);
    }
  }
}
