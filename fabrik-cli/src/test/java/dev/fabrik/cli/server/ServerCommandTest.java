package dev.fabrik.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.cli.Main;
import dev.fabrik.server.config.ConfigException;
import dev.fabrik.server.config.LoadedConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.Durability;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerCommandTest {
  @TempDir Path home;

  private ServerCommand parse(String... args) {
    CommandLine cli = Main.commandLine();
    CommandLine.ParseResult result = cli.parseArgs(args);
    return (ServerCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void flagsBecomeTheConfiguration() {
    ServerCommand cmd =
        parse(
            "server",
            "--bind",
            "127.0.0.1:0",
            "--web-bind",
            "localhost:7999",
            "--storage",
            "memory",
            "--durability",
            "strict",
            "--max-connections",
            "7",
            "--data-dir",
            "/tmp/d",
            "--log-format",
            "json");
    ServerConfig c = cmd.loadConfig(Map.of(), home).config();
    assertThat(c.port()).isZero();
    assertThat(c.webBindHost()).isEqualTo("localhost");
    assertThat(c.webPort()).isEqualTo(7999);
    assertThat(c.storage()).isEqualTo("memory");
    assertThat(c.durability()).isEqualTo(Durability.POWER_LOSS);
    assertThat(c.maxConnections()).isEqualTo(7);
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/d"));
    assertThat(cmd.logFormat).isEqualTo(LogFormat.JSON);
  }

  @Test
  void webAllowedHostRepeats() {
    ServerConfig c =
        parse("server", "--web-allowed-host", "fabrik.internal", "--web-allowed-host", "ops.lan")
            .loadConfig(Map.of(), home)
            .config();
    assertThat(c.web().allowedHosts()).containsExactly("fabrik.internal", "ops.lan");
  }

  @Test
  void defaultConfigDirIsDotFabrikInHome() throws IOException {
    Files.createDirectories(home.resolve(".fabrik/conf.d"));
    Files.writeString(home.resolve(".fabrik/conf.d/a.toml"), "[fabrik]\nmax_connections = 3\n");
    LoadedConfig loaded = parse("server").loadConfig(Map.of(), home);
    assertThat(loaded.config().maxConnections()).isEqualTo(3);
    assertThat(
            parse("server", "--config-dir", home.resolve("none").toString())
                .loadConfig(Map.of(), home)
                .config()
                .maxConnections())
        .isEqualTo(2000);
  }

  @Test
  void noWebAndWebBindContradict() {
    assertThat(parse("server", "--no-web").loadConfig(Map.of(), home).config().webPort())
        .isEqualTo(-1);
    assertThatThrownBy(
            () -> parse("server", "--no-web", "--web-bind", ":1").loadConfig(Map.of(), home))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void badFlagValuesAreUsageErrors() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("server", "--durability", "paranoid")).isEqualTo(2);
    assertThat(err.toString()).contains("must be normal or strict");
    assertThat(cli.execute("server", "--bind", "7419")).isEqualTo(2);
    assertThat(err.toString()).contains("host:port");
  }

  @Test
  void configErrorsExitWithAMessageBeforeStarting() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("server", "--bind", ":0", "--storage", "memory", "--no-web");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("fabrik server: refusing to listen on 0.0.0.0:0");
  }

  @Test
  void startupLineNamesAddressesStorageAndDurability() {
    ServerConfig sqlite = ServerConfig.builder().dataDir(Path.of("/var/lib/fabrik")).build();
    assertThat(StartupLine.of(sqlite, 7419, 7420))
        .isEqualTo(
            "fabrik listening on 127.0.0.1:7419 (web 127.0.0.1:7420), storage sqlite at"
                + " /var/lib/fabrik, durability normal");
    ServerConfig memory =
        ServerConfig.builder()
            .storage("memory")
            .webPort(-1)
            .password("x")
            .durability(Durability.POWER_LOSS)
            .build();
    assertThat(StartupLine.of(memory, 5000, -1))
        .isEqualTo(
            "fabrik listening on 127.0.0.1:5000 (web off), storage memory, durability"
                + " strict, password required");
  }

  @Test
  void postgresFlagsBecomeTheDatabaseConfiguration() {
    ServerConfig c =
        parse(
                "server",
                "--storage",
                "postgres",
                "--database-url",
                "postgres://app:hunter2@db:5432/jobs",
                "--schema",
                "shop",
                "--database-pool-size",
                "5")
            .loadConfig(Map.of(), home)
            .config();
    assertThat(c.database().url().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/jobs");
    assertThat(c.database().url().password()).isEqualTo("hunter2");
    assertThat(c.database().schema()).isEqualTo("shop");
    assertThat(c.database().poolSize()).isEqualTo(5);
    assertThat(StartupLine.of(c, 7419, 7420))
        .isEqualTo(
            "fabrik listening on 127.0.0.1:7419 (web 127.0.0.1:7420), storage postgres at"
                + " jdbc:postgresql://db:5432/jobs (user app, password ***), schema shop, pool 5");
  }

  @Test
  void aBadDatabaseUrlExitsWithAMessageThatHidesThePassword() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "server",
            "--storage",
            "postgres",
            "--database-url",
            "postgresql://app:hunter2@db:5432/jobs?x=%zz bad",
            "--no-web");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("fabrik server: --database-url: the database URL is malformed")
        .doesNotContain("hunter2");
  }

  @Test
  void helpDocumentsTheDatabaseOptions() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("server", "--help")).isZero();
    assertThat(out.toString())
        .contains("--storage=sqlite|memory|postgres")
        .contains("--database-url=URL")
        .contains("FABRIK_DATABASE_URL")
        .contains("--schema=NAME")
        .contains("--database-pool-size=N");
  }
}
