package dev.fabrik.embedded.junit;

import dev.fabrik.client.ClientConfig;
import dev.fabrik.embedded.EmbeddedFabrik;
import dev.fabrik.embedded.EmbeddedOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs one {@link EmbeddedFabrik} per test class and injects it: parameters of type {@link
 * EmbeddedFabrik} or {@link ClientConfig}, and {@code @}{@link FabrikUrl} {@code String}s. Used
 * through {@link FabrikServerTest}, or registered with options:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final FabrikServerExtension fabrik =
 *     FabrikServerExtension.with(EmbeddedOptions.builder().password("s3cret").build());
 * ... fabrik.server().url() ...
 * }</pre>
 *
 * A {@code @Nested} class shares its enclosing class's server.
 */
public final class FabrikServerExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FabrikServerExtension.class);
  private static final String KEY = "server";

  private final EmbeddedOptions options;
  private volatile EmbeddedFabrik current;

  /** The form {@link FabrikServerTest} uses: options come from the annotation. */
  public FabrikServerExtension() {
    this.options = null;
  }

  private FabrikServerExtension(EmbeddedOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * An extension that starts its servers with {@code options} (register it in a static field; with
   * SQLite every class gets the same data folder, so give each class its own options).
   */
  public static FabrikServerExtension with(EmbeddedOptions options) {
    return new FabrikServerExtension(options);
  }

  /**
   * The server of the running test class (for {@code @RegisterExtension} fields).
   *
   * @throws IllegalStateException no test class is running
   */
  public EmbeddedFabrik server() {
    EmbeddedFabrik s = current;
    if (s == null) {
      throw new IllegalStateException("no Fabrik server: the test class has not started yet");
    }
    return s;
  }

  /** The state a class's server leaves in its own context's store. */
  private record Started(EmbeddedFabrik server, Path tempDir) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    // The lookup also finds an enclosing class's server, which a @Nested class shares.
    Started inherited = context.getStore(NAMESPACE).get(KEY, Started.class);
    if (inherited != null) {
      current = inherited.server();
      return;
    }
    Path tempDir = null;
    EmbeddedOptions chosen = options;
    if (chosen == null) {
      FabrikServerTest a =
          AnnotationSupport.findAnnotation(context.getRequiredTestClass(), FabrikServerTest.class)
              .orElse(null);
      EmbeddedOptions.Builder b = EmbeddedOptions.builder();
      if (a != null) {
        b.password(a.password());
        if (!a.web()) {
          b.withoutWeb();
        }
        if (a.storage() == EmbeddedOptions.Storage.SQLITE) {
          tempDir = createTempDir();
          b.sqlite(tempDir);
        }
      }
      chosen = b.build();
    }
    EmbeddedFabrik server;
    try {
      server = EmbeddedFabrik.start(chosen);
    } catch (RuntimeException e) {
      deleteTree(tempDir);
      throw e;
    }
    context.getStore(NAMESPACE).put(KEY, new Started(server, tempDir));
    current = server;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // Only the class that started a server stops it: remove() sees this context's own entry only.
    Started mine = context.getStore(NAMESPACE).remove(KEY, Started.class);
    if (mine == null) {
      return;
    }
    try {
      mine.server().close();
    } finally {
      current = null;
      deleteTree(mine.tempDir());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedFabrik.class
        || type == ClientConfig.class
        || (type == String.class && parameter.isAnnotated(FabrikUrl.class));
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Started started = context.getStore(NAMESPACE).get(KEY, Started.class);
    if (started == null) {
      throw new ParameterResolutionException(
          "no Fabrik server for " + context.getDisplayName() + ": it starts before all tests");
    }
    Class<?> type = parameter.getParameter().getType();
    if (type == String.class) {
      return started.server().faktoryUrl();
    }
    return type == ClientConfig.class ? started.server().clientConfig() : started.server();
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("fabrik-embedded-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
