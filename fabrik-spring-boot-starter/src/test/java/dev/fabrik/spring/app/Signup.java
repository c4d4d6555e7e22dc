package dev.fabrik.spring.app;

/** A new customer, as the signup form posts it and the Welcome job carries it. */
public record Signup(String email, String plan) {}
