package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What TransactionalEnqueue sends over JDBC, against a recording fake connection (no database): the
 * statement text, the job's JSON as PUSH would carry it, and how the reply becomes jids. The SQL
 * functions themselves are tested against PostgreSQL in fabrik-server (PgPushFunctionTest).
 */
class TransactionalEnqueueTest {

  /** Statements prepared, parameters bound, calls made on the fakes, in order. */
  private final List<String> calls = new ArrayList<>();

  @Test
  void pushSendsTheJobsWireJsonToTheSchemasFunctionAndReturnsTheJid() throws SQLException {
    Job job = Jobs.builder("SendReceipt").jid("jid-000001").args(42, "x").queue("mail").build();

    String jid = TransactionalEnqueue.push(connection("returned-jid"), job);

    assertThat(jid).isEqualTo("returned-jid");
    assertThat(calls)
        .containsExactly(
            "prepare SELECT fabrik.push(?::jsonb)",
            "setString 1 " + JobCodec.encodeToString(job),
            "executeQuery",
            "resultSet.close",
            "statement.close");
  }

  @Test
  void pushUsesTheSchemaItIsGiven() throws SQLException {
    TransactionalEnqueue.push(connection("j"), "billing_jobs", Jobs.of("A"));

    assertThat(calls.get(0)).isEqualTo("prepare SELECT billing_jobs.push(?::jsonb)");
  }

  @Test
  void aSchemaThatWouldNeedQuotingNeverReachesTheSql() {
    for (String bad : List.of("Fabrik", "fab-rik", "x; DROP TABLE t", "1abc", "", "a".repeat(41))) {
      assertThatThrownBy(() -> TransactionalEnqueue.push(connection("j"), bad, Jobs.of("A")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("schema name");
    }
    assertThat(calls).isEmpty();
  }

  @Test
  void pushBulkSendsOneJsonArrayAndReturnsTheJidsInOrder() throws SQLException {
    Job a = Jobs.builder("A").jid("jid-aaaaaa").build();
    Job b = Jobs.builder("B").jid("jid-bbbbbb").args(1).build();

    List<String> jids =
        TransactionalEnqueue.pushBulk(
            connection(new String[] {"jid-aaaaaa", "jid-bbbbbb"}), List.of(a, b));

    assertThat(jids).containsExactly("jid-aaaaaa", "jid-bbbbbb");
    assertThat(calls)
        .containsExactly(
            "prepare SELECT fabrik.push_bulk(?::jsonb)",
            "setString 1 " + JobCodec.encodeArray(List.of(a, b)),
            "executeQuery",
            "array.free",
            "resultSet.close",
            "statement.close");
  }

  @Test
  void anEmptyBulkMakesNoRoundTripButStillChecksTheSchema() throws SQLException {
    assertThat(TransactionalEnqueue.pushBulk(connection(new String[0]), List.of())).isEmpty();
    assertThat(calls).isEmpty();
    assertThatThrownBy(() -> TransactionalEnqueue.pushBulk(connection("j"), "Bad", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDatabasesRefusalReachesTheCallerAsItsSqlException() {
    SQLException refused = new SQLException("jobs must have a jobtype parameter", "22023");
    Connection c = connection(refused);

    assertThatThrownBy(() -> TransactionalEnqueue.push(c, Jobs.of("A"))).isSameAs(refused);
    assertThat(calls).contains("statement.close");
  }

  // ---------------------------------------------------------------- fakes

  /**
   * A connection whose one statement answers a single row holding {@code result} (a String, a
   * String[] for an array column, or an SQLException to throw from executeQuery).
   */
  private Connection connection(Object result) {
    return fake(
        Connection.class,
        (method, args) -> {
          if (method.equals("prepareStatement")) {
            calls.add("prepare " + args[0]);
            return statement(result);
          }
          throw new UnsupportedOperationException("Connection." + method);
        });
  }

  private PreparedStatement statement(Object result) {
    return fake(
        PreparedStatement.class,
        (method, args) -> {
          switch (method) {
            case "setString" -> {
              calls.add("setString " + args[0] + " " + args[1]);
              return null;
            }
            case "executeQuery" -> {
              calls.add("executeQuery");
              if (result instanceof SQLException e) {
                throw e;
              }
              return resultSet(result);
            }
            case "close" -> {
              calls.add("statement.close");
              return null;
            }
            default -> throw new UnsupportedOperationException("PreparedStatement." + method);
          }
        });
  }

  private ResultSet resultSet(Object value) {
    boolean[] read = {false};
    return fake(
        ResultSet.class,
        (method, args) -> {
          switch (method) {
            case "next" -> {
              boolean first = !read[0];
              read[0] = true;
              return first;
            }
            case "getString" -> {
              return (String) value;
            }
            case "getArray" -> {
              return array((String[]) value);
            }
            case "close" -> {
              calls.add("resultSet.close");
              return null;
            }
            default -> throw new UnsupportedOperationException("ResultSet." + method);
          }
        });
  }

  private Array array(String[] values) {
    return fake(
        Array.class,
        (method, args) -> {
          switch (method) {
            case "getArray" -> {
              return values;
            }
            case "free" -> {
              calls.add("array.free");
              return null;
            }
            default -> throw new UnsupportedOperationException("Array." + method);
          }
        });
  }

  private interface Handler {
    Object call(String method, Object[] args) throws Exception;
  }

  private static <T> T fake(Class<T> type, Handler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> handler.call(method.getName(), args)));
  }
}
