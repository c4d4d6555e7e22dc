package dev.fabrik.server.cron;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fires cron entries: once a second (a {@link PeriodicService}: one platform thread, so storage
 * work does not pin virtual threads' carriers) it looks at the entries whose next tick is due,
 * reads each one's last tick from the {@link CronStore}, plans the ticks to fire ({@link TickPlan})
 * and claims each with its job in one store write. An entry's next due time is cached, so an idle
 * second costs one pass over an array of instants, whatever the number of entries.
 *
 * <p>Entries come from the config files ({@link #configure}, again on SIGHUP) and from the JSON API
 * ({@link #add}, kept in the store). Pause, resume and "run now" work on both. Several services on
 * one store (several nodes on one database) fire each tick once: the claim decides.
 */
public final class CronService implements Service {
  private static final Logger log = LoggerFactory.getLogger(CronService.class);
  private static final Duration PERIOD = Duration.ofSeconds(1);

  /** Attempts at one entry when other claimers keep winning (they fired the tick: fine). */
  private static final int ATTEMPTS = 3;

  /** One entry and when it is next due (null: never again). */
  private static final class Slot {
    final CronEntry entry;
    Instant due;

    Slot(CronEntry entry) {
      this.entry = entry;
    }
  }

  /**
   * What the UI and API show of one entry.
   *
   * @param nextFires the next three fire times (from now)
   */
  public record View(CronEntry entry, CronStore.TickState state, List<Instant> nextFires) {}

  private final CronStore store;
  private final Function<Job, QueuedJob> prepare;
  private final Clock clock;
  private final Object lock = new Object();
  private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>();
  private List<CronEntry> configured = List.of();
  private List<String> configErrors = List.of();
  private final PeriodicService runs;
  private boolean started;
  private boolean stopped;

  /**
   * @param prepare validates a job and fills its defaults as PUSH does ({@code
   *     Manager::prepareForEnqueue}), throwing {@link CommandException} when it is refused
   */
  public CronService(CronStore store, Function<Job, QueuedJob> prepare, Clock clock) {
    this.store = store;
    this.prepare = prepare;
    this.clock = clock;
    this.runs = new PeriodicService("fabrik-cron", PERIOD, PERIOD, this::runDue);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Loads the API entries from the store and starts the once-a-second pass. */
  @Override
  public void start() {
    synchronized (lock) {
      if (started || stopped) {
        return;
      }
      started = true;
      rebuild();
      runs.start();
    }
  }

  /** As {@link #start()} without the timer: tests call {@link #runDue()} themselves. */
  void startWithoutTimer() {
    synchronized (lock) {
      started = true;
      rebuild();
    }
  }

  @Override
  public void stop(Duration timeout) {
    synchronized (lock) {
      stopped = true;
    }
    runs.stop(timeout);
  }

  // ---------------------------------------------------------------- entries

  /** {@link #configure(CronFiles.Loaded)} for entries without loader errors. */
  public List<String> configure(List<CronEntry> entries) {
    return configure(new CronFiles.Loaded(entries, List.of()));
  }

  /**
   * Replaces the entries from the config files (at start and on SIGHUP). An entry whose job the
   * manager refuses, or whose id an API entry already has, is left out and reported; the loader's
   * own errors are kept with those for {@link #configErrors()}.
   *
   * @return one line per entry refused here (not the loader's errors)
   */
  public List<String> configure(CronFiles.Loaded loaded) {
    synchronized (lock) {
      List<CronEntry> ok = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      for (CronEntry e : loaded.entries()) {
        String problem = problem(e);
        if (problem != null) {
          refused.add(e.source() + ": " + problem);
        } else {
          ok.add(e);
        }
      }
      configured = List.copyOf(ok);
      if (started) {
        rebuild();
      }
      List<String> all = new ArrayList<>(loaded.errors());
      all.addAll(refused);
      for (CronStore.StoredEntry stored : store.entries()) {
        if (configured.stream().anyMatch(c -> c.id().equals(stored.id()))) {
          all.add(
              "cron entry \""
                  + stored.id()
                  + "\" is defined in conf.d and through the API;"
                  + " the conf.d entry is used");
        }
      }
      configErrors = List.copyOf(all);
      return List.copyOf(refused);
    }
  }

  /** Problems found by the last {@link #configure}, for the UI. */
  public List<String> configErrors() {
    synchronized (lock) {
      return configErrors;
    }
  }

  /**
   * Adds (or replaces) an entry through the API; it is kept in the store.
   *
   * @throws IllegalArgumentException the definition is bad, or a conf.d entry has its id
   */
  public CronEntry add(ObjectNode definition) {
    CronEntry entry = CronDefinitions.parse(definition, CronEntry.API);
    String problem = problem(entry);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    synchronized (lock) {
      Slot existing = slots.get(entry.id());
      if (existing != null && !existing.entry.fromApi()) {
        throw new IllegalArgumentException(
            "cron entry \"" + entry.id() + "\" is defined in conf.d; edit the file instead");
      }
      store.saveEntry(entry.id(), JobCodec.MAPPER.writeValueAsBytes(entry.definition()));
      if (started) {
        rebuild();
      }
      return entry;
    }
  }

  /**
   * Removes an API entry and its history.
   *
   * @throws IllegalArgumentException the entry comes from conf.d (edit the file)
   * @return false when there is no such entry
   */
  public boolean remove(String id) {
    synchronized (lock) {
      Slot s = slots.get(id);
      if (s != null && !s.entry.fromApi()) {
        throw new IllegalArgumentException(
            "cron entry \"" + id + "\" is defined in conf.d; remove it there and send SIGHUP");
      }
      boolean removed = store.removeEntry(id);
      if (started) {
        rebuild();
      }
      return removed;
    }
  }

  /** Pauses an entry (kept in the store, so every node and a restart see it). */
  public boolean pause(String id) {
    synchronized (lock) {
      if (!slots.containsKey(id)) {
        return false;
      }
      store.pause(id);
      return true;
    }
  }

  /** Resumes an entry; ticks that passed while it was paused do not fire. */
  public boolean resume(String id) {
    synchronized (lock) {
      Slot s = slots.get(id);
      if (s == null) {
        return false;
      }
      Instant now = now();
      store.resume(id, now);
      s.due = s.entry.schedule().next(now).orElse(null);
      return true;
    }
  }

  /**
   * Pushes the entry's job now, outside its schedule (paused or not).
   *
   * @return the job's jid, or empty when there is no such entry
   */
  public Optional<String> runNow(String id) {
    synchronized (lock) {
      Slot s = slots.get(id);
      if (s == null) {
        return Optional.empty();
      }
      QueuedJob job = job(s.entry, null);
      store.runNow(id, now(), job);
      return Optional.of(job.jid());
    }
  }

  /** Every entry with its state and next three fire times, conf.d entries first. */
  public List<View> list() {
    List<CronEntry> entries;
    synchronized (lock) {
      entries = slots.values().stream().map(s -> s.entry).toList();
    }
    Map<String, CronStore.TickState> states = store.states();
    Instant now = now();
    List<View> out = new ArrayList<>();
    for (CronEntry e : entries) {
      CronStore.TickState state = states.get(e.id());
      out.add(new View(e, state, nextFires(e.schedule(), now, 3)));
    }
    return out;
  }

  public Optional<View> view(String id) {
    return list().stream().filter(v -> v.entry().id().equals(id)).findFirst();
  }

  static List<Instant> nextFires(Schedule schedule, Instant from, int count) {
    List<Instant> out = new ArrayList<>();
    Instant t = from;
    for (int i = 0; i < count; i++) {
      Optional<Instant> n = schedule.next(t);
      if (n.isEmpty()) {
        break;
      }
      out.add(n.get());
      t = n.get();
    }
    return out;
  }

  // ---------------------------------------------------------------- firing

  /**
   * One pass: fires every entry whose next tick is due. Public for tests, which drive it with a
   * manual clock instead of waiting.
   *
   * @return how many jobs this pass pushed
   */
  public int runDue() {
    synchronized (lock) {
      Instant now = now();
      int pushed = 0;
      for (Slot s : slots.values()) {
        if (s.due != null && !s.due.isAfter(now)) {
          try {
            pushed += fire(s, now);
          } catch (StorageException | CommandException e) {
            log.warn("cron entry {} could not fire: {}", s.entry.id(), e.getMessage());
          }
        }
      }
      return pushed;
    }
  }

  private int fire(Slot s, Instant now) {
    CronEntry e = s.entry;
    int pushed = 0;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      CronStore.TickState state =
          store.state(e.id()).orElseGet(() -> store.ensure(List.of(e.id()), now).get(e.id()));
      if (state.paused()) {
        s.due = e.schedule().next(now).orElse(null);
        return pushed;
      }
      TickPlan plan = TickPlan.of(e.schedule(), e.catchUp(), state.lastTick(), now);
      Instant last = state.lastTick();
      boolean lost = false;
      if (plan.skipTo() != null) {
        lost = !store.claimTick(e.id(), last, plan.skipTo(), null);
        last = plan.skipTo();
        if (!lost) {
          log.info("cron {}: skipped ticks missed up to {} (catch_up = none)", e.id(), last);
        }
      }
      for (Instant tick : plan.fire()) {
        if (lost) {
          break;
        }
        QueuedJob job = job(e, tick);
        if (store.claimTick(e.id(), last, tick, job)) {
          pushed++;
          log.debug("cron {} fired tick {} as job {}", e.id(), tick, job.jid());
          last = tick;
        } else {
          lost = true;
        }
      }
      if (!lost) {
        Instant from = last.isAfter(now) ? last : now;
        s.due = e.schedule().next(from).orElse(null);
        return pushed;
      }
      // Another claimer moved the entry on: read its state again and plan what is left.
    }
    s.due = e.schedule().next(now).orElse(null);
    return pushed;
  }

  /**
   * A fresh job from the entry's template, validated and filled in as PUSH would. Its {@code
   * custom.cron} names the entry and the tick (absent for "run now"), so a worker, a log or a
   * uniqueness rule can tell ticks apart: {@code "custom":{"cron":{"id":"rollup","tick":
   * "2026-06-30T17:05:00Z"}}}.
   */
  private QueuedJob job(CronEntry e, Instant tick) {
    ObjectNode json = e.job().deepCopy();
    json.put("jid", newJid());
    ObjectNode custom = json.get("custom") instanceof ObjectNode c ? c : json.putObject("custom");
    ObjectNode mark = custom.putObject("cron");
    mark.put("id", e.id());
    if (tick != null) {
      mark.put("tick", tick.toString());
    } else {
      mark.put("run_now", true);
    }
    Job job = JobCodec.decode(JobCodec.MAPPER.writeValueAsBytes(json));
    return prepare.apply(job);
  }

  private static String newJid() {
    byte[] b = new byte[12];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Null when a job made from the entry would be accepted, else why not. */
  private String problem(CronEntry e) {
    try {
      job(e, null);
      return null;
    } catch (CommandException | IllegalArgumentException ex) {
      return "its job is refused: " + ex.getMessage();
    } catch (RuntimeException ex) {
      return "its job is not valid: " + ex.getMessage();
    }
  }

  /** Rebuilds the slots from the config entries and the store's API entries. */
  private void rebuild() {
    LinkedHashMap<String, CronEntry> all = new LinkedHashMap<>();
    for (CronEntry e : configured) {
      all.put(e.id(), e);
    }
    for (CronStore.StoredEntry stored : store.entries()) {
      if (all.containsKey(stored.id())) {
        continue; // conf.d wins; configure() reports the clash
      }
      try {
        ObjectNode def = (ObjectNode) JobCodec.MAPPER.readTree(stored.definition());
        all.put(stored.id(), CronDefinitions.parse(def, CronEntry.API));
      } catch (RuntimeException ex) {
        log.warn("stored cron entry {} cannot be read, skipped: {}", stored.id(), ex.getMessage());
      }
    }
    Instant now = now();
    Map<String, CronStore.TickState> states = store.ensure(all.keySet(), now);
    Map<String, Slot> old = new LinkedHashMap<>(slots);
    slots.clear();
    for (CronEntry e : all.values()) {
      Slot s = new Slot(e);
      Slot before = old.get(e.id());
      CronStore.TickState st = states.get(e.id());
      if (before != null && before.entry.definition().equals(e.definition())) {
        s.due = before.due;
      } else {
        // Due at the first tick after the last claimed one: a tick missed while down is due now.
        s.due = e.schedule().next(st.lastTick()).orElse(null);
      }
      slots.put(e.id(), s);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
