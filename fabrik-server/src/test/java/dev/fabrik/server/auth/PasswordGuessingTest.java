package dev.fabrik.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.PasswordHash;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Wrong passwords against a real server, on both ports: each failure from one address waits longer
 * (200 ms, 400 ms, 800 ms, 1.6 s, 3.2 s ... 5 s), while a correct password, even from the same
 * address, gets in at once. Only lower bounds on time are asserted, and the "at once" as an order
 * of events, so a slow machine cannot fail them.
 */
class PasswordGuessingTest {
  private static final String PASSWORD = "s3cret";
  private FabrikServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void wrongHellosAreSlowedWhileAGoodClientGetsInAtOnce() throws Exception {
    server = TestServers.start(TestServers.config().password(PASSWORD).build());
    int port = server.port();

    long[] minimum = {200, 400, 800, 1600};
    for (long min : minimum) {
      try (RawClient attacker = RawClient.connect(port)) {
        attacker.readReply();
        long start = System.nanoTime();
        assertThat(attacker.call("HELLO {\"v\":2,\"pwdhash\":\"" + "0".repeat(64) + "\"}"))
            .isEqualTo("-ERR Invalid password\r\n");
        assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(min);
      }
    }

    // The fifth wrong guess waits 3.2 s; a correct HELLO from the same address meanwhile does not.
    try (RawClient attacker = RawClient.connect(port);
        RawClient good = RawClient.connect(port)) {
      attacker.readReply();
      attacker.send("HELLO {\"v\":2,\"pwdhash\":\"" + "1".repeat(64) + "\"}\r\n");
      CompletableFuture<Long> attackerAnswered =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  assertThat(attacker.readReply()).isEqualTo("-ERR Invalid password\r\n");
                  return System.nanoTime();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      JsonNode hi = greeting(good);
      String proof =
          PasswordHash.compute(PASSWORD, hi.get("s").stringValue(), hi.get("i").intValue());
      assertThat(good.call("HELLO {\"v\":2,\"pwdhash\":\"" + proof + "\"}")).isEqualTo("+OK\r\n");
      long goodAnswered = System.nanoTime();
      assertThat(good.call("FLUSH")).isEqualTo("+OK\r\n");
      assertThat(attackerAnswered.get(20, TimeUnit.SECONDS)).isGreaterThan(goodAnswered);
    }
  }

  @Test
  void wrongBasicAuthIsSlowedWhileTheRightPasswordIsServedAtOnce() throws Exception {
    server = TestServers.start(TestServers.config().password(PASSWORD).webPort(0).build());
    HttpClient http = HttpClient.newHttpClient();
    URI info = URI.create("http://127.0.0.1:" + server.webPort() + "/api/info");

    // No credentials at all is the browser's first request: challenged at once, not counted.
    assertThat(send(http, info, null).statusCode()).isEqualTo(401);
    long[] minimum = {200, 400, 800};
    for (long min : minimum) {
      long start = System.nanoTime();
      assertThat(send(http, info, "guess").statusCode()).isEqualTo(401);
      assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(min);
    }

    CompletableFuture<Long> attackerAnswered =
        CompletableFuture.supplyAsync(
            () -> {
              assertThat(send(http, info, "guess").statusCode()).isEqualTo(401); // 1.6 s
              return System.nanoTime();
            });
    assertThat(send(http, info, PASSWORD).statusCode()).isEqualTo(200);
    long goodAnswered = System.nanoTime();
    assertThat(attackerAnswered.get(20, TimeUnit.SECONDS)).isGreaterThan(goodAnswered);

    HttpResponse<String> metrics =
        send(http, URI.create("http://127.0.0.1:" + server.webPort() + "/metrics"), PASSWORD);
    assertThat(metrics.body())
        .contains("fabrik_auth_failures_total{port=\"web\",reason=\"password\"} 4.0");
  }

  private static HttpResponse<String> send(HttpClient http, URI uri, String password) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    if (password != null) {
      String token =
          Base64.getEncoder().encodeToString((":" + password).getBytes(StandardCharsets.UTF_8));
      b.header("Authorization", "Basic " + token);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long elapsedMillis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static JsonNode greeting(RawClient c) throws IOException {
    String hi = c.readReply();
    return JobCodec.MAPPER.readTree(hi.substring(4, hi.length() - 2));
  }
}
