package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The FETCH claim ({@link PgReservations#reserveBatch}) reuses one generic plan per connection
 * instead of being planned on every call, and the settings it runs with end with its implicit
 * transaction. One pooled connection, so the reservers' session is the one the test looks at.
 */
class PgClaimPlanTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final int CLAIMS = 12;

  private final PgDatabase db = PgTestDatabase.migrated("pgplan", 1);

  @AfterEach
  void drop() {
    PgTestDatabase.drop(db);
    db.close();
  }

  @Test
  void everyClaimReusesTheGenericPlanAndLeavesTheSessionsSettingsAlone() throws SQLException {
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < CLAIMS * 2; i++) {
      jobs.add(new QueuedJob("j" + i, "q", "{}".getBytes(StandardCharsets.UTF_8), 5));
    }
    PgInserts inserts = new PgInserts(db);
    try (Connection c = db.connection()) {
      inserts.jobs(c, jobs);
    }
    PgReservations reservations = new PgReservations(db, inserts);
    List<String> before = settings();

    List<String> got = new ArrayList<>();
    for (int i = 0; i < CLAIMS; i++) {
      // Two requests per claim, so each call binds arrays of two and a LIMIT of 2.
      List<PgFetchRequest> batch = List.of(request("w" + i + "a"), request("w" + i + "b"));
      reservations.reserveBatch(batch);
      for (PgFetchRequest r : batch) {
        Optional<Reservation> taken = r.result().join();
        assertThat(taken).isPresent();
        assertThat(taken.get().wid()).isEqualTo(r.wid());
        got.add(taken.get().jid());
      }
    }
    assertThat(got).hasSize(CLAIMS * 2).doesNotHaveDuplicates();
    PgFetchRequest late = request("late");
    reservations.reserveBatch(List.of(late));
    assertThat(late.result().join()).isEmpty();

    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                  + " WHERE ltrim(statement) LIKE 'WITH claimed AS%'")) {
        assertThat(rs.next()).as("the claim is a prepared statement of this session").isTrue();
        assertThat(rs.getLong(2)).as("custom plans").isZero();
        assertThat(rs.getLong(1)).as("generic plans").isGreaterThanOrEqualTo(CLAIMS);
        assertThat(rs.next()).as("one claim statement").isFalse();
      }
    }
    assertThat(settings()).as("plan_cache_mode, synchronous_commit").isEqualTo(before);
  }

  /** The pooled session's own settings, which a claim must not change for later statements. */
  private List<String> settings() throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('plan_cache_mode'), current_setting('synchronous_commit')")) {
      rs.next();
      return List.of(rs.getString(1), rs.getString(2));
    }
  }

  private static PgFetchRequest request(String wid) {
    return new PgFetchRequest(List.of("q"), wid, T0, payload -> T0.plusSeconds(60));
  }
}
