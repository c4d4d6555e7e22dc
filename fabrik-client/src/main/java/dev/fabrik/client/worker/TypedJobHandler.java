package dev.fabrik.client.worker;

/**
 * Performs one job type whose first argument ({@code args[0]}) is bound to {@code T} with Jackson,
 * e.g. {@code register("SendEmail", Email.class, (ctx, email) -> mailer.send(email))}. A job whose
 * {@code args[0]} is missing or does not bind FAILs without calling the handler.
 */
@FunctionalInterface
public interface TypedJobHandler<T> {
  void perform(JobContext ctx, T arg) throws Exception;
}
