package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Micrometer and OpenTelemetry are optional dependencies: an application without them must still
 * load and use the client and the worker framework. Every class outside the two integration
 * packages is loaded and initialized from a class path without those jars, and a job is performed.
 */
class WithoutOptionalDependenciesTest {

  private static URLClassLoader withoutOptionalJars() throws IOException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("micrometer") && !entry.contains("opentelemetry")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  @Test
  void everyCoreClassLoadsAndAJobRunsWithoutMicrometerOrOpenTelemetry() throws Exception {
    Path classes = Path.of("target/classes");
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names =
          files
              .map(p -> classes.relativize(p).toString().replace(File.separatorChar, '/'))
              .filter(n -> n.startsWith("dev/fabrik/client/") && n.endsWith(".class"))
              .filter(n -> !n.contains("/micrometer/") && !n.contains("/opentelemetry/"))
              .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
              .toList();
    }
    assertThat(names).contains("dev.fabrik.client.worker.WorkerManager");
    try (URLClassLoader loader = withoutOptionalJars()) {
      assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> loader.loadClass("io.opentelemetry.api.OpenTelemetry"))
          .isInstanceOf(ClassNotFoundException.class);
      for (String name : names) {
        Class<?> c = Class.forName(name, true, loader);
        c.getDeclaredMethods(); // resolves every signature the class declares
      }

      Class<?> registryType = loader.loadClass("dev.fabrik.client.worker.HandlerRegistry");
      Object registry = registryType.getMethod("create").invoke(null);
      Class<?> handlerType = loader.loadClass("dev.fabrik.client.worker.JobHandler");
      Object handler =
          java.lang.reflect.Proxy.newProxyInstance(
              loader,
              new Class<?>[] {handlerType},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    case "toString" -> "handler";
                    default -> null; // perform: the job succeeds
                  });
      registryType.getMethod("register", String.class, handlerType).invoke(registry, "T", handler);
      Class<?> runnerType = loader.loadClass("dev.fabrik.client.testing.InlineRunner");
      Object runner = runnerType.getMethod("of", registryType).invoke(null, registry);
      Object result =
          runnerType
              .getMethod("run", String.class, Object[].class)
              .invoke(runner, "T", new Object[0]);
      assertThat(result.getClass().getMethod("succeeded").invoke(result)).isEqualTo(true);
    }
  }
}
