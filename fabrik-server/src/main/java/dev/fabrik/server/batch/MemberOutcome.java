package dev.fabrik.server.batch;

/** A member job's run ended: {@code state} is where it moves ({@link BatchStore#finishAll}). */
public record MemberOutcome(String bid, String jid, MemberState state) {}
