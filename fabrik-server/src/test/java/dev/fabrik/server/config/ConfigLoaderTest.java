package dev.fabrik.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private LoadedConfig load(Map<String, String> env, ConfigOverrides flags) {
    return ConfigLoader.withEnvironment(env).load(dir, flags);
  }

  private LoadedConfig load() {
    return load(Map.of(), ConfigOverrides.none());
  }

  private Path conf(String name, String text) throws IOException {
    Path confD = Files.createDirectories(dir.resolve("conf.d"));
    return Files.writeString(confD.resolve(name), text);
  }

  @Test
  void defaultsWithoutAnyConfiguration() {
    LoadedConfig loaded = load();
    ServerConfig c = loaded.config();
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(7419);
    assertThat(c.webBindHost()).isEqualTo("127.0.0.1");
    assertThat(c.webPort()).isEqualTo(7420);
    assertThat(c.hasPassword()).isFalse();
    assertThat(c.storage()).isEqualTo("sqlite");
    assertThat(c.durability()).isEqualTo(Durability.PROCESS_CRASH);
    assertThat(c.tls()).isNull();
    assertThat(loaded.environment()).isEqualTo("development");
    assertThat(loaded.files()).isEmpty();
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void nullConfigDirMeansNoFiles() {
    LoadedConfig loaded = ConfigLoader.withEnvironment(Map.of()).load(null, ConfigOverrides.none());
    assertThat(loaded.config().port()).isEqualTo(7419);
  }

  @Test
  void readsEveryKey() throws IOException {
    conf(
        "fabrik.toml",
        """
        [fabrik]
        binding = "127.0.0.1:7500"
        password = "s3cret"
        storage = "memory"
        data_dir = "data"
        durability = "strict"
        max_connections = 10
        max_line_bytes = 4096
        max_job_bytes = 2048
        dead_ttl_days = 7
        dead_max_size = 500
        [web]
        binding = "127.0.0.1:7501"
        """);
    ServerConfig c = load().config();
    assertThat(c.port()).isEqualTo(7500);
    assertThat(c.webPort()).isEqualTo(7501);
    assertThat(c.password()).isEqualTo("s3cret");
    assertThat(c.storage()).isEqualTo("memory");
    assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(c.durability()).isEqualTo(Durability.POWER_LOSS);
    assertThat(c.maxConnections()).isEqualTo(10);
    assertThat(c.maxLineBytes()).isEqualTo(4096);
    assertThat(c.maxJobBytes()).isEqualTo(2048);
    assertThat(c.deadTtl()).isEqualTo(Duration.ofDays(7));
    assertThat(c.deadMaxSize()).isEqualTo(500);
  }

  @Test
  void maxBufferedBytesDefaultsToTheHeapShareAndCanBeSet() throws IOException {
    assertThat(load().config().maxBufferedBytes()).isZero(); // 0: a quarter of -Xmx
    conf("buffers.toml", "[fabrik]\nmax_buffered_bytes = 67108864\n");
    assertThat(load().config().maxBufferedBytes()).isEqualTo(64L << 20);
    conf("buffers.toml", "[fabrik]\nmax_buffered_bytes = 0\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("buffers.toml:2 [fabrik] max_buffered_bytes must be at least 1");
  }

  @Test
  void laterFilesOverrideEarlierOnesAndFaktoryTableIsAccepted() throws IOException {
    conf("20-b.toml", "[faktory]\nmax_connections = 20\n");
    conf("10-a.toml", "[faktory]\nmax_connections = 10\ndead_ttl_days = 3\n");
    conf("30-c.toml", "[faktory]\nmax_connections = 31\n[fabrik]\nmax_connections = 30\n");
    conf("notes.txt", "not toml, not read");
    LoadedConfig loaded = load();
    assertThat(loaded.config().maxConnections()).isEqualTo(30);
    assertThat(loaded.config().deadTtl()).isEqualTo(Duration.ofDays(3));
    assertThat(loaded.files())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("10-a.toml", "20-b.toml", "30-c.toml");
  }

  @Test
  void batchesRetentionComesFromItsOwnTableAndDefaultsToADay() throws IOException {
    assertThat(load().config().batchRetention()).isEqualTo(Duration.ofHours(24));
    conf("50-batches.toml", "[batches]\nretention_hours = 72\n");
    assertThat(load().config().batchRetention()).isEqualTo(Duration.ofHours(72));
    assertThat(
            load(Map.of(), ConfigOverrides.builder().batchRetentionHours(2).build())
                .config()
                .batchRetention())
        .isEqualTo(Duration.ofHours(2));
    conf("60-bad.toml", "[batches]\nretention_hours = 0\n");
    assertThatThrownBy(this::load).hasMessageContaining("retention_hours");
  }

  @Test
  void workflowRetentionComesFromItsOwnTableOrTheFlagAndDefaultsToADay() throws IOException {
    assertThat(load().config().workflowRetention()).isEqualTo(Duration.ofHours(24));
    conf("50-workflows.toml", "[workflows]\nretention_hours = 72\n");
    LoadedConfig fromFile = load();
    assertThat(fromFile.config().workflowRetention()).isEqualTo(Duration.ofHours(72));
    assertThat(fromFile.warnings()).isEmpty();
    assertThat(
            load(Map.of(), ConfigOverrides.builder().workflowRetentionHours(2).build())
                .config()
                .workflowRetention())
        .isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(
            () -> load(Map.of(), ConfigOverrides.builder().workflowRetentionHours(0).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--workflow-retention-hours must be at least 1, not 0");
    conf("60-bad.toml", "[workflows]\nretention_hours = 0\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("60-bad.toml:2 [workflows] retention_hours must be between 1 and");
  }

  @Test
  void unknownKeysAndTablesAreWarningsNotFailures() throws IOException {
    conf(
        "a.toml",
        "[fabrik]\nbinding = \"127.0.0.1:7419\"\ncolour = \"blue\"\n[[throttle]]\nx = 1\n");
    LoadedConfig loaded = load();
    assertThat(loaded.warnings())
        .hasSize(2)
        .anySatisfy(w -> assertThat(w).contains("a.toml").contains("[fabrik] colour"))
        .anySatisfy(w -> assertThat(w).contains("\"throttle\""));
  }

  @Test
  void wrongTypeNamesFileLineAndKey() throws IOException {
    conf("bad.toml", "[fabrik]\n\nmax_connections = \"many\"\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bad.toml:3 [fabrik] max_connections must be an integer")
        .hasMessageContaining("\"many\"");
  }

  @Test
  void stringKeyGivenANumber() throws IOException {
    conf("bad.toml", "[web]\nbinding = 7420\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining("bad.toml:2 [web] binding must be a string, not the integer 7420");
  }

  @Test
  void invalidTomlNamesTheFile() throws IOException {
    conf("broken.toml", "[fabrik\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid TOML in")
        .hasMessageContaining("broken.toml");
  }

  @Test
  void invalidValuesNameTheirSource() throws IOException {
    conf("v.toml", "[fabrik]\ndurability = \"paranoid\"\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining(
            "v.toml:2 [fabrik] durability must be" + " normal or strict, not \"paranoid\"");
  }

  @Test
  void flagsBeatEnvironmentBeatTomlBeatDefaults() throws IOException {
    conf(
        "a.toml",
        "[fabrik]\ndata_dir = \"/from/toml\"\nstorage = \"memory\"\nbinding ="
            + " \"127.0.0.1:7500\"\n");
    Map<String, String> env = Map.of("FABRIK_DATA_DIR", "/from/env");
    assertThat(load(env, ConfigOverrides.none()).config().dataDir())
        .isEqualTo(Path.of("/from/env"));
    assertThat(load(Map.of(), ConfigOverrides.none()).config().dataDir())
        .isEqualTo(Path.of("/from/toml"));
    ConfigOverrides flags =
        ConfigOverrides.builder()
            .dataDir(Path.of("/from/flag"))
            .storage("sqlite")
            .bind(new Binding("127.0.0.1", 0))
            .durability(Durability.POWER_LOSS)
            .maxConnections(5)
            .build();
    ServerConfig c = load(env, flags).config();
    assertThat(c.dataDir()).isEqualTo(Path.of("/from/flag"));
    assertThat(c.storage()).isEqualTo("sqlite");
    assertThat(c.port()).isZero();
    assertThat(c.durability()).isEqualTo(Durability.POWER_LOSS);
    assertThat(c.maxConnections()).isEqualTo(5);
  }

  @Test
  void passwordFromEnvironmentWinsOverToml() throws IOException {
    conf("a.toml", "[faktory]\npassword = \"toml\"\n");
    assertThat(load().config().password()).isEqualTo("toml");
    assertThat(load(Map.of("FAKTORY_PASSWORD", "env"), ConfigOverrides.none()).config().password())
        .isEqualTo("env");
  }

  @Test
  void passwordStartingWithSlashIsAFile() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "  hunter2\n");
    ServerConfig c =
        load(Map.of("FAKTORY_PASSWORD", secret.toString()), ConfigOverrides.none()).config();
    assertThat(c.password()).isEqualTo("hunter2");
    assertThatThrownBy(
            () -> load(Map.of("FAKTORY_PASSWORD", "/no/such/file"), ConfigOverrides.none()))
        .hasMessageContaining("cannot read the password file /no/such/file")
        .hasMessageContaining("FAKTORY_PASSWORD");
  }

  @Test
  void outsideDevelopmentThePasswordFileInTheConfigDirIsRead() throws IOException {
    Files.writeString(dir.resolve("password"), "from-file\n");
    assertThat(
            load(Map.of("FAKTORY_ENV", "production"), ConfigOverrides.none()).config().password())
        .isEqualTo("from-file");
    // Development ignores it, as Faktory does; the environment still wins elsewhere.
    assertThat(load().config().hasPassword()).isFalse();
    assertThat(
            load(
                    Map.of("FAKTORY_ENV", "production", "FAKTORY_PASSWORD", "env"),
                    ConfigOverrides.none())
                .config()
                .password())
        .isEqualTo("env");
  }

  @Test
  void productionNeedsAPasswordUnlessSkipped() {
    assertThatThrownBy(() -> load(Map.of("FAKTORY_ENV", "production"), ConfigOverrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FAKTORY_ENV=production requires a password");
    assertThatThrownBy(() -> load(Map.of("FAKTORY_ENV", "staging"), ConfigOverrides.none()))
        .hasMessageContaining("FAKTORY_ENV=staging");
    for (String yes : new String[] {"1", "true", "YES"}) {
      LoadedConfig ok =
          load(
              Map.of("FAKTORY_ENV", "production", "FAKTORY_SKIP_PASSWORD", yes),
              ConfigOverrides.none());
      assertThat(ok.environment()).isEqualTo("production");
      assertThat(ok.config().hasPassword()).isFalse();
    }
    assertThat(
            load(
                    Map.of("FAKTORY_ENV", "production", "FAKTORY_PASSWORD", "pw"),
                    ConfigOverrides.none())
                .config()
                .password())
        .isEqualTo("pw");
  }

  @Test
  void refusesReachableAddressWithoutPassword() throws IOException {
    ConfigOverrides everywhere =
        ConfigOverrides.builder().bind(Binding.parse(":7419", "--bind")).build();
    assertThatThrownBy(() -> load(Map.of(), everywhere))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("refusing to listen on 0.0.0.0:7419 (command) without a password");
    assertThat(load(Map.of("FAKTORY_PASSWORD", "pw"), everywhere).config().bindHost())
        .isEqualTo("0.0.0.0");

    conf("w.toml", "[web]\nbinding = \":7420\"\n");
    assertThatThrownBy(this::load).hasMessageContaining("(web) without a password");
  }

  @Test
  void skipPasswordDoesNotOpenReachableAddresses() {
    ConfigOverrides everywhere =
        ConfigOverrides.builder().bind(Binding.parse(":7419", "--bind")).build();
    assertThatThrownBy(() -> load(Map.of("FAKTORY_SKIP_PASSWORD", "true"), everywhere))
        .hasMessageContaining("refusing to listen on 0.0.0.0:7419");
  }

  @Test
  void webLimitsFromTomlAndAllowedHostsFromBoth() throws IOException {
    assertThat(load().config().web()).isEqualTo(WebLimits.defaults());
    conf(
        "web.toml",
        """
        [web]
        allowed_hosts = ["fabrik.internal", "ops.example.com:443"]
        max_connections = 64
        header_timeout_seconds = 5
        body_timeout_seconds = 20
        idle_timeout_seconds = 15
        """);
    WebLimits web =
        load(
                Map.of(),
                ConfigOverrides.builder().webAllowedHosts(java.util.List.of("proxy.lan")).build())
            .config()
            .web();
    assertThat(web.allowedHosts())
        .containsExactly("fabrik.internal", "ops.example.com:443", "proxy.lan");
    assertThat(web.maxConnections()).isEqualTo(64);
    assertThat(web.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(web.bodyTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(web.idleTimeout()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void allowedHostsMustBeAnArrayOfStrings() throws IOException {
    conf("bad.toml", "[web]\nallowed_hosts = \"fabrik.internal\"\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining("bad.toml:2 [web] allowed_hosts must be an array of strings");
    conf("bad.toml", "[web]\nallowed_hosts = [1]\n");
    assertThatThrownBy(this::load).hasMessageContaining("must be an array of strings");
    conf("bad.toml", "[web]\nheader_timeout_seconds = 0\n");
    assertThatThrownBy(this::load).hasMessageContaining("header_timeout_seconds must be between 1");
  }

  @Test
  void webBindingZeroInTomlDisablesTheUi() throws IOException {
    conf("w.toml", "[web]\nbinding = \":0\"\n");
    assertThat(load().config().webPort()).isEqualTo(-1);
  }

  @Test
  void webFlags() {
    assertThat(load(Map.of(), ConfigOverrides.builder().noWeb(true).build()).config().webPort())
        .isEqualTo(-1);
    ServerConfig c =
        load(Map.of(), ConfigOverrides.builder().webBind(new Binding("localhost", 0)).build())
            .config();
    assertThat(c.webBindHost()).isEqualTo("localhost");
    assertThat(c.webPort()).isZero();
  }

  @Test
  void tlsByFaktoryConventionFiles() throws IOException {
    Files.writeString(dir.resolve("private.key.pem"), "key");
    Files.writeString(dir.resolve("public.cert.pem"), "cert");
    assertThat(load().config().tls())
        .isEqualTo(
            new ServerConfig.TlsConfig(
                dir.resolve("public.cert.pem"), dir.resolve("private.key.pem")));
  }

  @Test
  void tlsFromTomlIsRelativeToTheConfigDir() throws IOException {
    Files.writeString(dir.resolve("c.pem"), "cert");
    Files.writeString(dir.resolve("k.pem"), "key");
    conf("t.toml", "[tls]\ncert = \"c.pem\"\nkey = \"k.pem\"\n");
    assertThat(load().config().tls())
        .isEqualTo(new ServerConfig.TlsConfig(dir.resolve("c.pem"), dir.resolve("k.pem")));
  }

  @Test
  void tlsErrors() throws IOException {
    assertThatThrownBy(
            () -> load(Map.of(), ConfigOverrides.builder().tls(dir.resolve("c.pem"), null).build()))
        .hasMessageContaining("--tls-cert and --tls-key must be given together");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    ConfigOverrides.builder()
                        .tls(dir.resolve("c.pem"), dir.resolve("k.pem"))
                        .build()))
        .hasMessageContaining("cannot read")
        .hasMessageContaining("c.pem");
    conf("t.toml", "[tls]\ncert = \"c.pem\"\n");
    assertThatThrownBy(this::load).hasMessageContaining("[tls] needs both cert and key");
  }

  @Test
  void durabilityNamesRoundTrip() {
    for (Durability d : Durability.values()) {
      assertThat(DurabilityNames.parse(DurabilityNames.name(d), "x")).isEqualTo(d);
    }
    assertThat(DurabilityNames.parse(" STRICT ", "x")).isEqualTo(Durability.POWER_LOSS);
  }

  private static final String SECRET_URL = "postgres://app:s3cr%40t@db.internal:6432/jobs";

  @Test
  void postgresFromFlags() {
    ServerConfig c =
        load(
                Map.of(),
                ConfigOverrides.builder()
                    .storage("postgres")
                    .databaseUrl(SECRET_URL)
                    .schema("tenant_a")
                    .databasePoolSize(4)
                    .build())
            .config();
    assertThat(c.storage()).isEqualTo("postgres");
    DatabaseConfig db = c.database();
    assertThat(db.url().jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/jobs");
    assertThat(db.url().user()).isEqualTo("app");
    assertThat(db.url().password()).isEqualTo("s3cr@t");
    assertThat(db.schema()).isEqualTo("tenant_a");
    assertThat(db.poolSize()).isEqualTo(4);
  }

  @Test
  void postgresDefaultsSchemaAndPoolSize() {
    DatabaseConfig db =
        load(
                Map.of("FABRIK_DATABASE_URL", SECRET_URL),
                ConfigOverrides.builder().storage("postgres").build())
            .config()
            .database();
    assertThat(db.schema()).isEqualTo("fabrik");
    assertThat(db.poolSize()).isEqualTo(DatabaseConfig.DEFAULT_POOL_SIZE);
  }

  @Test
  void postgresFromTheFabrikTable() throws IOException {
    conf(
        "db.toml",
        """
        [fabrik]
        storage = "postgres"
        database_url = "postgres://fabrik@127.0.0.1:5432/fabrik"
        schema = "shop"
        database_pool_size = 3
        """);
    ServerConfig c = load().config();
    assertThat(c.storage()).isEqualTo("postgres");
    assertThat(c.database().url().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/fabrik");
    assertThat(c.database().schema()).isEqualTo("shop");
    assertThat(c.database().poolSize()).isEqualTo(3);
    assertThat(load().warnings()).isEmpty();
  }

  @Test
  void postgresAckCommitIsAsyncUnlessThePostgresTableSaysSync() throws IOException {
    conf(
        "db.toml",
        """
        [fabrik]
        storage = "postgres"
        database_url = "postgres://fabrik@127.0.0.1:5432/fabrik"
        """);
    assertThat(load().config().database().durableAcks()).isFalse();
    conf("db2.toml", "[postgres]\nack_commit = \"sync\"\n");
    assertThat(load().config().database().durableAcks()).isTrue();
    assertThat(load().warnings()).isEmpty();
    conf("db2.toml", "[postgres]\nack_commit = \"async\"\n");
    assertThat(load().config().database().durableAcks()).isFalse();
    conf("db2.toml", "[postgres]\nack_commit = \"later\"\n");
    assertThatThrownBy(this::load).hasMessageContaining("must be \"async\" or \"sync\"");
  }

  @Test
  void databaseUrlPrecedenceIsFlagThenEnvironmentThenToml() throws IOException {
    conf(
        "db.toml",
        """
        [faktory]
        storage = "postgres"
        database_url = "postgres://toml@h/d"
        """);
    assertThat(load().config().database().url().user()).isEqualTo("toml");
    Map<String, String> env = Map.of("FABRIK_DATABASE_URL", "postgres://env@h/d");
    assertThat(load(env, ConfigOverrides.none()).config().database().url().user()).isEqualTo("env");
    ConfigOverrides flag = ConfigOverrides.builder().databaseUrl("postgres://flag@h/d").build();
    assertThat(load(env, flag).config().database().url().user()).isEqualTo("flag");
  }

  @Test
  void postgresWithoutAUrlSaysWhereToPutOne() {
    assertThatThrownBy(() -> load(Map.of(), ConfigOverrides.builder().storage("postgres").build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--database-url, FABRIK_DATABASE_URL or [fabrik] database_url");
  }

  @Test
  void aDatabaseUrlForAnotherStorageIsRefusedUnlessItComesFromTheEnvironment() throws IOException {
    assertThatThrownBy(
            () -> load(Map.of(), ConfigOverrides.builder().databaseUrl(SECRET_URL).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--database-url needs --storage postgres (storage is sqlite)");
    ServerConfig c =
        load(Map.of("FABRIK_DATABASE_URL", SECRET_URL), ConfigOverrides.none()).config();
    assertThat(c.storage()).isEqualTo("sqlite");
    assertThat(c.database()).isNull();
    conf("db.toml", "[fabrik]\nstorage = \"memory\"\ndatabase_url = \"postgres://h/d\"\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("db.toml:3 [fabrik] database_url needs storage = \"postgres\"");
  }

  @Test
  void badDatabaseSettingsNameTheirSourceButNeverThePassword() throws IOException {
    assertThatThrownBy(
            () ->
                load(
                    Map.of("FABRIK_DATABASE_URL", "mysql://app:s3cr3t@h/d"),
                    ConfigOverrides.builder().storage("postgres").build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("FABRIK_DATABASE_URL: a database URL starts with postgres://")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    ConfigOverrides.builder()
                        .storage("postgres")
                        .databaseUrl("postgres://app:s3cr3t@h:99999999999/d d")
                        .build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--database-url: ")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    ConfigOverrides.builder()
                        .storage("postgres")
                        .databaseUrl(SECRET_URL)
                        .schema("Bad-Name")
                        .build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--schema: a schema name is");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    ConfigOverrides.builder()
                        .storage("postgres")
                        .databaseUrl(SECRET_URL)
                        .databasePoolSize(0)
                        .build()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--database-pool-size must be at least 1, not 0");
    conf("p.toml", "[fabrik]\nstorage = \"postgres\"\ndatabase_pool_size = \"ten\"\n");
    assertThatThrownBy(
            () -> load(Map.of("FABRIK_DATABASE_URL", SECRET_URL), ConfigOverrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("[fabrik] database_pool_size must be an integer");
  }

  @Test
  void unknownStorageListsTheChoices() {
    assertThatThrownBy(() -> load(Map.of(), ConfigOverrides.builder().storage("mysql").build()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--storage must be sqlite, memory or postgres, not \"mysql\"");
  }

  @Test
  void printingTheConfigurationNeverShowsAPassword() {
    LoadedConfig loaded =
        load(
            Map.of("FAKTORY_PASSWORD", "faktorypw"),
            ConfigOverrides.builder().storage("postgres").databaseUrl(SECRET_URL).build());
    ConfigOverrides flags =
        ConfigOverrides.builder().storage("postgres").databaseUrl(SECRET_URL).build();
    for (Object printed :
        new Object[] {loaded, loaded.config(), loaded.config().database(), flags}) {
      assertThat(printed.toString())
          .doesNotContain("s3cr")
          .doesNotContain("%40t")
          .doesNotContain("faktorypw");
    }
    assertThat(loaded.config().toString())
        .contains("storage=postgres")
        .contains("jdbc:postgresql://db.internal:6432/jobs (user app, password ***)")
        .contains("password=***");
    // a pgjdbc URL carries the password as a parameter
    ServerConfig jdbc =
        load(
                Map.of(),
                ConfigOverrides.builder()
                    .storage("postgres")
                    .databaseUrl("jdbc:postgresql://h/d?user=app&password=s3cr3t&ssl=true")
                    .build())
            .config();
    assertThat(jdbc.toString()).doesNotContain("s3cr3t").contains("password=***&ssl=true");
  }
}
