package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The set table's job type column, its migration, and the ids the store hands out. */
class SqliteSetSchemaTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void aDatabaseFromBeforeTheJobtypeColumnIsMigratedOnOpen() throws Exception {
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fabrik.db"));
        Statement s = c.createStatement()) {
      // the schema as the first release created it
      s.execute(
          "CREATE TABLE set_entries(id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL,"
              + " score INTEGER NOT NULL, jid TEXT NOT NULL, queue TEXT NOT NULL,"
              + " payload BLOB NOT NULL)");
      s.execute("CREATE INDEX set_entries_order ON set_entries(set_id, score, jid)");
      s.execute(
          "INSERT INTO set_entries(set_id, score, jid, queue, payload) VALUES"
              + " (2, 1, 'a', 'q', CAST('{\"jid\":\"a\",\"jobtype\":\"Mailer\"}' AS BLOB)),"
              + " (2, 2, 'b', 'q', CAST('{\"jid\":\"b\",\"jobtype\":\"Billing\"}' AS BLOB)),"
              + " (2, 3, 'c', 'q', CAST('garbage' AS BLOB))");
    }
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      assertThat(store.scan(SetName.DEAD, new SetQuery("Billing", null, false), null, 10).entries())
          .extracting(SetEntry::jid)
          .containsExactly("b");
      store.addToSet(SetName.DEAD, T0, job("d", "Billing"));
      assertThat(store.scan(SetName.DEAD, new SetQuery("Billing", null, true), null, 10).entries())
          .extracting(SetEntry::jid)
          .containsExactly("d", "b");
    }
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) { // idempotent
      assertThat(store.setSize(SetName.DEAD)).isEqualTo(4);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fabrik.db"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "EXPLAIN QUERY PLAN SELECT id FROM set_entries WHERE set_id = 2"
                    + " AND jobtype = 'x' ORDER BY score DESC, jid DESC, id DESC LIMIT 5")) {
      StringBuilder plan = new StringBuilder();
      while (rs.next()) {
        plan.append(rs.getString(4)).append('\n');
      }
      assertThat(plan.toString()).contains("set_entries_by_jobtype").doesNotContain("TEMP B-TREE");
    }
  }

  @Test
  void entryIdsOnlyGrowSoARemovedKeyNeverNamesANewEntry() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      store.addToSet(SetName.DEAD, T0, job("a", "T"));
      SetEntry a = store.scan(SetName.DEAD, null, 1).getFirst();
      // killing within dead re-adds the entry; SQLite alone would reuse the freed last row id
      store.mutate(SetName.DEAD, List.of(a.key()), new Mutation.Kill(T0));
      SetEntry again = store.scan(SetName.DEAD, null, 1).getFirst();
      assertThat(again.seq()).isGreaterThan(a.seq());
      assertThat(store.find(SetName.DEAD, a.key())).isEmpty();
      List<SetEntry> more = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        more.add(new SetEntry(SetName.RETRIES, T0, "r" + i, "q", payload("r" + i, "T")));
      }
      store.addAllToSet(more);
    }
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      store.addToSet(SetName.SCHEDULED, T0, job("s", "T"));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fabrik.db"));
          PreparedStatement ps = c.prepareStatement("SELECT id FROM set_entries ORDER BY id");
          ResultSet rs = ps.executeQuery()) {
        List<Long> ids = new ArrayList<>();
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
        assertThat(ids).containsExactly(2L, 3L, 4L, 5L, 6L);
      }
    }
  }

  private static QueuedJob job(String jid, String jobtype) {
    return new QueuedJob(jid, "q", payload(jid, jobtype));
  }

  private static byte[] payload(String jid, String jobtype) {
    return ("{\"jid\":\"" + jid + "\",\"jobtype\":\"" + jobtype + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
