package dev.fabrik.client.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.Jobs;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.UnknownJobTypeException;
import dev.fabrik.protocol.Job;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InlineRunnerTest {
  record Order(long id, BigDecimal total) {}

  @Test
  void handlerSeesArgsAfterJsonRoundTrip() {
    List<Object> seen = new ArrayList<>();
    HandlerRegistry r = HandlerRegistry.create().register("A", (ctx, args) -> seen.addAll(args));

    InlineResult result = InlineRunner.of(r).run("A", 7L, new Order(1, new BigDecimal("1.10")));

    assertThat(result.succeeded()).isTrue();
    // a long small enough comes back an Integer and a record a Map, as FETCH would deliver them
    assertThat(seen).containsExactly(7, Map.of("id", 1, "total", new BigDecimal("1.10")));
  }

  @Test
  void typedBindingAndFollowUpsAreRecorded() {
    HandlerRegistry r =
        HandlerRegistry.create()
            .register(
                "Charge", Order.class, (ctx, order) -> ctx.push(Jobs.of("Receipt", order.id())));
    InlineRunner runner = InlineRunner.of(r);

    InlineResult result = runner.run("Charge", new Order(9, new BigDecimal("2.50")));

    assertThat(result.succeeded()).isTrue();
    assertThat(result.pushed()).extracting(Job::jobtype).containsExactly("Receipt");
    assertThat(runner.pushed()).hasSize(1);
  }

  @Test
  void failuresAreReportedNotThrown() {
    HandlerRegistry r =
        HandlerRegistry.create()
            .register(
                "Boom",
                (ctx, args) -> {
                  throw new IllegalStateException("boom");
                });
    InlineRunner runner = InlineRunner.of(r);

    assertThat(runner.run("Boom").error()).isInstanceOf(IllegalStateException.class);
    assertThat(runner.run("Unknown").error()).isInstanceOf(UnknownJobTypeException.class);
  }
}
