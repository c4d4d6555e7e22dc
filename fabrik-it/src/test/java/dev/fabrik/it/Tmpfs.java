package dev.fabrik.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real small file system for disk-full tests: {@code mount -t tmpfs -o size=N tmpfs DIR}, which
 * needs root (CI runs as root). When the mount is refused the test cannot mean anything, so it must
 * not pass: in CI ({@code CI} set) or with {@code -Dfabrik.it.requireTmpfs=true} it fails;
 * elsewhere it is aborted (reported as skipped, with the reason and a warning on stderr), the way
 * {@code dev/test} treats a missing JDK 17.
 */
final class Tmpfs implements AutoCloseable {
  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  static Tmpfs mount(Path dir, long bytes) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String refusal =
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString()));
    if (refusal != null) {
      String why =
          "cannot mount a tmpfs at %s (%s); the disk-full test needs root or CAP_SYS_ADMIN"
              .formatted(dir, refusal);
      if (System.getenv("CI") != null || Boolean.getBoolean("fabrik.it.requireTmpfs")) {
        fail(why + "; required in CI (CI is set) or with -Dfabrik.it.requireTmpfs=true");
      }
      System.err.println("WARNING: disk-full test NOT run: " + why);
      Assumptions.abort(why);
    }
    return new Tmpfs(dir);
  }

  Path path() {
    return dir;
  }

  long usableBytes() {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the file system holds: each file's size and the free bytes, for failure messages. */
  String listing() {
    StringBuilder out = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.append(dir.relativize(f)).append('=').append(Files.size(f)).append(' ');
      }
    } catch (IOException e) {
      out.append("(cannot list: ").append(e.getMessage()).append(") ");
    }
    return out.append("free=").append(usableBytes()).toString();
  }

  /**
   * Fills the file system with {@code file} until at most {@code leave} bytes are free. The server
   * may take space meanwhile (a checkpoint grows its database): a write refused for lack of space
   * then means the goal was reached, not a failure.
   */
  void fill(Path file, long leave) {
    byte[] chunk = new byte[64 * 1024];
    try (var out = Files.newOutputStream(file)) {
      for (long rest = usableBytes() - leave; rest > 0; rest -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(rest, chunk.length));
      }
    } catch (IOException e) {
      if (usableBytes() > leave) {
        throw new UncheckedIOException("cannot fill " + dir, e);
      }
    }
  }

  @Override
  public void close() {
    if (run(List.of("umount", dir.toString())) != null) {
      run(List.of("umount", "-l", dir.toString())); // still busy: detach it now, free it later
    }
  }

  /** Runs a command; null when it exited 0, else what it printed (or why it could not run). */
  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", command) + " did not finish";
      }
      return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
