package dev.fabrik.embedded.junit;

import dev.fabrik.embedded.EmbeddedOptions;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class one embedded Fabrik server on free loopback ports, started before its first
 * test and stopped after its last. Test methods, constructors and lifecycle methods receive it as a
 * parameter of type {@link dev.fabrik.embedded.EmbeddedFabrik}, its {@link
 * dev.fabrik.client.ClientConfig}, or a {@code String} marked {@link FabrikUrl} (its {@code
 * FAKTORY_URL}):
 *
 * <pre>{@code
 * @FabrikServerTest
 * class SignupTest {
 *   @Test
 *   void sendsTheWelcomeEmail(EmbeddedFabrik fabrik) {
 *     signup.register("ada@example.com", fabrik.clientConfig());
 *     DrainResult r = fabrik.drain(handlers, "default");
 *     assertThat(r.succeeded()).isEqualTo(1);
 *   }
 * }
 * }</pre>
 *
 * Jobs stay on the server from one test method to the next; flush in a {@code @BeforeEach} when
 * tests must not see each other's. For options beyond these, register {@link
 * FabrikServerExtension#with(EmbeddedOptions)} with {@code @RegisterExtension} instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FabrikServerExtension.class)
public @interface FabrikServerTest {
  /** Where jobs live; SQLite uses a temporary folder deleted after the class. */
  EmbeddedOptions.Storage storage() default EmbeddedOptions.Storage.MEMORY;

  /** A password clients must send; empty for none. */
  String password() default "";

  /** Whether the web UI and JSON API listen (on a free port). */
  boolean web() default true;
}
