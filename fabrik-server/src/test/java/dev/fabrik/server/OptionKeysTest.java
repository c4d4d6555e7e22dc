package dev.fabrik.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.OptionKeys.Key;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link OptionKeys}: one pass finds exactly the quoted option names a payload's bytes hold. */
class OptionKeysTest {

  private static Set<Key> found(String text) {
    OptionKeys keys = OptionKeys.of(text.getBytes(StandardCharsets.UTF_8));
    Set<Key> found = EnumSet.noneOf(Key.class);
    for (Key k : Key.values()) {
      if (keys.has(k)) {
        found.add(k);
      }
    }
    assertThat(keys.none()).isEqualTo(found.isEmpty());
    return found;
  }

  /** What a search per key finds: the quoted name anywhere in the text. */
  private static Set<Key> searched(String text) {
    Set<Key> found = EnumSet.noneOf(Key.class);
    for (Key k : Key.values()) {
      if (text.contains("\"" + name(k) + "\"")) {
        found.add(k);
      }
    }
    return found;
  }

  private static String name(Key k) {
    return switch (k) {
      case BID -> "bid";
      case CALLBACK_BID -> "_bid";
      case AFTER -> "after";
      case TRACK -> "track";
      case EXPIRES_AT -> "expires_at";
      case UNIQUE_FOR -> "unique_for";
      case RESERVE_FOR -> "reserve_for";
    };
  }

  @Test
  void aPlainJobHoldsNone() {
    assertThat(found("{\"jid\":\"a\",\"jobtype\":\"T\",\"queue\":\"default\",\"args\":[1]}"))
        .isEmpty();
    assertThat(found("")).isEmpty();
    assertThat(found("\"")).isEmpty();
  }

  @Test
  void findsEveryOptionOfOneJob() {
    String job =
        "{\"jid\":\"a\",\"custom\":{\"bid\":\"b-1\",\"_bid\":\"b-0\",\"after\":[\"x\"],"
            + "\"track\":1,\"expires_at\":\"2026-12-05T18:00:00Z\",\"unique_for\":60},\"reserve_for\":600}";
    assertThat(found(job)).containsExactlyInAnyOrder(Key.values());
  }

  @Test
  void namesThatOnlyLookAlikeAreMisses() {
    assertThat(found("{\"custom\":{\"expires_in\":60,\"expires_a\":1,\"bids\":2,\"tracked\":1}}"))
        .isEmpty();
    assertThat(found("{\"custom\":{\"xbid\":1,\"unique_fo\":1,\"_cb\":\"complete\"}}")).isEmpty();
    assertThat(found("\"expires_at")).isEmpty(); // cut off before its closing quote
    assertThat(found("{\"uunique_for\":1,\"unique_foor\":2}")).isEmpty();
  }

  @Test
  void adjacentKeysShareAQuoteAsASearchWould() {
    assertThat(found("\"bid\"_bid\"")).containsExactlyInAnyOrder(Key.BID, Key.CALLBACK_BID);
    assertThat(found("\"track\"after\"")).containsExactlyInAnyOrder(Key.TRACK, Key.AFTER);
  }

  @Test
  void aNameInsideAStringOrANestedObjectIsAHarmlessHit() {
    // Inside another custom object or an argument: found, the hook decodes and finds nothing.
    assertThat(found("{\"args\":[{\"expires_at\":1}],\"custom\":{\"x\":{\"track\":1}}}"))
        .containsExactlyInAnyOrder(Key.EXPIRES_AT, Key.TRACK);
    // After an escaped quote in a string value, as the bytes read.
    assertThat(found("{\"args\":[\"say \\\"after\\\" twice\",\"a\\\"bid\"]}"))
        .containsExactly(Key.BID);
    // Escaped quotes around the name: no quoted name in the bytes.
    assertThat(found("{\"args\":[\"\\\"expires_at\\\"\"]}")).isEmpty();
  }

  @Test
  void nonAsciiAndMalformedBytesAreReadAsBytes() {
    assertThat(found("{\"a\":\"\u00e9\u00e9\u4e2d\",\"unique_for\":2}"))
        .containsExactly(Key.UNIQUE_FOR);
    byte[] broken = {'"', (byte) 0xff, '"', 't', 'r', 'a', 'c', 'k', '"', (byte) 0xc3};
    assertThat(OptionKeys.of(broken).has(Key.TRACK)).isTrue();
    assertThat(found("{{{\"bid\":")).containsExactly(Key.BID);
  }

  @Test
  void agreesWithASearchPerKeyOnRandomText() {
    long seed = 20261206L;
    Random random = new Random(seed);
    String[] pieces = {
      "\"",
      "\\\"",
      "bid",
      "_bid",
      "after",
      "track",
      "expires_at",
      "unique_for",
      "reserve_for",
      "_",
      "b",
      "x",
      "{",
      ":",
      ",",
      "\u00e9",
      "\"bid\"",
      "\"track\"",
      "id",
      "_fo",
      "r"
    };
    for (int round = 0; round < 30_000; round++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(16); n > 0; n--) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = b.toString();
      assertThat(found(text)).as("seed %d, text %s", seed, text).isEqualTo(searched(text));
    }
  }
}
