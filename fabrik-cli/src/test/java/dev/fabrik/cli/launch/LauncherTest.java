package dev.fabrik.cli.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class LauncherTest {

  @Test
  void readsTheFeatureReleaseOfOldAndNewVersionStrings() {
    assertThat(Launcher.feature("1.8")).isEqualTo(8);
    assertThat(Launcher.feature("17")).isEqualTo(17);
    assertThat(Launcher.feature("25")).isEqualTo(25);
    assertThat(Launcher.feature("26.0.1")).isEqualTo(26);
    assertThat(Launcher.feature("weird")).isZero();
    assertThat(Launcher.feature(null)).isZero();
  }

  @Test
  void theMessageNamesTheJvmFoundAndWhatToRunInstead() {
    assertThat(Launcher.tooOld(17, "/usr/lib/jvm/java-17"))
        .startsWith("fabrik needs Java 25 or newer, but this is Java 17 (/usr/lib/jvm/java-17).")
        .contains("JAVA_HOME=/path/to/jdk-25 bin/fabrik server")
        .contains("/path/to/jdk-25/bin/java -jar fabrik.jar");
    assertThat(Launcher.tooOld(0, "/x")).contains("an unknown Java version");
  }

  /** The class an old JVM loads first must be Java 8 bytecode (class file major version 52). */
  @Test
  void isCompiledForJava8() throws IOException {
    try (InputStream in = Launcher.class.getResourceAsStream("Launcher.class");
        DataInputStream data = new DataInputStream(in)) {
      assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
      data.readUnsignedShort(); // minor
      assertThat(data.readUnsignedShort()).isEqualTo(52);
    }
  }
}
