package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class JobCodecTest {

  @Test
  void roundTripKeepsUnknownKeysBigIntegersAndDecimalsExactly() {
    String in =
        "{\"jid\":\"abcdefgh12\",\"jobtype\":\"SendEmail\","
            + "\"args\":[18446744073709551617,1.10,-0.0005,\"x\",null,{\"k\":[true]}],"
            + "\"queue\":\"critical\",\"retry\":3,\"reserve_for\":600,\"at\":\"2026-06-30T17:00:00Z\","
            + "\"created_at\":\"2026-06-30T16:00:00.5Z\",\"enqueued_at\":\"2026-06-30T16:00:01Z\","
            + "\"backtrace\":10,\"custom\":{\"track\":1,\"big\":123456789012345678901234567890},"
            + "\"priority\":5}";
    Job job = JobCodec.decode(in);
    assertThat(job.jid()).isEqualTo("abcdefgh12");
    assertThat(job.retry()).isEqualTo(3);
    assertThat(job.reserveFor()).isEqualTo(600);
    assertThat(job.backtrace()).isEqualTo(10);
    assertThat(job.extra()).containsOnlyKeys("priority");
    assertThat(job.args().get(0).toString()).isEqualTo("18446744073709551617");
    assertThat(job.args().get(1).toString()).isEqualTo("1.10");
    assertThat(JobCodec.encodeToString(job)).isEqualTo(in);
  }

  @Test
  void unknownKeysKeepTheirOrder() {
    String in = "{\"jid\":\"abcdefgh\",\"z\":1,\"a\":2,\"m\":3,\"b\":4,\"y\":5,\"c\":6}";
    Job job = JobCodec.decode(in);
    assertThat(job.extra().keySet()).containsExactly("z", "a", "m", "b", "y", "c");
    assertThat(JobCodec.encodeToString(job.withQueue(null))).isEqualTo(in);
  }

  @Test
  void exponentNotationKeepsTheExactValue() {
    Job job = JobCodec.decode("{\"args\":[-0.5e-3,1E+400]}");
    assertThat(JobCodec.encodeToString(job)).isEqualTo("{\"args\":[-0.0005,1E+400]}");
  }

  @Test
  void wrongTypesOfKnownFieldsAreErrors() {
    String[] bad = {
      "{\"jid\":12}",
      "{\"jobtype\":[]}",
      "{\"args\":{\"a\":1}}",
      "{\"args\":\"x\"}",
      "{\"retry\":\"3\"}",
      "{\"retry\":2.5}",
      "{\"retry\":1.0}",
      "{\"retry\":99999999999}",
      "{\"reserve_for\":true}",
      "{\"custom\":[1]}",
      "{\"failure\":\"boom\"}",
      "{\"failure\":{\"retry_count\":\"1\"}}",
      "{\"failure\":{\"message\":5}}",
    };
    for (String json : bad) {
      assertThatThrownBy(() -> JobCodec.decode(json))
          .as(json)
          .isInstanceOf(JobFormatException.class);
    }
  }

  @Test
  void errorMessagesNameTheField() {
    assertThatThrownBy(() -> JobCodec.decode("{\"jid\":12}")).hasMessage("jid must be a string");
    assertThatThrownBy(() -> JobCodec.decode("{\"args\":{}}")).hasMessage("args must be an array");
    assertThatThrownBy(() -> JobCodec.decode("{\"retry\":\"x\"}"))
        .hasMessage("retry must be an integer");
  }

  @Test
  void nullArgsAndNullFieldsAreAbsent() {
    Job job =
        JobCodec.decode("{\"jid\":\"abcdefgh\",\"args\":null,\"custom\":null,\"retry\":null}");
    assertThat(job.args()).isNull();
    assertThat(job.custom()).isNull();
    assertThat(job.retry()).isNull();
    assertThat(JobCodec.encodeToString(job)).isEqualTo("{\"jid\":\"abcdefgh\"}");
  }

  @Test
  void failureRoundTrip() {
    String in =
        "{\"jid\":\"abcdefgh\",\"failure\":{\"retry_count\":2,\"remaining\":23,"
            + "\"failed_at\":\"2026-06-30T17:00:00Z\",\"next_at\":\"2026-06-30T17:01:00Z\","
            + "\"message\":\"boom\",\"errtype\":\"RuntimeError\",\"backtrace\":[\"a.rb:1\",\"b.rb:2\"]}}";
    Job job = JobCodec.decode(in);
    assertThat(job.failure())
        .isEqualTo(
            new Failure(
                2,
                23,
                "2026-06-30T17:00:00Z",
                "2026-06-30T17:01:00Z",
                "boom",
                "RuntimeError",
                List.of("a.rb:1", "b.rb:2")));
    assertThat(JobCodec.encodeToString(job)).isEqualTo(in);
  }

  @Test
  void failureFingerprintRoundTripsAndAForeignValueIsIgnored() {
    String in =
        "{\"jid\":\"abcdefgh\",\"failure\":{\"retry_count\":0,\"remaining\":25,"
            + "\"message\":\"m\",\"errtype\":\"E\",\"fingerprint\":\"k3v9q2m7x1c4\"}}";
    Job job = JobCodec.decode(in);
    assertThat(job.failure().fingerprint()).isEqualTo("k3v9q2m7x1c4");
    assertThat(JobCodec.encodeToString(job)).isEqualTo(in);

    Job foreign =
        JobCodec.decode("{\"jid\":\"abcdefgh\",\"failure\":{\"retry_count\":0,\"fingerprint\":7}}");
    assertThat(foreign.failure().fingerprint()).isNull();
  }

  @Test
  void failureWithoutOptionalPartsOmitsThem() {
    Job job =
        new Job(
            "abcdefgh",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new Failure(0, 25, "2026-06-30T17:00:00Z", null, "m", "E", null),
            null);
    assertThat(JobCodec.encodeToString(job))
        .isEqualTo(
            "{\"jid\":\"abcdefgh\",\"failure\":{\"retry_count\":0,\"remaining\":25,"
                + "\"failed_at\":\"2026-06-30T17:00:00Z\",\"message\":\"m\",\"errtype\":\"E\"}}");
  }

  @Test
  void customObjectKept() {
    Job job =
        JobCodec.decode("{\"jid\":\"abcdefgh\",\"custom\":{\"unique_for\":60,\"n\":{\"x\":1.50}}}");
    ObjectNode custom = job.custom();
    assertThat(custom.get("unique_for").asInt()).isEqualTo(60);
    assertThat(JobCodec.encodeToString(job))
        .isEqualTo("{\"jid\":\"abcdefgh\",\"custom\":{\"unique_for\":60,\"n\":{\"x\":1.50}}}");
  }

  @Test
  void encodeOmitsAbsentFieldsAndIsCompact() {
    Job job =
        new Job(
            "abcdefgh",
            "T",
            JobCodec.MAPPER.createArrayNode().add(1).add("a b"),
            "default",
            25,
            0,
            null,
            "",
            null,
            0,
            null,
            null,
            Map.of());
    assertThat(JobCodec.encodeToString(job))
        .isEqualTo(
            "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[1,\"a b\"],\"queue\":\"default\","
                + "\"retry\":25}");
  }

  @Test
  void acceptsPythonStyleSpacedJson() {
    Job job = JobCodec.decode("{\"jid\": \"abcdefgh\", \"args\": [1, 2], \"priority\": 5}");
    assertThat(JobCodec.encodeToString(job))
        .isEqualTo("{\"jid\":\"abcdefgh\",\"args\":[1,2],\"priority\":5}");
  }

  @Test
  void decodeArray() {
    List<Job> jobs = JobCodec.decodeArray("[{\"jid\":\"aaaaaaaa\"},{\"jid\":\"bbbbbbbb\"}]");
    assertThat(jobs).extracting(Job::jid).containsExactly("aaaaaaaa", "bbbbbbbb");
    assertThat(JobCodec.decodeArray("[]")).isEmpty();
    assertThatThrownBy(() -> JobCodec.decodeArray("{\"jid\":\"aaaaaaaa\"}"))
        .isInstanceOf(JobFormatException.class)
        .hasMessageContaining("array");
    assertThatThrownBy(() -> JobCodec.decodeArray("[1]")).isInstanceOf(JobFormatException.class);
  }

  @Test
  void nonObjectsAndInvalidJsonAreErrors() {
    for (String bad : new String[] {"[]", "null", "1", "\"x\""}) {
      assertThatThrownBy(() -> JobCodec.decode(bad)).as(bad).isInstanceOf(JobFormatException.class);
    }
    assertThatThrownBy(() -> JobCodec.decode(""))
        .isInstanceOf(JobFormatException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> JobCodec.decode("{\"jid\":"))
        .isInstanceOf(JobFormatException.class)
        .hasMessageContaining("end-of-input");
    assertThatThrownBy(() -> JobCodec.decode("{jid:1}"))
        .isInstanceOf(JobFormatException.class)
        .hasMessageContaining("Unexpected character");
  }

  @Test
  void trailingGarbageIsAnError() {
    assertThatThrownBy(() -> JobCodec.decode("{\"jid\":\"abcdefgh\"} x"))
        .isInstanceOf(JobFormatException.class);
    assertThatThrownBy(() -> JobCodec.decode("{}{}")).isInstanceOf(JobFormatException.class);
  }

  @Test
  void encodeArrayIsWhatDecodeArrayReads() {
    List<Job> jobs =
        JobCodec.decodeArray(
            "[{\"jid\":\"aaaaaaaa\",\"args\":[1.10],\"x\":{\"y\":null}},{\"jid\":\"bbbbbbbb\"}]");
    assertThat(JobCodec.encodeArray(jobs))
        .isEqualTo(
            "[{\"jid\":\"aaaaaaaa\",\"args\":[1.10],\"x\":{\"y\":null}},{\"jid\":\"bbbbbbbb\"}]");
    assertThat(JobCodec.encodeArray(List.of())).isEqualTo("[]");
  }

  @Test
  void arraysMustHoldOnlyJobsAndNothingAfter() {
    assertThatThrownBy(() -> JobCodec.decodeArray("[{\"jid\":\"aaaaaaaa\"}] []"))
        .isInstanceOf(JobFormatException.class);
    assertThatThrownBy(() -> JobCodec.decodeArray("[{\"jid\":\"aaaaaaaa\"},null]"))
        .isInstanceOf(JobFormatException.class)
        .hasMessage("a job must be a JSON object");
    assertThatThrownBy(() -> JobCodec.decodeArray("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> JobCodec.decodeArray("[{\"jid\":\"aaaaaaaa\"}"))
        .isInstanceOf(JobFormatException.class);
  }

  @Test
  void aRepeatedKeyKeepsItsLastValueAndFirstPlace() {
    Job job =
        JobCodec.decode("{\"a\":1,\"jid\":\"aaaaaaaa\",\"b\":2,\"a\":3,\"jid\":\"bbbbbbbb\"}");
    assertThat(job.jid()).isEqualTo("bbbbbbbb");
    assertThat(JobCodec.encodeToString(job)).isEqualTo("{\"jid\":\"bbbbbbbb\",\"a\":3,\"b\":2}");
  }

  @Test
  void nullFailureAndNestedValuesOfUnknownKeys() {
    Job job =
        JobCodec.decode(
            "{\"jid\":\"abcdefgh\",\"failure\":null,\"meta\":{\"l\":[[],{}],\"n\":null},\"t\":true}");
    assertThat(job.failure()).isNull();
    assertThat(JobCodec.encodeToString(job))
        .isEqualTo("{\"jid\":\"abcdefgh\",\"meta\":{\"l\":[[],{}],\"n\":null},\"t\":true}");
  }

  @Test
  void integerFieldsAcceptTheWholeIntRangeOnly() {
    assertThat(JobCodec.decode("{\"retry\":-1}").retry()).isEqualTo(-1);
    assertThat(JobCodec.decode("{\"retry\":2147483647}").retry()).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> JobCodec.decode("{\"retry\":2147483648}"))
        .hasMessage("retry must be an integer");
    assertThatThrownBy(() -> JobCodec.decode("{\"backtrace\":[]}"))
        .hasMessage("backtrace must be an integer");
  }
}
