package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass PUSHB decoder against the tree decoder: every body either decodes to jobs whose
 * stored bytes are the tree decoder's byte for byte, or is left to the tree decoder.
 */
class BulkJobDecoderTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "[{\"jid\":\"jid-00001\",\"jobtype\":\"A\",\"args\":[]}]",
        // unicode, escapes, control characters, surrogate pairs, a slash
        "[{\"jid\":\"jid-\\u00fc0001\",\"jobtype\":\"\\u0041\\\\\\\"\",\"args\":[\"ü€𝄞\",\"\\ud834\\udd1e\","
            + "\"\\n\\t\\u0001\\/\",\"\\u2028\"]}]",
        // numbers: big integers, decimals keep their digits, exponents, negative zero
        "[{\"jid\":\"jid-00002\",\"jobtype\":\"A\",\"args\":[1.10,1e3,-0,-0.0,0.0,1E-7,2.5e+10,"
            + "123456789012345678901234567890,-9223372036854775809,9223372036854775807,2147483648,"
            + "-2147483648,1.000000000000000000000001,100e-2]}]",
        // nested custom, unknown fields of every type, whitespace everywhere
        " [ { \"x\" : [ 1 , { \"a\" : [ ] , \"b\" : { } } ] , \"jid\" : \"jid-00003\" , \"args\" :"
            + " [ [ [ ] ] , { \"k\" : null , \"t\" : true , \"f\" : false } ] , \"jobtype\" : \"B\","
            + " \"custom\" : { \"deep\" : { \"n\" : [ 1.50 , \"s\" ] } , \"unique_for\" : 60 } ,"
            + " \"priority\" : 7 , \"y\" : { \"z\" : 1e2 } , \"s\" : \"str\" , \"n\" : null } ]",
        // missing fields, nulls, empty strings: validation's business, not the decoder's
        "[{\"jobtype\":\"A\",\"args\":[1]},{\"jid\":\"jid-00004\",\"args\":null},{},"
            + "{\"jid\":\"\",\"jobtype\":\"\",\"queue\":\"\",\"at\":\"\",\"created_at\":\"\"},"
            + "{\"jid\":null,\"jobtype\":null,\"queue\":null,\"retry\":null,\"custom\":null}]",
        // every known field, failure included
        "[{\"jid\":\"jid-00005\",\"jobtype\":\"A\",\"args\":[1],\"queue\":\"q\",\"retry\":-1,"
            + "\"reserve_for\":600,\"at\":\"2030-01-01T00:00:00Z\",\"created_at\":\"c\","
            + "\"enqueued_at\":\"e\",\"backtrace\":3,\"failure\":{\"retry_count\":1,\"message\":\"m\","
            + "\"backtrace\":[\"a\",2]},\"priority\":\"high\"}]",
        // duplicate known and unknown keys at the job's level: the last value wins in both
        "[{\"jid\":\"jid-00006\",\"jid\":\"jid-00007\",\"jobtype\":\"A\",\"args\":[1],\"args\":[2],"
            + "\"x\":[1],\"y\":2,\"x\":{\"b\":2}}]",
        // a decimal priority, a huge one: PriorityField's business
        "[{\"jid\":\"jid-00008\",\"jobtype\":\"A\",\"args\":[],\"priority\":7.0},"
            + "{\"jid\":\"jid-00009\",\"jobtype\":\"A\",\"args\":[],\"priority\":99999999999999999999}]",
      })
  void storedBytesAreTheTreeDecodersByteForByte(String body) {
    assertSameStoredBytes(body, true);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{}",
        "[1]",
        "[{\"jid\":12}]",
        "[{\"jid\":\"jid-00001\",\"args\":{}}]",
        "[{\"jid\":\"jid-00001\",\"args\":\"x\"}]",
        "[{\"retry\":1.5}]",
        "[{\"retry\":99999999999}]",
        "[{\"custom\":[]}]",
        "[{\"failure\":1}]",
        "[{\"args\":[1,]}]",
        "[{\"args\":[1]]",
        "[{\"args\":[1]}] x",
        "[{\"args\":[NaN]}]",
        "[{\"args\":[\"\\x\"]}]",
        "[{\"args\":[tru]}]",
        "[{\"jid\":\"jid-00001\",\"args\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22"
            + ",23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51"
            + ",52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70 oops]}]",
      })
  void refusedBodiesAreLeftToTheTreeDecoder(String body) {
    assertThatThrownBy(() -> JobCodec.decodeArray(body)).isInstanceOf(JobFormatException.class);
    assertThat(BulkJobDecoder.decode(body)).isEmpty();
  }

  /** A tree keeps the last of duplicate keys inside a value; the copy hands such bodies over. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "[{\"jid\":\"jid-00001\",\"jobtype\":\"A\",\"args\":[{\"a\":1,\"b\":2,\"a\":3}]}]",
        "[{\"jid\":\"jid-00001\",\"jobtype\":\"A\",\"args\":[],\"x\":{\"o\":{\"k\":1,\"k\":1}}}]",
      })
  void duplicateKeysInsideAValueAreLeftToTheTreeDecoder(String body) {
    assertThat(JobCodec.decodeArray(body)).hasSize(1);
    assertThat(BulkJobDecoder.decode(body)).isEmpty();
  }

  @Test
  void theSameKeyInSiblingObjectsIsNoDuplicate() {
    assertSameStoredBytes(
        "[{\"jid\":\"jid-00001\",\"jobtype\":\"A\",\"args\":[{\"a\":1},{\"a\":{\"a\":2}}]}]", true);
  }

  /**
   * Random bodies, one per fixed seed (printed on failure): the same stored bytes or a hand-over.
   */
  @Test
  void randomBodiesGiveTheSameStoredBytes() {
    for (long seed = 0; seed < Long.getLong("bulk.bodies", 2000); seed++) {
      String body = RandomJson.body(new Random(seed));
      try {
        assertSameStoredBytes(body, false);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ", body " + body, e);
      }
    }
  }

  private static void assertSameStoredBytes(String body, boolean mustStream) {
    List<Job> tree;
    try {
      tree = JobCodec.decodeArray(body);
    } catch (JobFormatException e) {
      assertThat(BulkJobDecoder.decode(body)).isEmpty();
      return;
    }
    Optional<List<Job>> streamed = BulkJobDecoder.decode(body);
    if (!mustStream && streamed.isEmpty()) {
      return; // duplicate keys inside a value: the tree decoder's jobs are stored
    }
    assertThat(streamed).isPresent();
    assertThat(encoded(streamed.get())).containsExactlyElementsOf(encoded(tree));
    for (int i = 0; i < tree.size(); i++) {
      Job t = tree.get(i);
      Job s = streamed.get().get(i);
      assertThat(s.custom()).isEqualTo(t.custom());
      assertThat(s.failure()).isEqualTo(t.failure());
      assertThat(s.extra().keySet()).containsExactlyElementsOf(t.extra().keySet());
      assertThat(s.args() == null).isEqualTo(t.args() == null);
    }
  }

  /** Each job alone and through one encoder for the batch, as the server stores them. */
  private static List<String> encoded(List<Job> jobs) {
    List<String> out = new ArrayList<>();
    try (JobEncoder encoder = new JobEncoder()) {
      for (Job job : jobs) {
        String alone = JobCodec.encodeToString(job);
        assertThat(new String(encoder.encode(job), StandardCharsets.UTF_8)).isEqualTo(alone);
        out.add(alone);
      }
    }
    return out;
  }
}
