package dev.fabrik.server.web.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SetConsoleTest {
  private final ConsoleFixture f = new ConsoleFixture();
  private final SetConsole sets = f.console.sets();
  private final Instant t0 = Instant.parse("2026-07-01T00:00:00Z");

  @BeforeEach
  void fiveRetries() {
    f.addFailed(SetName.RETRIES, t0.plusSeconds(1), "r1", "Mail", "SMTP timeout");
    f.addFailed(SetName.RETRIES, t0.plusSeconds(2), "r2", "Bill", "card declined");
    f.addFailed(SetName.RETRIES, t0.plusSeconds(3), "r3", "Mail", "bounce");
    f.addFailed(SetName.RETRIES, t0.plusSeconds(4), "r4", "Mail", "smtp TIMEOUT again");
    f.addFailed(SetName.RETRIES, t0.plusSeconds(5), "r5", "Bill", "ok");
  }

  private static List<String> jids(SetListing l) {
    return l.rows().stream().map(r -> r.job().jid()).toList();
  }

  private static void assertKind(Runnable r, ConsoleException.Kind kind) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(ConsoleException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  @Test
  void pagesWithAnOpaqueCursorUntilNextIsNull() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      SetListing page = sets.page(SetName.RETRIES, SetFilter.ALL, cursor, 2);
      assertThat(page.size()).isEqualTo(5);
      assertThat(page.cursor()).isEqualTo(cursor);
      seen.addAll(jids(page));
      cursor = page.next();
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).containsExactly("r1", "r2", "r3", "r4", "r5");
    SetRow first = sets.page(SetName.RETRIES, SetFilter.ALL, null, 1).rows().getFirst();
    assertThat(first.score()).isEqualTo(t0.plusSeconds(1));
    assertThat(first.job().errorMessage()).isEqualTo("SMTP timeout");
    assertThat(first.job().retryCount()).isEqualTo(2);
  }

  @Test
  void filtersByTypeAndTextAndOrdersNewestFirst() {
    assertThat(jids(sets.page(SetName.RETRIES, new SetFilter("Mail", null, false), null, 10)))
        .containsExactly("r1", "r3", "r4");
    assertThat(jids(sets.page(SetName.RETRIES, new SetFilter(null, "timeout", false), null, 10)))
        .containsExactly("r1", "r4");
    assertThat(jids(sets.page(SetName.RETRIES, new SetFilter("Bill", null, true), null, 10)))
        .containsExactly("r5", "r2");
    assertThat(jids(sets.page(SetName.RETRIES, new SetFilter(" ", "", false), null, 10)))
        .hasSize(5);
  }

  @Test
  void badCursorsAndKeysAreBadRequests() {
    assertKind(
        () -> sets.page(SetName.RETRIES, SetFilter.ALL, "not-a-cursor", 10),
        ConsoleException.Kind.BAD_REQUEST);
    assertKind(() -> sets.entry(SetName.RETRIES, "garbage"), ConsoleException.Kind.BAD_REQUEST);
    assertKind(
        () -> sets.act(SetName.RETRIES, SetAction.DELETE, List.of("garbage")),
        ConsoleException.Kind.BAD_REQUEST);
    assertThat(f.store.setSize(SetName.RETRIES)).isEqualTo(5);
    assertKind(
        () -> sets.act(SetName.RETRIES, SetAction.DELETE, Collections.nCopies(10_001, "x")),
        ConsoleException.Kind.BAD_REQUEST);
  }

  @Test
  void entryDetailByKeyAndUnknownKeysAreNotFound() {
    String key = sets.page(SetName.RETRIES, SetFilter.ALL, null, 1).rows().getFirst().key();
    SetEntryDetail d = sets.entry(SetName.RETRIES, key);
    assertThat(d.key()).isEqualTo(key);
    assertThat(d.job().jobtype()).isEqualTo("Mail");
    assertThat(d.job().custom()).hasToString("{\"tenant\":7}");
    assertThat(d.job().failure().backtrace()).containsExactly("a.rb:1", "b.rb:2");
    assertThat(d.job().createdAt()).isEqualTo(Instant.parse("2026-06-30T16:00:00Z"));
    assertKind(() -> sets.entry(SetName.DEAD, key), ConsoleException.Kind.NOT_FOUND);
    String gone = new SetEntry.Key(t0, "nobody", 1).asString();
    assertKind(() -> sets.entry(SetName.RETRIES, gone), ConsoleException.Kind.NOT_FOUND);
    assertKind(() -> SetConsole.setNamed("working"), ConsoleException.Kind.NOT_FOUND);
    assertThat(SetConsole.setNamed("Dead")).isEqualTo(SetName.DEAD);
  }

  @Test
  void retryDeleteAndKillSelectedKeys() {
    List<SetRow> rows = sets.page(SetName.RETRIES, SetFilter.ALL, null, 10).rows();
    assertThat(sets.act(SetName.RETRIES, SetAction.RETRY, List.of(rows.get(0).key()))).isEqualTo(1);
    assertThat(f.store.queueSize("default")).isEqualTo(1);
    assertThat(sets.act(SetName.RETRIES, SetAction.DELETE, List.of(rows.get(1).key())))
        .isEqualTo(1);
    assertThat(
            sets.act(
                SetName.RETRIES,
                SetAction.KILL,
                List.of(rows.get(2).key(), rows.get(2).key(), rows.get(0).key())))
        .isEqualTo(1); // duplicates once; the retried one is gone
    SetRow dead = sets.page(SetName.DEAD, SetFilter.ALL, null, 10).rows().getFirst();
    assertThat(dead.job().jid()).isEqualTo("r3");
    // The dead TTL comes from the manager's settings, as MUTATE's kill does.
    assertThat(dead.score()).isEqualTo(f.clock.instant().plus(ConsoleFixture.DEAD_TTL));
    assertThat(f.store.setSize(SetName.RETRIES)).isEqualTo(2);
    assertThat(sets.act(SetName.RETRIES, SetAction.DELETE, List.of())).isZero();
  }

  @Test
  void actOnEverythingMatching() {
    assertThat(
            sets.actOnMatching(
                SetName.RETRIES, SetAction.ENQUEUE, new SetFilter("Mail", "timeout", false)))
        .isEqualTo(2);
    assertThat(f.store.queueSize("default")).isEqualTo(2);
    assertThat(sets.actOnMatching(SetName.RETRIES, SetAction.DELETE, SetFilter.ALL)).isEqualTo(3);
    assertThat(f.store.setSize(SetName.RETRIES)).isZero();
  }

  @Test
  void actionNames() {
    assertThat(SetAction.parse(" Retry ")).isEqualTo(SetAction.RETRY);
    assertThat(SetAction.parse("kill")).isEqualTo(SetAction.KILL);
    assertKind(() -> SetAction.parse("explode"), ConsoleException.Kind.BAD_REQUEST);
    assertKind(() -> SetAction.parse(null), ConsoleException.Kind.BAD_REQUEST);
  }
}
