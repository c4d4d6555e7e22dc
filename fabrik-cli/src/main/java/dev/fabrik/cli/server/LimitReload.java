package dev.fabrik.cli.server;

import dev.fabrik.server.limits.LimitFiles;
import dev.fabrik.server.limits.Limits;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the {@code [throttles]} of {@code <configdir>/conf.d/*.toml} into the running server: at
 * start and on every SIGHUP. Refused rules are logged one line each; the summary line:
 *
 * <pre>
 * limits: 2 rules from conf.d (0 refused)
 * </pre>
 */
final class LimitReload implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LimitReload.class);

  private final Limits limits;
  private final Path configDir;

  LimitReload(Limits limits, Path configDir) {
    this.limits = limits;
    this.configDir = configDir;
  }

  @Override
  public synchronized void run() {
    try {
      LimitFiles.Loaded loaded = LimitFiles.read(configDir);
      limits.configure(loaded.rules());
      loaded.errors().forEach(e -> log.warn("limit refused: {}", e));
      log.info(
          "limits: {} rules from conf.d ({} refused)",
          loaded.rules().size(),
          loaded.errors().size());
    } catch (RuntimeException e) {
      log.error("limits: reloading conf.d failed, the previous rules stay", e);
    }
  }
}
