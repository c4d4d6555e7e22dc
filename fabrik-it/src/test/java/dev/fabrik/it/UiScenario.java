package dev.fabrik.it;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Starts a {@code ui-*.js} browser scenario (Debian's Chromium driven by playwright-core) against a
 * running server, with the environment scenarios/browser.js reads. For browser test classes beside
 * {@link BrowserIT}; screenshots go to {@code target/screenshots/<scenario>-<name>.png}.
 */
final class UiScenario {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private UiScenario() {}

  /** Fails with what to install when Chromium or playwright-core is missing. */
  static void requireBrowser() {
    Path chromium = Path.of(chromium());
    if (!Files.isExecutable(chromium)) {
      fail("no Chromium at " + chromium + ": apt-get install chromium (dev/test does it)");
    }
    if (!Files.isDirectory(NodeScript.nodeDir().resolve("node_modules/playwright-core"))) {
      fail("playwright-core is missing: run npm ci in fabrik-it/node");
    }
  }

  /** Runs {@code scenarios/<file>} against {@code webUrl} (scheme, host and port, no path). */
  static NodeScript.Running startAt(
      String webUrl, InProcessServer server, String file, String... args) {
    String scenario = file.replaceFirst("^ui-", "").replaceFirst("\\.js$", "");
    Map<String, String> env =
        Map.of(
            "FABRIK_WEB_URL",
            webUrl,
            "SCREENSHOT_DIR",
            screenshotDir().toString(),
            "SCENARIO",
            scenario,
            "CHROMIUM",
            chromium());
    return NodeScript.start(file, env, server.url(), TIMEOUT, args);
  }

  /** {@link #startAt} the server's own web port. */
  static NodeScript.Running start(InProcessServer server, String file, String... args) {
    return startAt("http://127.0.0.1:" + server.webPort(), server, file, args);
  }

  static String chromium() {
    String configured = System.getenv("CHROMIUM");
    return configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured;
  }

  static Path screenshotDir() {
    String configured = System.getProperty("fabrik.screenshots");
    return configured != null
        ? Path.of(configured)
        : Path.of("target", "screenshots").toAbsolutePath();
  }
}
