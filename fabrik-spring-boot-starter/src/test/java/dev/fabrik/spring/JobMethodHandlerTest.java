package dev.fabrik.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Jobs;
import dev.fabrik.client.worker.JobContext;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobMethodHandlerTest {
  record Email(String to, String subject) {}

  /** Records every call; the methods mirror what users write. */
  static final class Handlers {
    final List<Object> calls = new ArrayList<>();

    public void send(Email email, JobContext ctx) {
      calls.add(email);
      calls.add(ctx.jid());
    }

    public void batch(JobContext ctx, List<Email> emails, int retries) {
      calls.add(emails);
      calls.add(retries);
    }

    public void broken(String why) throws IOException {
      throw new IOException("disk gone: " + why);
    }
  }

  private final Handlers handlers = new Handlers();

  @Test
  void bindsArgumentsByPositionAroundTheContext() throws Exception {
    Job job = Jobs.of("SendEmail", Map.of("to", "ann@example.com", "subject", "hi"));

    perform("send", job);

    assertThat(handlers.calls).containsExactly(new Email("ann@example.com", "hi"), job.jid());
  }

  @Test
  void bindsGenericParameterTypes() throws Exception {
    Job job = Jobs.of("Batch", List.of(Map.of("to", "a@x", "subject", "s")), 3);

    perform("batch", job);

    assertThat(handlers.calls).containsExactly(List.of(new Email("a@x", "s")), 3);
  }

  @Test
  void wrongArgumentCountFailsNamingTheMethodWithoutCallingIt() {
    Job job = Jobs.of("SendEmail", Map.of("to", "a@x"), "extra");

    assertThatThrownBy(() -> perform("send", job))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Handlers.send takes 1 job argument(s), the job has 2");
    assertThat(handlers.calls).isEmpty();
  }

  @Test
  void unbindableArgumentFailsWithItsPositionAndType() {
    Job job = Jobs.of("Batch", "not a list", 3);

    assertThatThrownBy(() -> perform("batch", job))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Handlers.batch: args[0] does not bind to java.util.List<");
    assertThat(handlers.calls).isEmpty();
  }

  @Test
  void handlerExceptionsSurfaceUnwrapped() {
    Job job = Jobs.of("Broken", "full");

    assertThatThrownBy(() -> perform("broken", job))
        .isInstanceOf(IOException.class)
        .hasMessage("disk gone: full");
  }

  private void perform(String methodName, Job job) throws Exception {
    Method method =
        java.util.Arrays.stream(Handlers.class.getMethods())
            .filter(m -> m.getName().equals(methodName))
            .findFirst()
            .orElseThrow();
    new JobMethodHandler(handlers, method, JobCodec.MAPPER)
        .perform(JobContext.of(job, pushed -> {}), job.args());
  }
}
