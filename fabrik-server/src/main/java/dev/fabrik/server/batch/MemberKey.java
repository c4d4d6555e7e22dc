package dev.fabrik.server.batch;

/** A member's place in {@code (bid, jid)} order: where a keyset page of members resumes. */
public record MemberKey(String bid, String jid) {}
