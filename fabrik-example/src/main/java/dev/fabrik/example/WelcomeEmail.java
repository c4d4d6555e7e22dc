package dev.fabrik.example;

/**
 * The typed argument of a {@code SendWelcomeEmail} job. It travels as {@code args[0]}:
 *
 * <pre>{"jobtype":"SendWelcomeEmail","args":[{"to":"ada@example.com","name":"Ada"}]}</pre>
 */
public record WelcomeEmail(String to, String name) {}
