package dev.fabrik.embedded.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter that {@link FabrikServerExtension} fills with the server's
 * {@code FAKTORY_URL} ({@link dev.fabrik.embedded.EmbeddedFabrik#faktoryUrl()}, password included):
 *
 * <pre>{@code
 * @Test
 * void nodeWorkerWorksIt(@FabrikUrl String url) { startWorker(Map.of("FAKTORY_URL", url)); }
 * }</pre>
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FabrikUrl {}
