package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job type of an ACKed job: read without a parser from the server's own encoding, and by the
 * parser from anything else, with the same answer either way.
 */
class PayloadJobtypeTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"jid\":\"abcdefgh12\",\"jobtype\":\"SendEmail\",\"args\":[1]}",
        "{\"jid\":\"abcdefgh12\",\"jobtype\":\"\",\"args\":[]}",
        "{\"jid\":\"\",\"jobtype\":\"X\"}",
      })
  void theServersEncodingIsReadWithoutAParser(String payload) {
    byte[] bytes = bytes(payload);
    assertThat(PayloadJobtype.leading(bytes)).isNotNull().isEqualTo(PayloadJobtype.of(bytes));
    assertThat(PayloadJobtype.streamed(bytes)).isEqualTo(PayloadJobtype.of(bytes));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"jobtype\":\"First\",\"jid\":\"abcdefgh12\"}",
        "{ \"jid\":\"abcdefgh12\",\"jobtype\":\"Spaced\"}",
        "{\"jid\":\"abc\\\"defgh\",\"jobtype\":\"EscapedJid\"}",
        "{\"jid\":\"abcdefgh12\",\"jobtype\":\"Esc\\u00e9aped\"}",
        "{\"jid\":\"abcdefgh12\",\"jobtype\":\"Quote\\\"d\"}",
        "{\"jid\":\"abcdefgh12\",\"jobtype\":\"Envoyé\"}",
        "{\"jid\":\"abcdefgh12\",\"jobtype\":12}",
        "{\"jid\":\"abcdefgh12\",\"queue\":\"q\",\"jobtype\":\"Third\"}",
        "{\"jid\":\"abcdefgh12\",\"jobtype\":\"Cut",
        "{\"jid\":\"abcdefgh12\"",
        "[1,2]",
        "",
      })
  void anythingElseIsLeftToTheParser(String payload) {
    byte[] bytes = bytes(payload);
    assertThat(PayloadJobtype.leading(bytes)).isNull();
    assertThat(PayloadJobtype.streamed(bytes)).isEqualTo(PayloadJobtype.of(bytes));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Plain", "Envoyé", "With\"Quote", "Back\\slash", "Tab\there"})
  void aJobTheServerEncodedGivesItsType(String type) {
    byte[] payload =
        JobCodec.encode(
            JobCodec.decode(
                "{\"jid\":\"abcdefgh12\",\"jobtype\":"
                    + JobCodec.MAPPER.writeValueAsString(type)
                    + ",\"args\":[{\"jobtype\":\"inner\"}]}"));
    assertThat(PayloadJobtype.streamed(payload)).isEqualTo(type);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
