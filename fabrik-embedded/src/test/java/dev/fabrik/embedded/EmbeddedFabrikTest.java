package dev.fabrik.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.protocol.Job;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedFabrikTest {

  @Test
  void sqliteKeepsQueuedJobsAcrossARestartOnTheSameFolder(@TempDir Path dir) {
    EmbeddedOptions options = EmbeddedOptions.builder().sqlite(dir).withoutWeb().build();
    Job job = Jobs.of("Report", 42);
    try (EmbeddedFabrik fabrik = EmbeddedFabrik.start(options);
        Client client = fabrik.connect()) {
      client.push(job);
    }
    assertThat(dir).isNotEmptyDirectory();

    try (EmbeddedFabrik fabrik = EmbeddedFabrik.start(options);
        Client client = fabrik.connect()) {
      Job fetched = client.fetch("default").orElseThrow();
      assertThat(fetched.jid()).isEqualTo(job.jid());
      client.ack(fetched.jid());
    }
  }

  @Test
  void freePortsByDefaultAndUrlsThatReachThem() throws Exception {
    try (EmbeddedFabrik a = EmbeddedFabrik.start();
        EmbeddedFabrik b = EmbeddedFabrik.start()) {
      assertThat(a.port()).isPositive().isNotEqualTo(b.port());
      assertThat(a.url()).isEqualTo("tcp://127.0.0.1:" + a.port());
      assertThat(ClientConfig.builder().url(a.url()).build().port()).isEqualTo(a.port());

      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(a.webUrl() + "/health")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aPasswordIsRequiredOfClientsAndCarriedByClientConfig() {
    EmbeddedOptions options = EmbeddedOptions.builder().password("s3cret").withoutWeb().build();
    try (EmbeddedFabrik fabrik = EmbeddedFabrik.start(options)) {
      ClientConfig noPassword = ClientConfig.builder().url(fabrik.url()).build();
      assertThatThrownBy(() -> Client.connect(noPassword).close()).hasMessageContaining("password");
      try (Client client = fabrik.connect()) {
        assertThat(client.info().description()).isNotBlank();
      }
      assertThatThrownBy(fabrik::webUrl).hasMessageContaining("web listener is off");
    }
  }

  @Test
  void faktoryUrlCarriesAPasswordOfAnyCharacters() {
    String password = "p@ss:w/rd %ü";
    EmbeddedOptions options = EmbeddedOptions.builder().password(password).withoutWeb().build();
    try (EmbeddedFabrik fabrik = EmbeddedFabrik.start(options)) {
      assertThat(fabrik.faktoryUrl())
          .isEqualTo("tcp://:p%40ss%3Aw%2Frd%20%25%C3%BC@127.0.0.1:" + fabrik.port());
      ClientConfig fromUrl = ClientConfig.builder().url(fabrik.faktoryUrl()).build();
      assertThat(fromUrl.password()).isEqualTo(password);
      try (Client client = Client.connect(fromUrl)) {
        assertThat(client.info().description()).isNotBlank();
      }
    }
    try (EmbeddedFabrik open =
        EmbeddedFabrik.start(EmbeddedOptions.builder().withoutWeb().build())) {
      assertThat(open.faktoryUrl()).isEqualTo(open.url());
    }
  }

  @Test
  void closeStopsTheServerAndMayBeCalledTwice() {
    EmbeddedFabrik fabrik = EmbeddedFabrik.start(EmbeddedOptions.builder().withoutWeb().build());
    ClientConfig config = fabrik.clientConfig();
    fabrik.close();
    fabrik.close();
    assertThatThrownBy(() -> Client.connect(config).close()).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aTakenPortFailsTheStartWithTheCause() {
    try (EmbeddedFabrik first = EmbeddedFabrik.start()) {
      EmbeddedOptions same = EmbeddedOptions.builder().port(first.port()).withoutWeb().build();
      assertThatThrownBy(() -> EmbeddedFabrik.start(same)).hasMessageContaining("" + first.port());
    }
  }

  @Test
  void anOlderJavaIsRefusedWithWhatToDoInstead() {
    assertThatThrownBy(() -> EmbeddedFabrik.requireJava(17, "/usr/lib/jvm/java-17"))
        .isInstanceOf(UnsupportedJavaException.class)
        .hasMessageStartingWith(
            "the embedded Fabrik server needs Java 25 or newer, but this JVM is Java 17"
                + " (/usr/lib/jvm/java-17).")
        .hasMessageContaining("bin/fabrik server")
        .hasMessageContaining("surefire's <jvm>");
    EmbeddedFabrik.requireJava(25, "/jdk-25");
    EmbeddedFabrik.requireJava(26, "/jdk-26");
  }

  @Test
  void optionsRefuseWhatCannotWork(@TempDir Path dir) {
    assertThatThrownBy(() -> new EmbeddedOptions(EmbeddedOptions.Storage.SQLITE, null, 0, 0, null))
        .hasMessageContaining("SQLite storage needs a data folder");
    assertThatThrownBy(() -> new EmbeddedOptions(EmbeddedOptions.Storage.MEMORY, dir, 0, 0, null))
        .hasMessageContaining("only used with SQLite");
    assertThatThrownBy(() -> EmbeddedOptions.builder().port(-1).build())
        .hasMessageContaining("port must be 0 (a free port) or 1-65535");
    assertThatThrownBy(() -> EmbeddedOptions.builder().webPort(70_000).build())
        .hasMessageContaining("webPort must be 0 (a free port), -1 (off) or 1-65535");
    assertThat(EmbeddedOptions.builder().password("").build().password()).isNull();
    assertThat(Files.isDirectory(dir)).isTrue();
  }
}
