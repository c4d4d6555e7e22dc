package dev.fabrik.cli.launch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The jar's {@code Main-Class}: checks that the running JVM is Java 25 or newer, then hands over to
 * {@code dev.fabrik.cli.Main}. Compiled for Java 8 (see fabrik-cli's pom) so that an older JVM can
 * load it and print what to do, instead of failing with {@code UnsupportedClassVersionError} on the
 * first Java 25 class:
 *
 * <pre>
 * $ java -jar fabrik.jar server
 * fabrik needs Java 25 or newer, but this is Java 17 (/usr/lib/jvm/java-17-openjdk-amd64).
 * Run it with a JDK 25, e.g. JAVA_HOME=/path/to/jdk-25 bin/fabrik server (...)
 * </pre>
 *
 * and exits with {@value #TOO_OLD}.
 *
 * <p>It must stay Java 8 source: no {@code var}, no {@code Runtime.version()}, nothing newer.
 */
public final class Launcher {
  /** The oldest Java feature release the server and CLI classes are compiled for. */
  static final int REQUIRED = 25;

  /** Exit code when the JVM is too old (distinct from 1, a failed command, and 2, bad usage). */
  static final int TOO_OLD = 3;

  private Launcher() {}

  public static void main(String[] args) throws Throwable {
    int feature = feature(System.getProperty("java.specification.version"));
    if (feature < REQUIRED) {
      System.err.println(tooOld(feature, System.getProperty("java.home")));
      System.exit(TOO_OLD);
      return;
    }
    Method main = Class.forName("dev.fabrik.cli.Main").getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause(); // the real main's failure, unwrapped
    }
  }

  /**
   * The feature release from {@code java.specification.version}: "1.8" is 8, "17" is 17; 0 when it
   * cannot be read (then the check fails closed with the message rather than crash later).
   */
  static int feature(String specification) {
    if (specification == null) {
      return 0;
    }
    String s = specification.startsWith("1.") ? specification.substring(2) : specification;
    int dot = s.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String tooOld(int feature, String javaHome) {
    String version = feature > 0 ? "Java " + feature : "an unknown Java version";
    return "fabrik needs Java "
        + REQUIRED
        + " or newer, but this is "
        + version
        + " ("
        + javaHome
        + ").\n"
        + "Run it with a JDK "
        + REQUIRED
        + ", e.g. JAVA_HOME=/path/to/jdk-"
        + REQUIRED
        + " bin/fabrik server (the release archive's launcher finds one by itself),\n"
        + "or /path/to/jdk-"
        + REQUIRED
        + "/bin/java -jar fabrik.jar server. Temurin "
        + REQUIRED
        + ": https://adoptium.net";
  }
}
