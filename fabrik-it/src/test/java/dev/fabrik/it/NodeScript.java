package dev.fabrik.it;

import static org.assertj.core.api.Assertions.fail;

import dev.fabrik.protocol.JobCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Runs one scenario script of {@code fabrik-it/node/scenarios} with {@code node} from PATH, the way
 * a user's worker process would run: its own process, FAKTORY_URL in the environment.
 *
 * <p>Scripts print JSON lines ({@code {"event":...}}); a passing run ends with an {@code "ok"} line
 * and exit code 0. The script enforces its own deadline (SCENARIO_TIMEOUT_MS); this side waits a
 * little longer and then kills it, so neither can hang the build.
 */
final class NodeScript {
  private static final Duration GRACE = Duration.ofSeconds(15);

  private NodeScript() {}

  /** Starts {@code scenarios/<script>} and returns at once. */
  static Running start(String script, String faktoryUrl, Duration timeout, String... args) {
    return start(script, Map.of(), faktoryUrl, timeout, args);
  }

  /** Like {@link #start(String, String, Duration, String...)} with more environment variables. */
  static Running start(
      String script,
      Map<String, String> extraEnv,
      String faktoryUrl,
      Duration timeout,
      String... args) {
    Path dir = nodeDir();
    Path file = dir.resolve("scenarios").resolve(script);
    if (!Files.isRegularFile(file)) {
      fail("no such scenario script: " + file);
    }
    List<String> command = new ArrayList<>(List.of("node", file.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.put("FAKTORY_URL", faktoryUrl);
    env.remove("FAKTORY_PROVIDER");
    env.put("SCENARIO_TIMEOUT_MS", Long.toString(timeout.toMillis()));
    env.putAll(extraEnv);
    try {
      return new Running(script, builder.start(), timeout.plus(GRACE));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run `node` (Node.js 18+ must be on PATH for the client compatibility tests): "
              + e.getMessage(),
          e);
    }
  }

  /** Runs the script to its end and returns the {@code "ok"} line, failing the test otherwise. */
  static JsonNode run(String script, String faktoryUrl, Duration timeout, String... args) {
    return start(script, faktoryUrl, timeout, args).awaitOk();
  }

  /** {@code -Dfabrik.node.dir} (set by the pom), checked for an installed faktory-worker. */
  static Path nodeDir() {
    String configured = System.getProperty("fabrik.node.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("node").toAbsolutePath();
    if (!Files.isDirectory(dir.resolve("node_modules").resolve("faktory-worker"))) {
      fail(dir + "/node_modules/faktory-worker is missing: run npm ci in fabrik-it/node");
    }
    return dir;
  }

  /** A started script: its output lines as they arrive, and its exit. */
  static final class Running {
    private final String script;
    private final Process process;
    private final Duration limit;
    private final long deadlineNanos;
    private final List<JsonNode> events = new ArrayList<>();
    private final StringBuilder output = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private boolean stdoutEnded;

    private Running(String script, Process process, Duration limit) {
      this.script = script;
      this.process = process;
      this.limit = limit;
      this.deadlineNanos = System.nanoTime() + limit.toNanos();
      this.stdoutPump = Thread.ofPlatform().daemon().start(() -> pump(process.getInputStream()));
      this.stderrPump =
          Thread.ofPlatform().daemon().start(() -> collect(process.getErrorStream(), stderr));
    }

    /** Waits for a line with this event; fails if the script ends or times out first. */
    JsonNode awaitEvent(String event) {
      synchronized (this) {
        while (true) {
          for (JsonNode line : events) {
            if (event.equals(line.path("event").asString(""))) {
              return line;
            }
          }
          if (stdoutEnded) {
            return fail("%s ended without event %s%n%s", script, event, transcript());
          }
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            process.destroyForcibly();
            return fail("%s: no event %s within %s%n%s", script, event, limit, transcript());
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
      }
    }

    /** Waits for the process to end by itself; returns its exit code (kills it on timeout). */
    int awaitExit() {
      try {
        long left = Math.max(0, deadlineNanos - System.nanoTime());
        if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          fail("%s did not end within %s%n%s", script, limit, transcript());
        }
        stdoutPump.join(Duration.ofSeconds(5));
        stderrPump.join(Duration.ofSeconds(5));
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Waits for a clean end and returns the {@code "ok"} line. */
    JsonNode awaitOk() {
      int code = awaitExit();
      JsonNode last;
      synchronized (this) {
        last = events.isEmpty() ? null : events.get(events.size() - 1);
      }
      if (code != 0 || last == null || !"ok".equals(last.path("event").asString(""))) {
        fail("%s failed (exit %d)%n%s", script, code, transcript());
      }
      return last;
    }

    /**
     * Writes one line to the script's stdin: the Java side's answer to a step the script waits for
     * (see {@code next()} in scenarios/browser.js).
     */
    void send(String line) {
      try {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
      } catch (IOException e) {
        throw new UncheckedIOException(script + " no longer reads its input\n" + transcript(), e);
      }
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** Kills the script if it is still running (test cleanup). */
    void kill() {
      process.destroyForcibly();
    }

    synchronized String transcript() {
      return "--- stdout ---\n" + output + "--- stderr ---\n" + stderr;
    }

    private void pump(InputStream in) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          synchronized (this) {
            output.append(line).append('\n');
            try {
              JsonNode json = JobCodec.MAPPER.readTree(line);
              if (json != null && json.isObject()) {
                events.add(json);
              }
            } catch (JacksonException notJson) {
              // console output of the client library; kept in the transcript only
            }
            notifyAll();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        synchronized (this) {
          stdoutEnded = true;
          notifyAll();
        }
      }
    }

    private void collect(InputStream in, StringBuilder into) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          synchronized (this) {
            into.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
