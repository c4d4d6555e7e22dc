package dev.fabrik.client;

import dev.fabrik.protocol.Job;

/**
 * Sees every job a client pushes, just before it is sent, and may return a changed copy (the job is
 * immutable): how tracing adds {@code custom.traceparent}. Set it on the configuration ({@link
 * ClientConfig.Builder#pushHook}), so every client and pool made from it, and a worker's follow-up
 * pushes, apply it. Runs on the pushing thread; an exception it throws fails the push.
 */
@FunctionalInterface
public interface PushHook {
  Job beforePush(Job job);
}
