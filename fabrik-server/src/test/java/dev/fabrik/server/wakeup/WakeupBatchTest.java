package dev.fabrik.server.wakeup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WakeupBatchTest {
  private final List<String> woken = new ArrayList<>();

  private WakeupBatch.Target target(String name) {
    return () -> woken.add(name);
  }

  @Test
  void outsideABatchTheCallerWakesAtOnce() {
    assertThat(WakeupBatch.deferred(target("loop-1"))).isFalse();
    assertThat(woken).isEmpty();
  }

  @Test
  void eachTargetIsWokenOnceWhenTheCompletionsHaveRun() {
    WakeupBatch.Target loop1 = target("loop-1");
    WakeupBatch.Target loop2 = target("loop-2");
    List<String> seenDuring = new ArrayList<>();
    WakeupBatch.run(
        () -> {
          for (int reply = 0; reply < 20; reply++) {
            assertThat(WakeupBatch.deferred(reply % 3 == 2 ? loop2 : loop1)).isTrue();
          }
          seenDuring.addAll(woken);
        });
    assertThat(seenDuring).isEmpty();
    assertThat(woken).containsExactly("loop-1", "loop-2");
  }

  @Test
  void manyTargetsAreAllWoken() {
    List<String> names = new ArrayList<>();
    WakeupBatch.run(
        () -> {
          for (int i = 0; i < 9; i++) {
            names.add("loop-" + i);
            WakeupBatch.deferred(target("loop-" + i));
          }
        });
    assertThat(woken).containsExactlyElementsOf(names);
  }

  @Test
  void aCompletionThatThrowsStillLetsTheWakeupsGo() {
    assertThatThrownBy(
            () ->
                WakeupBatch.run(
                    () -> {
                      WakeupBatch.deferred(target("loop-1"));
                      throw new IllegalStateException("a listener failed");
                    }))
        .hasMessage("a listener failed");
    assertThat(woken).containsExactly("loop-1");
    assertThat(WakeupBatch.deferred(target("loop-2"))).isFalse(); // the batch is over
  }

  @Test
  void anotherThreadIsNotPartOfTheBatch() throws Exception {
    AtomicBoolean deferredElsewhere = new AtomicBoolean(true);
    WakeupBatch.run(
        () -> {
          Thread other =
              Thread.ofPlatform()
                  .start(() -> deferredElsewhere.set(WakeupBatch.deferred(target("loop-1"))));
          try {
            other.join();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        });
    assertThat(deferredElsewhere).isFalse();
  }
}
