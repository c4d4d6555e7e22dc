package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitFilesTest {

  @Test
  void readsEnterprisesQueueFormAndOurJobTypeForm() {
    LimitFiles.Loaded loaded =
        LimitFiles.parse(
            "throttles.toml",
            """
            [throttles]
            scraper = { concurrency = 3, timeout = 120 }
            imports = { worker = 2, timeout = 300 }
            [throttles.jobtypes]
            SendEmail = { rate = 100, period = 60, key = "custom.tenant" }
            """);

    assertThat(loaded.errors()).isEmpty();
    assertThat(loaded.rules())
        .containsExactly(
            new LimitRule(Scope.QUEUE, "scraper", 3, 0, Duration.ofSeconds(120), 0, null, null),
            new LimitRule(Scope.QUEUE, "imports", 0, 2, Duration.ofSeconds(300), 0, null, null),
            new LimitRule(
                Scope.JOBTYPE,
                "SendEmail",
                0,
                0,
                null,
                100,
                Duration.ofSeconds(60),
                "custom.tenant"));
  }

  @Test
  void aBadRuleIsRefusedWithItsFileAndLineAndTheOthersLoad() {
    LimitFiles.Loaded loaded =
        LimitFiles.parse(
            "t.toml",
            """
            [throttles]
            good = { concurrency = 1 }
            empty = { timeout = 5 }
            typo = { concurrancy = 2 }
            rated = { rate = 5 }
            keyed = { rate = 5, period = 1, key = "args.x" }
            """);

    assertThat(loaded.rules()).extracting(LimitRule::name).containsExactly("good");
    assertThat(loaded.errors())
        .containsExactly(
            "t.toml:3 throttle queue \"empty\": empty: give at least one of concurrency, worker or rate",
            "t.toml:4 throttle queue \"typo\": unknown setting \"concurrancy\" (known: concurrency,"
                + " worker, timeout, rate, period, key)",
            "t.toml:5 throttle queue \"rated\": rated: a rate needs a positive period",
            "t.toml:6 throttle queue \"keyed\": key must be args.<n> or custom.<field>, not \"args.x\"");
  }

  @Test
  void aLaterFileWinsForTheSameQueue(@TempDir Path dir) throws Exception {
    Path confD = Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(confD.resolve("a.toml"), "[throttles]\nq = { concurrency = 1 }\n");
    Files.writeString(confD.resolve("b.toml"), "[throttles]\nq = { concurrency = 4 }\n");

    LimitFiles.Loaded loaded = LimitFiles.read(dir);

    assertThat(loaded.rules()).extracting(LimitRule::concurrency).containsExactly(4);
  }

  @Test
  void noConfDMeansNoRules(@TempDir Path dir) {
    assertThat(LimitFiles.read(dir))
        .isEqualTo(new LimitFiles.Loaded(java.util.List.of(), java.util.List.of()));
  }
}
