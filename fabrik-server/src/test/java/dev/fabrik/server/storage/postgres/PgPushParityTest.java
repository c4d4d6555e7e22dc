package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.expiry.ExpiredJobs;
import dev.fabrik.server.expiry.ExpiringJobs;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {s}.push(jsonb)} against the server's own PUSH, job by job: the same job is pushed to a
 * Manager (over a MemoryStore, with the ExpiringJobs hook the server installs) and to the SQL
 * function. Either both refuse it with the same text, or both store it, in the same place (queue or
 * scheduled set), with the same payload once the instants each stamped from its own clock are set
 * aside. The one deliberate difference, a missing jid, is tested in PgPushFunctionTest.
 */
class PgPushParityTest {
  private static PgDatabase db;

  @BeforeAll
  static void open() {
    db = PgTestDatabase.migrated("pgtx_parity", 2);
  }

  @AfterAll
  static void close() {
    PgTestDatabase.drop(db);
    db.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // stored
        "{'jid':'jid-00000001','jobtype':'A','args':[]}",
        "{'jid':'jid-00000001','jobtype':'Ä b','args':[1,'x',null,1.10,{'b':[true],'a':{}}],"
            + "'queue':'mail.v2-x_y','retry':0,'reserve_for':600,'backtrace':5}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'retry':-1,'reserve_for':0,'backtrace':0}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'queue':''}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'created_at':'2020-01-01T00:00:00Z',"
            + "'enqueued_at':'2020-01-01T00:00:01Z'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':''}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':'2001-02-03T04:05:06.7z'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':'2099-02-03t04:05:06-07:00'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':9}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':1}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':0}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':-40}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':12}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':7.0}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':123456789012345678901234}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':null}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'x-extra':{'n':[1,2]},'y':null}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'k':'v','n':1.50,'big':123456789012345678901234567890}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':null}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_in':60}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_in':0.5,"
            + "'expires_at':'2099-01-01T00:00:00Z'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_at':'2099-01-01T00:00:00Z'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'unique_for':null,'track':0}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'failure':{'retry_count':2,'message':'boom',"
            + "'errtype':'E','failed_at':'2020-01-01T00:00:00Z','backtrace':['a',1],'z':1}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'failure':null}",
        // refused
        "{'jid':'short','jobtype':'A','args':[]}",
        "{'jid':'','jobtype':'A','args':[]}",
        "{'jid':12345678,'jobtype':'A','args':[]}",
        "{'jid':'jid-00000001','args':[]}",
        "{'jid':'jid-00000001','jobtype':'','args':[]}",
        "{'jid':'jid-00000001','jobtype':7,'args':[]}",
        "{'jid':'jid-00000001','jobtype':'A'}",
        "{'jid':'jid-00000001','jobtype':'A','args':null}",
        "{'jid':'jid-00000001','jobtype':'A','args':{}}",
        "{'jid':'jid-00000001','jobtype':'A','args':'x'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'retry':'3'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'retry':2.5}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'retry':3000000000}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'reserve_for':86401}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'queue':'c&c'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'queue':'a b'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'queue':7}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':5}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':'tomorrow'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':'2030-01-01 00:00:00Z'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':'2030-01-01T00:00:00'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':'high'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':7.5}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':true}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'priority':[1]}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':[]}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_in':-1}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_in':'soon'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_in':4000000000}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_at':5}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'expires_at':'never'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'failure':'x'}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'failure':{'retry_count':'2'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'failure':{'message':3}}",
      })
  void theSqlFunctionStoresOrRefusesAJobAsPushDoes(String quoted) throws SQLException {
    String json = quoted.replace('\'', '"');
    Outcome server = serverPush(json);
    Outcome sql = sqlPush(json);

    if (server.refusal() != null) {
      // The one text that differs on purpose: PostgreSQL has no parse position to quote.
      String expected = server.refusal().replaceFirst(": cannot parse it at index \\d+$", "");
      assertThat(sql.refusal()).as("refusal").isEqualTo(expected);
      return;
    }
    assertThat(sql.refusal()).as("refusal").isNull();
    assertThat(sql.scheduled()).as("scheduled").isEqualTo(server.scheduled());
    assertThat(withoutStamps(sql.payload())).isEqualTo(withoutStamps(server.payload()));
  }

  /** What one side did with the job: a refusal text, or the payload and where it went. */
  private record Outcome(String refusal, boolean scheduled, byte[] payload) {}

  private static Outcome serverPush(String json) {
    MemoryStore store = new MemoryStore();
    Clock clock = Clock.systemUTC();
    Manager manager =
        new Manager(
            store,
            new WorkerRegistry(clock),
            clock,
            new ManagerSettings(Duration.ofMillis(1), Duration.ofDays(180), 1_000, 8 << 20));
    manager.use(new ExpiringJobs(clock, ExpiredJobs.none()));
    try {
      // As the PUSH command decodes its argument.
      manager.push(JobCodec.decode(json));
    } catch (JobFormatException e) {
      return new Outcome("invalid JSON: " + e.getMessage(), false, null);
    } catch (CommandException e) {
      return new Outcome(e.getMessage(), false, null);
    }
    if (store.setSize(SetName.SCHEDULED) == 1) {
      return new Outcome(null, true, scheduledPayload(store));
    }
    Optional<byte[]> fetched = manager.fetchNow("w", List.copyOf(store.queueSizes().keySet()));
    return new Outcome(null, false, fetched.orElseThrow());
  }

  private static byte[] scheduledPayload(MemoryStore store) {
    return store.scan(SetName.SCHEDULED, null, 1).getFirst().payload();
  }

  private static Outcome sqlPush(String json) throws SQLException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        PgPushFunctionTest.push(db, c, json);
      } catch (PSQLException e) {
        return new Outcome(e.getServerErrorMessage().getMessage(), false, null);
      }
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  db.sql(
                      "SELECT false, payload FROM {s}.jobs"
                          + " UNION ALL SELECT true, payload FROM {s}.set_entries"))) {
        assertThat(rs.next()).as("a stored row").isTrue();
        Outcome o = new Outcome(null, rs.getBoolean(1), rs.getBytes(2));
        assertThat(rs.next()).as("one stored row").isFalse();
        return o;
      } finally {
        c.rollback();
      }
    }
  }

  /** The payload's tree without the instants each side took from its own clock. */
  private static JsonNode withoutStamps(byte[] payload) {
    ObjectNode tree = (ObjectNode) JobCodec.MAPPER.readTree(payload);
    boolean clientCreated = tree.path("created_at").asString("").startsWith("2020-");
    if (!clientCreated) {
      assertThat(tree.remove("created_at")).as("created_at").isNotNull();
    }
    if (tree.has("enqueued_at")) {
      tree.put("enqueued_at", "stamped");
    }
    if (tree.get("custom") instanceof ObjectNode custom
        && custom.has("expires_in")
        && !custom.path("expires_at").asString("").startsWith("2099-")) {
      custom.put("expires_at", "stamped");
    }
    return tree;
  }
}
