package dev.fabrik.cli.server;

import dev.fabrik.server.cron.CronFiles;
import dev.fabrik.server.cron.CronService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the {@code [[cron]]} entries of {@code <configdir>/conf.d/*.toml} into the running server:
 * once at start and again on every SIGHUP (no restart). Refused entries are logged, one line each;
 * the others load. The summary line is what operators (and the tests) look for:
 *
 * <pre>
 * cron: 3 entries from conf.d (1 refused)
 * </pre>
 */
final class CronReload implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(CronReload.class);

  private final CronService cron;
  private final Path configDir;

  CronReload(CronService cron, Path configDir) {
    this.cron = cron;
    this.configDir = configDir;
  }

  @Override
  public synchronized void run() {
    try {
      CronFiles.Loaded loaded = CronFiles.read(configDir);
      List<String> refused = cron.configure(loaded);
      List<String> errors = new ArrayList<>(loaded.errors());
      errors.addAll(refused);
      errors.forEach(e -> log.warn("cron entry refused: {}", e));
      log.info(
          "cron: {} entries from conf.d ({} refused)",
          loaded.entries().size() - refused.size(),
          errors.size());
    } catch (RuntimeException e) {
      log.error("cron: reloading conf.d failed, the previous entries stay", e);
    }
  }
}
