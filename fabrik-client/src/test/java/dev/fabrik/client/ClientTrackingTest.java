package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** TRACK SET and TRACK GET as {@link Client} writes and reads them. */
class ClientTrackingTest {

  @Test
  void progressAndExtensionAreTrackSetLines() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.answer("+OK\r\n");
                  s.answer("+OK\r\n");
                  s.answer("+OK\r\n");
                  s.readLine(); // END
                });
        Client client = Client.connect(server.config().build())) {
      server.nextLine(); // HELLO
      client.trackProgress("job-00001", 40, "resizing");
      assertThat(server.nextLine())
          .isEqualTo("TRACK SET {\"jid\":\"job-00001\",\"percent\":40,\"desc\":\"resizing\"}");
      client.trackProgress("job-00001", 50, null);
      assertThat(server.nextLine()).isEqualTo("TRACK SET {\"jid\":\"job-00001\",\"percent\":50}");
      client.extendReservation("job-00001", Instant.parse("2026-06-30T18:00:00Z"));
      assertThat(server.nextLine())
          .isEqualTo(
              "TRACK SET {\"jid\":\"job-00001\",\"reserve_until\":\"2026-06-30T18:00:00Z\"}");
      assertThatThrownBy(() -> client.trackProgress("job-00001", 101, null))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void trackStatusReadsEveryFieldAndUnknown() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.readLine();
                  s.bulk(
                      "{\"jid\":\"job-00001\",\"percent\":40,\"desc\":\"resizing\","
                          + "\"state\":\"working\",\"updated_at\":\"2026-06-30T17:00:01.5Z\"}");
                  s.readLine();
                  s.bulk("{\"jid\":\"job-00002\",\"state\":\"unknown\"}");
                  s.answer("-ERR TRACK GET needs one jid\r\n");
                  s.readLine(); // END
                });
        Client client = Client.connect(server.config().build())) {
      assertThat(client.trackStatus("job-00001"))
          .isEqualTo(
              new TrackStatus(
                  "job-00001",
                  TrackStatus.State.WORKING,
                  40,
                  "resizing",
                  Instant.parse("2026-06-30T17:00:01.5Z")));
      assertThat(client.trackStatus("job-00002"))
          .isEqualTo(new TrackStatus("job-00002", TrackStatus.State.UNKNOWN, null, null, null));
      assertThatThrownBy(() -> client.trackStatus("job-00003"))
          .isInstanceOf(ServerErrorException.class);
      assertThatThrownBy(() -> client.trackStatus("two words"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
