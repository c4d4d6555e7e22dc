package dev.fabrik.example.spring;

/** The welcome email's data: the job's only argument, {@code "args":[{"email":...,"name":...}]}. */
public record WelcomeEmail(String email, String name) {}
