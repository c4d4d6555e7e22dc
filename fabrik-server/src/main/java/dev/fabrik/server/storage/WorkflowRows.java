package dev.fabrik.server.storage;

import dev.fabrik.server.workflow.WorkflowRow;
import dev.fabrik.server.workflow.WorkflowState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * A {@link WorkflowRow} to and from JDBC, the same for SQLite and PostgreSQL: both keep its columns
 * in this order and its instants as epoch microseconds.
 *
 * <pre>
 * (jid, queue, payload, at, waiting, state, cause, dead_at, until)
 * </pre>
 */
public final class WorkflowRows {
  private WorkflowRows() {}

  /** Sets parameters 1–9 of {@code ps} to the row's columns. */
  public static void bind(PreparedStatement ps, WorkflowRow r) throws SQLException {
    ps.setString(1, r.jid());
    ps.setString(2, r.queue());
    ps.setBytes(3, r.payload());
    setMicros(ps, 4, r.at());
    ps.setInt(5, r.waiting());
    ps.setString(6, r.state().wire());
    ps.setString(7, r.cause());
    setMicros(ps, 8, r.deadAt());
    setMicros(ps, 9, r.until());
  }

  /** The row at the cursor of a query selecting the nine columns in order. */
  public static WorkflowRow row(ResultSet rs) throws SQLException {
    return new WorkflowRow(
        rs.getString(1),
        rs.getString(2),
        rs.getBytes(3),
        instant(rs, 4),
        rs.getInt(5),
        WorkflowState.fromWire(rs.getString(6)),
        rs.getString(7),
        instant(rs, 8),
        instant(rs, 9));
  }

  private static void setMicros(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(
          i,
          Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
    }
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull()
        ? null
        : Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000);
  }
}
