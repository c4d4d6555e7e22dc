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
import dev.fabrik.server.unique.UniqueOption;
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
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'unique_for':60}}",
        "{'jid':'jid-00000001','jobtype':'Ä','args':[{'z':1,'a':[true,null,'x\\n\\\"'],'é':{},'B':2}],"
            + "'queue':'q','custom':{'unique_for':0.5,'unique_until':'start'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[1.10,-0.0,0.000001,123456789012345678901234567890,"
            + "-5,1.5],'custom':{'unique_for':1e-10,'unique_until':'success'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'at':'2099-01-01T00:00:00.5Z',"
            + "'custom':{'unique_for':3600}}",
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
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'unique_for':0}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'unique_for':'60'}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'unique_for':-1}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'unique_for':4000000000}}",
        "{'jid':'jid-00000001','jobtype':'A','args':[],'custom':{'unique_for':5,'unique_until':'end'}}",
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
    // A unique job: the SQL claim is the one the server takes for this job (key and window).
    UniqueOption option = UniqueOption.of(JobCodec.decode(server.payload()));
    if (option == null) {
      assertThat(sql.lock()).as("lock").isNull();
    } else {
      assertThat(sql.lock()).as("lock").isNotNull();
      assertThat(sql.lock().key()).isEqualTo(option.key());
      // ... and the key the server computes from the stored job when FETCH or ACK releases it.
      assertThat(UniqueOption.of(JobCodec.decode(sql.payload())).key()).isEqualTo(option.key());
      assertThat(sql.lock().windowMicros()).isEqualTo(option.window().toNanos() / 1_000);
    }
  }

  /** The unique lock the SQL push took: its key, and its expiry minus the job's due time. */
  private record Lock(String key, long windowMicros) {}

  /** What one side did with the job: a refusal text, or the payload and where it went. */
  private record Outcome(String refusal, boolean scheduled, byte[] payload, Lock lock) {
    Outcome(String refusal, boolean scheduled, byte[] payload) {
      this(refusal, scheduled, payload, null);
    }
  }

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
      // As PUSHB lists it: coded errors keep their code.
      String text = "ERR".equals(e.code()) ? e.getMessage() : e.code() + " " + e.getMessage();
      return new Outcome(text, false, null);
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
                      "SELECT false, payload, (SELECT extract(epoch FROM created_at::timestamptz)"
                          + " * 1000000 FROM jsonb_to_record(convert_from(payload, 'UTF8')::jsonb)"
                          + " AS x(created_at text))::bigint FROM {s}.jobs"
                          + " UNION ALL SELECT true, payload, score_us FROM {s}.set_entries"));
          Statement l = c.createStatement();
          ResultSet locks =
              l.executeQuery(db.sql("SELECT key, expires_us FROM {s}.unique_locks"))) {
        assertThat(rs.next()).as("a stored row").isTrue();
        boolean scheduled = rs.getBoolean(1);
        byte[] payload = rs.getBytes(2);
        long dueMicros = rs.getLong(3);
        assertThat(rs.next()).as("one stored row").isFalse();
        Lock lock =
            locks.next() ? new Lock(locks.getString(1), locks.getLong(2) - dueMicros) : null;
        return new Outcome(null, scheduled, payload, lock);
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
