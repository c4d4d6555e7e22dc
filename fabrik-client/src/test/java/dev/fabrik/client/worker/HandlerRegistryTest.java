package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Jobs;
import dev.fabrik.protocol.Job;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {
  record Email(String to, String subject) {}

  private final List<Job> pushed = new ArrayList<>();

  private JobContext ctx(Job job) {
    return JobContext.of(job, pushed::add);
  }

  @Test
  void dispatchesByJobtypeWithPlainArgs() throws Exception {
    List<Object> seen = new ArrayList<>();
    HandlerRegistry r =
        HandlerRegistry.create()
            .register("A", (ctx, args) -> seen.add("A" + args))
            .register("B", (ctx, args) -> seen.addAll(args));

    r.perform(ctx(Jobs.of("B", 1, "x", new BigInteger("123456789012345678901234567890"))));

    assertThat(seen).containsExactly(1, "x", new BigInteger("123456789012345678901234567890"));
  }

  @Test
  void bindsFirstArgumentToType() throws Exception {
    List<Email> seen = new ArrayList<>();
    HandlerRegistry r =
        HandlerRegistry.create().register("SendEmail", Email.class, (ctx, e) -> seen.add(e));

    r.perform(ctx(Jobs.of("SendEmail", Map.of("to", "a@b.c", "subject", "hi"))));

    assertThat(seen).containsExactly(new Email("a@b.c", "hi"));
  }

  @Test
  void missingArgumentForTypedHandlerThrows() {
    HandlerRegistry r = HandlerRegistry.create().register("SendEmail", Email.class, (c, e) -> {});

    assertThatThrownBy(() -> r.perform(ctx(Jobs.of("SendEmail"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("args[0]");
  }

  @Test
  void middlewareRunsOutermostFirstAroundHandler() throws Exception {
    List<String> order = new ArrayList<>();
    HandlerRegistry r =
        HandlerRegistry.create()
            .use(
                (ctx, next) -> {
                  order.add("outer>");
                  next.proceed();
                  order.add("<outer");
                })
            .use(
                (ctx, next) -> {
                  order.add("inner>");
                  next.proceed();
                  order.add("<inner");
                })
            .register("A", (ctx, args) -> order.add("handler"));

    r.perform(ctx(Jobs.of("A")));

    assertThat(order).containsExactly("outer>", "inner>", "handler", "<inner", "<outer");
  }

  @Test
  void middlewareMaySkipTheHandler() throws Exception {
    List<String> order = new ArrayList<>();
    HandlerRegistry r =
        HandlerRegistry.create()
            .use((ctx, next) -> order.add("skipped " + ctx.type()))
            .register("A", (ctx, args) -> order.add("handler"));

    r.perform(ctx(Jobs.of("A")));

    assertThat(order).containsExactly("skipped A");
  }

  @Test
  void unknownTypeThrowsInsideMiddleware() {
    List<String> seen = new ArrayList<>();
    HandlerRegistry r =
        HandlerRegistry.create()
            .use(
                (ctx, next) -> {
                  try {
                    next.proceed();
                  } finally {
                    seen.add("middleware saw " + ctx.type());
                  }
                });

    assertThatThrownBy(() -> r.perform(ctx(Jobs.of("Nope"))))
        .isInstanceOf(UnknownJobTypeException.class)
        .hasMessageContaining("Nope");
    assertThat(seen).containsExactly("middleware saw Nope");
  }

  @Test
  void duplicateRegistrationIsRefused() {
    HandlerRegistry r = HandlerRegistry.create().register("A", (c, a) -> {});

    assertThatThrownBy(() -> r.register("A", (c, a) -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contextExposesJobAndPushes() throws Exception {
    HandlerRegistry r =
        HandlerRegistry.create()
            .register(
                "A",
                (ctx, args) -> {
                  assertThat(ctx.attempt()).isEqualTo(1);
                  assertThat(ctx.retryCount()).isZero();
                  assertThat(ctx.failureMessage()).isEmpty();
                  ctx.progress(50, "half");
                  ctx.push(Jobs.of("B", ctx.jid()));
                });
    Job job = Jobs.builder("A").queue("q1").build();

    r.perform(ctx(job));

    assertThat(pushed).singleElement().satisfies(j -> assertThat(j.jobtype()).isEqualTo("B"));
    assertThat(pushed.get(0).args().get(0).stringValue()).isEqualTo(job.jid());
  }
}
