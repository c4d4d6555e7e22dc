package dev.fabrik.embedded;

/**
 * The JVM is older than the Java 25 the server is compiled for. Thrown by {@link
 * EmbeddedFabrik#start} before any server class is loaded, in place of an {@code
 * UnsupportedClassVersionError} deep in a stack trace.
 */
public final class UnsupportedJavaException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int feature;

  UnsupportedJavaException(int feature, String javaHome) {
    super(
        "the embedded Fabrik server needs Java "
            + EmbeddedFabrik.REQUIRED_JAVA
            + " or newer, but this JVM is Java "
            + feature
            + " ("
            + javaHome
            + "). fabrik-client itself runs on Java 17: either run this application or its tests"
            + " on a JDK "
            + EmbeddedFabrik.REQUIRED_JAVA
            + " (for Maven tests: surefire's <jvm>), or run the server as its own process"
            + " (bin/fabrik server) and connect to it with FAKTORY_URL.");
    this.feature = feature;
  }

  /** The running JVM's feature release (17, 21, ...). */
  public int feature() {
    return feature;
  }
}
