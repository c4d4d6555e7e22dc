package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.it.SettableClock;
import dev.fabrik.protocol.Job;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JobBuilder#expiresAt} and {@link JobBuilder#expiresIn} against a real server. */
class ClientExpiryIT {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T18:00:00Z"));
  private FabrikServer server;
  private Client client;

  @BeforeEach
  void start() {
    ServerConfig config =
        ServerConfig.builder()
            .bindHost("127.0.0.1")
            .port(0)
            .webPort(-1)
            .storage("memory")
            .fetchWait(Duration.ofMillis(200))
            .build();
    server = new FabrikServer(config, clock);
    server.start();
    client = Client.connect(ClientConfig.builder().host("127.0.0.1").port(server.port()).build());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  @Test
  void jobsPastTheirExpiryAreSkippedByFetch() {
    Job byTtl = Jobs.builder("Digest").queue("mail").expiresIn(Duration.ofSeconds(30)).build();
    Job byInstant =
        Jobs.builder("Digest").queue("mail").expiresAt(clock.instant().plusSeconds(30)).build();
    Job later = Jobs.builder("Digest").queue("mail").expiresIn(Duration.ofMinutes(5)).build();
    client.push(byTtl);
    client.push(byInstant);
    client.push(later);

    clock.advance(Duration.ofSeconds(30));

    Job fetched = client.fetch("mail").orElseThrow();
    assertThat(fetched.jid()).isEqualTo(later.jid());
    assertThat(fetched.custom().get("expires_at").asString()).isEqualTo("2026-12-05T18:05:00Z");
    assertThat(client.info().queueSize("mail")).isZero();
  }

  @Test
  void aJobFetchedBeforeItsExpiryRuns() {
    Job job = Jobs.builder("Digest").expiresIn(Duration.ofMillis(1500)).build();
    client.push(job);
    clock.advance(Duration.ofMillis(1499));
    assertThat(client.fetch("default")).map(Job::jid).contains(job.jid());
  }

  @Test
  void theServerRefusesAnUnreadableExpiry() {
    Job bad = Jobs.builder("Digest").custom("expires_at", "next week").build();
    assertThatThrownBy(() -> client.push(bad))
        .isInstanceOf(ServerErrorException.class)
        .hasMessageContaining("invalid timestamp for 'expires_at'");
  }
}
