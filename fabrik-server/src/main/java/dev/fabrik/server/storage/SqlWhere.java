package dev.fabrik.server.storage;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A WHERE clause built up condition by condition with its parameters in order, for the SQL stores'
 * set scans (SQLite and PostgreSQL build the same kind of filtered, cursor-bounded page query):
 *
 * <pre>
 * set_name = ? AND jobtype = ? AND (score_us, jid, seq) &gt; (?, ?, ?)
 * </pre>
 */
public final class SqlWhere {
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  /** ANDs {@code condition}, whose {@code ?} placeholders take {@code values} in order. */
  public SqlWhere and(String condition, Object... values) {
    if (!sql.isEmpty()) {
      sql.append(" AND ");
    }
    sql.append(condition);
    params.addAll(List.of(values));
    return this;
  }

  /** A parameter after the clause's own (e.g. the query's LIMIT). */
  public SqlWhere param(Object value) {
    params.add(value);
    return this;
  }

  /** The conditions, without the WHERE keyword. */
  public String sql() {
    return sql.toString();
  }

  /** Binds every parameter (Integer, Long or String) in order from index 1. */
  public void bind(PreparedStatement ps) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      switch (params.get(i)) {
        case Integer v -> ps.setInt(i + 1, v);
        case Long v -> ps.setLong(i + 1, v);
        case String v -> ps.setString(i + 1, v);
        default -> throw new IllegalStateException("unexpected parameter " + params.get(i));
      }
    }
  }

  /**
   * {@code %text%} for {@code LIKE ? ESCAPE '\'}, with LIKE's wildcards and the escape escaped: the
   * text is matched literally.
   */
  public static String likeAnywhere(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('%');
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '%' || ch == '_' || ch == '\\') {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.append('%').toString();
  }
}
