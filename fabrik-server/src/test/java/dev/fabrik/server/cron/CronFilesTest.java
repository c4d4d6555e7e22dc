package dev.fabrik.server.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CronFilesTest {
  @TempDir Path dir;

  private void write(String name, String toml) throws IOException {
    Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(dir.resolve("conf.d").resolve(name), toml);
  }

  @Test
  void entriesOfEveryFileAreMergedInFileOrder() throws IOException {
    write(
        "20-b.toml",
        """
        [[cron]]
          schedule = "*/5 * * * *"
          [cron.job]
            type = "Second"
        """);
    write(
        "10-a.toml",
        """
        [fabrik]
        durability = "strict"
        [[cron]]
          name = "rollup"
          schedule = "30 2 * * *"
          timezone = "Europe/Berlin"
          catch_up = "all"
          [cron.job]
            type = "RollupJob"
            queue = "reports"
            retry = 3
            args = [1, 2]
            reserve_for = 600
            [cron.job.custom]
              expires_in = 60
        """);
    CronFiles.Loaded loaded = CronFiles.read(dir);
    assertThat(loaded.errors()).isEmpty();
    assertThat(loaded.entries())
        .extracting(CronEntry::jobtype)
        .containsExactly("RollupJob", "Second");
    CronEntry rollup = loaded.entries().getFirst();
    assertThat(rollup.id()).isEqualTo("rollup");
    assertThat(rollup.zone().getId()).isEqualTo("Europe/Berlin");
    assertThat(rollup.catchUp()).isEqualTo(CatchUp.ALL);
    assertThat(rollup.queue()).isEqualTo("reports");
    assertThat(rollup.job().get("custom").get("expires_in").asInt()).isEqualTo(60);
    assertThat(rollup.source()).isEqualTo("conf.d/10-a.toml:3 [[cron]] #1");
    CronEntry second = loaded.entries().get(1);
    assertThat(second.id()).startsWith("h-").hasSize(18);
    assertThat(second.catchUp()).isEqualTo(CatchUp.LAST);
    // the same definition read again has the same id (state survives restarts)
    assertThat(CronFiles.read(dir).entries().get(1).id()).isEqualTo(second.id());
  }

  @Test
  void aBadEntryIsReportedAndTheOthersStillLoad() throws IOException {
    write(
        "10-cron.toml",
        """
        [[cron]]
          schedule = "61 * * * *"
          [cron.job]
            type = "BadMinute"
        [[cron]]
          schedule = "@hourly"
          [cron.job]
            type = "Good"
        [[cron]]
          schedule = "@daily"
          timezone = "Mars/Olympus"
          [cron.job]
            type = "BadZone"
        [[cron]]
          schedule = "@daily"
        [[cron]]
          schedule = "@daily"
          catch_up = "sometimes"
          [cron.job]
            type = "BadPolicy"
        [[cron]]
          name = "dup"
          schedule = "@daily"
          [cron.job]
            type = "A"
        [[cron]]
          name = "dup"
          schedule = "@daily"
          [cron.job]
            type = "B"
        [[cron]]
          schedule = "@daily"
          colour = "blue"
          [cron.job]
            type = "Unknown"
        """);
    write("20-broken.toml", "[[cron]\nschedule = ");
    CronFiles.Loaded loaded = CronFiles.read(dir);
    assertThat(loaded.entries()).extracting(CronEntry::jobtype).containsExactly("Good", "A");
    assertThat(loaded.errors())
        .satisfiesExactly(
            e -> assertThat(e).contains("10-cron.toml:1 [[cron]] #1").contains("61"),
            e -> assertThat(e).contains("#3").contains("unknown timezone \"Mars/Olympus\""),
            e -> assertThat(e).contains("#4").contains("job is missing"),
            e -> assertThat(e).contains("#5").contains("catch_up"),
            e -> assertThat(e).contains("#7").contains("already has id \"dup\""),
            e -> assertThat(e).contains("#8").contains("colour"),
            e -> assertThat(e).contains("20-broken.toml").contains("invalid TOML"));
  }

  @Test
  void noConfDirMeansNoEntries() {
    assertThat(CronFiles.read(dir).entries()).isEmpty();
    assertThat(CronFiles.read(null).entries()).isEmpty();
  }
}
